/* The neighbourhood view on node pages: fetches the JSON elements and draws them with
   Cytoscape.js.  Colours come from the legend's CSS classes (one place: app.css). */
(function () {
  "use strict";
  var box = document.getElementById("graph-view");
  if (!box || typeof cytoscape !== "function") { return; }
  var status = document.querySelector(".graph-status");
  var legend = document.querySelector(".legend");
  var buttons = document.querySelectorAll(".graph-controls button[data-depth]");
  var cy = null;

  function say(text) { if (status) { status.textContent = text; } }

  /* One legend entry per label in view; its swatch's CSS class gives the colour. */
  function legendFor(nodes) {
    var seen = {};
    if (legend) { legend.textContent = ""; }
    nodes.forEach(function (n) {
      var label = n.data.label || "";
      if (!seen[label]) {
        var li = document.createElement("li");
        var swatch = document.createElement("span");
        swatch.className = "swatch label-" + label.replace(/[^A-Za-z0-9]/g, "");
        li.appendChild(swatch);
        li.appendChild(document.createTextNode(n.data.kind || label));
        if (legend) { legend.appendChild(li); }
        seen[label] = getComputedStyle(swatch).backgroundColor || "#6e7781";
      }
      n.data.colour = seen[label];
    });
  }

  function draw(data) {
    legendFor(data.elements.nodes);
    if (cy) { cy.destroy(); }
    cy = cytoscape({
      container: box,
      elements: data.elements,
      wheelSensitivity: 0.3, minZoom: 0.2, maxZoom: 1.5,
      style: [
        { selector: "node", style: {
            "background-color": "data(colour)", "label": "data(name)", "font-size": 11,
            "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "ellipsis", "text-max-width": 110,
            "min-zoomed-font-size": 7, "text-background-color": "#ffffff", "text-background-opacity": 0.8,
            "text-background-padding": 1, "width": 18, "height": 18, "color": "#1b1f24" } },
        { selector: "node[?cluster]", style: { "shape": "round-rectangle", "width": 34, "height": 26,
            "border-width": 2, "border-style": "dashed", "border-color": "#1b1f24", "font-weight": "bold" } },
        { selector: "edge[type = 'CLUSTER']", style: { "line-style": "dashed", "target-arrow-shape": "none" } },
        { selector: "node[?root]", style: { "width": 30, "height": 30, "border-width": 3, "border-color": "#1b1f24",
            "font-weight": "bold" } },
        { selector: "edge", style: { "width": 1.5, "line-color": "#8c959f", "target-arrow-color": "#8c959f",
            "target-arrow-shape": "triangle", "curve-style": "bezier", "label": "data(name)", "font-size": 9,
            "color": "#57606a", "text-rotation": "autorotate" } }
      ],
      layout: { name: "cose", animate: false, nodeRepulsion: 12000, idealEdgeLength: 100, randomize: false,
                nodeDimensionsIncludeLabels: true, nodeOverlap: 20, componentSpacing: 60 }
    });
    cy.on("tap", "node", function (evt) {
      var expand = evt.target.data("expand");
      if (expand) { load(2, expand); return; }
      var url = evt.target.data("url");
      if (url && !evt.target.data("root")) { window.location.href = url; }
    });
    var shown = data.elements.nodes.filter(function (n) { return !n.data.cluster; }).length;
    var text = (box.getAttribute("data-loaded") || "").replace("{n}", String(shown));
    if (data.truncated) { text += " " + (box.getAttribute("data-truncated") || ""); }
    say(text);
    box.setAttribute("data-ready", String(data.depth));
  }

  function load(depth, expand) {
    say(box.getAttribute("data-loading") || "");
    Array.prototype.forEach.call(buttons, function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-depth") === String(depth) ? "true" : "false");
    });
    var query = "?depth=" + depth + (expand ? "&expand=" + encodeURIComponent(expand) : "");
    fetch(box.getAttribute("data-src") + query, { credentials: "same-origin",
                                                  headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(draw)
      .catch(function () { say(box.getAttribute("data-failed") || "error"); });
  }

  Array.prototype.forEach.call(buttons, function (b) {
    b.addEventListener("click", function () { load(parseInt(b.getAttribute("data-depth"), 10)); });
  });
  load(1);
}());
