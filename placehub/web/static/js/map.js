// Place map: a choropleth of vector boundaries (no tiles, nothing from outside this server), with a legend,
// hover read-out, click-through to the area's profile, and the same figures as a table for keyboard users.
(function () {
  "use strict";
  var el = document.getElementById("place-map");
  if (!el || typeof L === "undefined") return;
  var info = document.getElementById("map-info");
  var fmt = function (v) { return v === null || v === undefined ? "no value" : Number(v).toFixed(2); };

  fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
    .then(function (r) { if (!r.ok) throw new Error("The map data could not be loaded (" + r.status + ")."); return r.json(); })
    .then(function (data) {
      var map = L.map(el, { attributionControl: false });
      var layer = L.geoJSON(data, {
        style: function (f) {
          return { color: "#1b1b1b", weight: 1, fillColor: f.properties.colour || "#cccccc", fillOpacity: 0.85 };
        },
        onEachFeature: function (f, lyr) {
          var p = f.properties;
          lyr.on({
            mouseover: function () {
              lyr.setStyle({ weight: 3 });
              info.textContent = p.name + " (" + p.code + "): " + fmt(p.value) + (p.decile ? ", decile " + p.decile : "");
            },
            mouseout: function () { layer.resetStyle(lyr); },
            click: function () { window.location.assign(p.href); }
          });
        }
      }).addTo(map);
      if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds());
      // Give each area path a stable hook (tests and assistive tooling) once rendered.
      layer.eachLayer(function (lyr) {
        var path = lyr.getElement && lyr.getElement();
        if (path) { path.setAttribute("data-code", lyr.feature.properties.code); }
      });

      var legend = document.getElementById("legend");
      (data.legend || []).forEach(function (c) {
        var item = document.createElement("span");
        var sw = document.createElement("span");
        sw.className = "swatch";
        sw.style.background = c.colour;
        item.appendChild(sw);
        item.appendChild(document.createTextNode(fmt(c.low) + " to " + fmt(c.high)));
        legend.appendChild(item);
      });

      var body = document.querySelector("#area-table tbody");
      data.features.forEach(function (f) {
        var p = f.properties;
        var tr = document.createElement("tr");
        var a = document.createElement("a");
        a.href = p.href;
        a.textContent = p.name;
        var cells = [a, p.code, fmt(p.value), p.rank === null ? "" : p.rank, p.decile === null ? "" : p.decile];
        cells.forEach(function (c, i) {
          var td = document.createElement("td");
          if (i >= 2) td.className = "num";
          if (c instanceof Node) td.appendChild(c); else td.textContent = String(c);
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
      el.dataset.ready = String(data.features.length);
    })
    .catch(function (err) { info.textContent = err.message; el.dataset.ready = "error"; });
})();
