// Open data map: one published release's figures by area as a choropleth of vector boundaries (no tiles,
// nothing from outside this server). Suppressed areas are hatched grey and read "[c]" (confidential).
(function () {
  "use strict";
  var el = document.getElementById("open-data-map");
  if (!el || typeof L === "undefined") return;
  var info = document.getElementById("open-data-map-info");
  var fmt = function (v) { return v === null || v === undefined ? "[c] suppressed" : String(v); };
  fetch(el.dataset.url, { headers: { Accept: "application/geo+json" } })
    .then(function (r) { if (!r.ok) throw new Error("The map data could not be loaded (" + r.status + ")."); return r.json(); })
    .then(function (data) {
      var map = L.map(el, { attributionControl: false });
      var layer = L.geoJSON(data, {
        style: function (f) {
          return { color: "#1b1b1b", weight: 1, fillColor: f.properties.colour, fillOpacity: 0.85 };
        },
        onEachFeature: function (f, lyr) {
          var p = f.properties;
          lyr.on({
            mouseover: function () { lyr.setStyle({ weight: 3 }); info.textContent = p.name + " (" + p.code + "): " + fmt(p.value); },
            mouseout: function () { layer.resetStyle(lyr); }
          });
        }
      }).addTo(map);
      if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds());
      var legend = document.getElementById("open-data-legend");
      (data.legend || []).forEach(function (c) {
        var item = document.createElement("span");
        var sw = document.createElement("span");
        sw.className = "swatch";
        sw.style.background = c.colour;
        item.appendChild(sw);
        item.appendChild(document.createTextNode(c.label));
        legend.appendChild(item);
      });
      el.dataset.ready = String(data.features.length);
    })
    .catch(function (err) { info.textContent = err.message; el.dataset.ready = "error"; });
})();
