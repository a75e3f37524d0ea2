// Outbreak map: clusters as circles (centre rounded to 100 m, counts only), care homes and schools nearby as
// pins, ward outlines for context. No tiles: nothing is fetched from outside this server.
(function () {
  "use strict";
  var el = document.getElementById("outbreak-map");
  if (!el || typeof L === "undefined") return;
  var info = document.getElementById("map-info");
  var hover = function (text) { return function () { info.textContent = text; }; };

  fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
    .then(function (r) { if (!r.ok) throw new Error("The map data could not be loaded (" + r.status + ")."); return r.json(); })
    .then(function (data) {
      var map = L.map(el, { attributionControl: false });
      var wards = data.features.filter(function (f) { return f.properties.kind === "ward"; });
      var outline = L.geoJSON({ type: "FeatureCollection", features: wards }, {
        style: { color: "#4a4a4a", weight: 1, fillColor: "#ffffff", fillOpacity: 0.5 }, interactive: false
      }).addTo(map);
      // Bounds are worked out from the data: a circle cannot measure itself until the map has a view.
      var bounds = L.latLngBounds([]);
      var layers = [];
      var circles = 0, pins = 0;
      data.features.forEach(function (f) {
        var p = f.properties, ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        if (p.kind === "cluster") {
          var text = "Cluster " + p.number + ": " + p.observed + " cases (" + p.expected + " expected) within " +
            Math.round(p.radius_m) + " m, " + p.first_day + " to " + p.last_day + ", p = " + p.p_value.toFixed(3) +
            ", recurrence " + p.recurrence;
          var circle = L.circle(ll, { radius: p.drawn_radius_m, color: "#b71c1c", weight: 2, fillColor: "#d7301f", fillOpacity: 0.3 })
            .bindTooltip(text).on("mouseover", hover(text));
          circle.clusterNumber = p.number;
          layers.push(circle);
          bounds.extend(L.latLng(ll).toBounds(2 * Math.max(p.drawn_radius_m, 50)));
          circles += 1;
        } else if (p.kind === "care home" || p.kind === "school") {
          var cls = p.kind === "care home" ? "care-home" : "school";
          var label = p.kind + ": " + p.name + " (" + p.distance_m + " m from cluster " + p.cluster + "'s centre)";
          layers.push(L.marker(ll, {
            icon: L.divIcon({ className: "place-pin " + cls, html: p.kind === "care home" ? "H" : "S", iconSize: [22, 22] }),
            title: label, keyboard: true
          }).bindTooltip(label).on("mouseover", hover(label)));
          bounds.extend(ll);
          pins += 1;
        }
      });
      if (!bounds.isValid()) bounds = outline.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds.pad(0.3), { maxZoom: 17 }); } else { map.setView([54.5, -2.5], 5); }
      layers.forEach(function (layer) {
        layer.addTo(map);
        if (layer.clusterNumber) {
          var path = layer.getElement && layer.getElement();
          if (path) path.setAttribute("data-cluster", String(layer.clusterNumber));
        }
      });
      el.dataset.circles = String(circles);
      el.dataset.pins = String(pins);
      el.dataset.ready = "1";
    })
    .catch(function (err) { info.textContent = err.message; el.dataset.ready = "error"; });
})();
