/* The community map on the community's own base image (Leaflet, CRS.Simple: image pixels, no
   tiles, works offline), and the point picker of the report form.  Image coordinates are
   x from the left edge and y from the top; Leaflet's are [lat, lng] = [height - y, x]. */
(function () {
  "use strict";
  if (!window.L) { return; }

  function imageMap(el, url, width, height) {
    var map = L.map(el, { crs: L.CRS.Simple, minZoom: -5, maxZoom: 3, zoomSnap: 0.25, attributionControl: false });
    var bounds = [[0, 0], [height, width]];
    L.imageOverlay(url, bounds).addTo(map);
    map.fitBounds(bounds);
    map.setMaxBounds(L.latLngBounds(bounds).pad(0.2));
    return map;
  }

  function at(x, y, height) { return [height - y, x]; }
  function toImage(latlng, height) { return { x: Math.round(latlng.lng * 10) / 10, y: Math.round((height - latlng.lat) * 10) / 10 }; }

  function dot(latlng, cls, label) {
    return L.circleMarker(latlng, { radius: 8, className: "map-dot " + cls, weight: 2, fillOpacity: 0.85 }).bindTooltip(label);
  }

  function label(key, params) { return window.cemText ? window.cemText(key, params) : key; }
  function text(s) { var d = document.createElement("div"); d.textContent = s; return d.innerHTML; }

  function drawMap(el) {
    fetch(el.getAttribute("data-source"), { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.base) { return; }
        var h = data.base.height, map = imageMap(el, data.base.url, data.base.width, h);
        if (data.tile_url) { L.tileLayer(data.tile_url, { opacity: 0.5 }).addTo(map); }
        data.features.forEach(function (f) {
          var pts = [];
          for (var i = 0; i + 1 < f.coords.length; i += 2) { pts.push(at(f.coords[i], f.coords[i + 1], h)); }
          if (f.kind === "evacuation_route") {
            L.polyline(pts, { className: "map-route", weight: 5 }).bindTooltip(text(f.name)).addTo(map);
          } else {
            dot(pts[0], f.kind === "assembly_point" ? "assembly" : f.kind === "supply_point" ? "supply" : "other",
                text(label("feature", { kind: f.kind_name, name: f.name }))).addTo(map);
          }
        });
        data.shelters.forEach(function (s) { dot(at(s.x, s.y, h), "shelter", text(label("shelter", { name: s.name }))).addTo(map); });
        data.supplies.forEach(function (s) { dot(at(s.x, s.y, h), "supply", text(label("supply", { name: s.name }))).addTo(map); });
        data.cases.forEach(function (c) {
          var open = ["reported", "assigned", "remediated"].indexOf(c.status) >= 0;
          dot(at(c.x, c.y, h), open ? "case-open" : "case-closed", text(c.name + " · " + c.place + " · " + c.status_name)).addTo(map);
        });
        data.residents.forEach(function (r) { dot(at(r.x, r.y, h), "resident", text(label("resident", { name: r.name }))).addTo(map); });
        var form = document.querySelector("[data-feature-form]");
        if (form) {
          map.on("click", function (e) {
            var p = toImage(e.latlng, h), input = form.querySelector('[name="coords"]');
            var kind = form.querySelector('[name="kind"]').value;
            input.value = (kind === "evacuation_route" && input.value ? input.value + "," : "") + p.x + "," + p.y;
          });
        }
        el.setAttribute("data-ready", "true");
      });
  }

  function picker(el) {
    var w = +el.getAttribute("data-width"), h = +el.getAttribute("data-height");
    var map = imageMap(el, el.getAttribute("data-image"), w, h), marker = null;
    var form = el.closest("form");
    map.on("click", function (e) {
      var p = toImage(e.latlng, h);
      form.querySelector('[name="x"]').value = p.x;
      form.querySelector('[name="y"]').value = p.y;
      if (marker) { marker.setLatLng(e.latlng); } else { marker = dot(e.latlng, "case-open", label("marker")).addTo(map); }
    });
    map.whenReady(function () { el.setAttribute("data-ready", "true"); });
  }

  document.querySelectorAll("[data-map]").forEach(drawMap);
  document.querySelectorAll("[data-pick-map]").forEach(picker);
  document.querySelectorAll("[data-print]").forEach(function (b) { b.addEventListener("click", function () { window.print(); }); });
}());
