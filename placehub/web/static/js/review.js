// Match review: keyboard shortcuts (a accept, r reject, n next) and the candidates' pins on an offline map.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target && event.target.tagName) || "";
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || event.target.isContentEditable) return;
    var button = document.querySelector('button[data-key="' + event.key.toLowerCase() + '"]');
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });

  var el = document.getElementById("review-map");
  if (!el || typeof L === "undefined") return;
  var pins = JSON.parse(el.dataset.pins || "[]");
  var areas = JSON.parse(el.dataset.areas || '{"type":"FeatureCollection","features":[]}');
  // No tile layer: nothing is fetched from outside this server. Area outlines give the pins their context.
  var map = L.map(el, { attributionControl: false });
  var outline = L.geoJSON(areas, { style: { color: "#4a4a4a", weight: 1, fillColor: "#ffffff", fillOpacity: 0.6 } }).addTo(map);
  var markers = pins.map(function (p) {
    var icon = L.divIcon({ className: "pin" + (p.suggested ? " suggested" : ""), html: String(p.n), iconSize: [26, 26] });
    return L.marker([p.lat, p.lon], { icon: icon, title: "Candidate " + p.n + ": UPRN " + p.uprn, keyboard: true })
      .bindTooltip("Candidate " + p.n + " · UPRN " + p.uprn);
  });
  var group = L.featureGroup(markers).addTo(map);
  var bounds = group.getLayers().length ? group.getBounds() : outline.getBounds();
  if (bounds.isValid()) {
    map.fitBounds(bounds.pad(0.5), { maxZoom: 18 });
  } else {
    map.setView([54.5, -2.5], 5);
  }
  el.dataset.ready = String(markers.length);
})();
