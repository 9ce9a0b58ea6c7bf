// Permanent labels on a map (name over value, set with textContent: no value from data is read as HTML), each at
// the first of its places where it is free. The places come from the server (layers/choropleth.py MapLabel, all
// inside the label's own unit, best first); the element layers/plugin.py Labels calls label(map, labels) with them
// (as window.PetaCakupan.label: entries/labels.js). A label takes the first place where it meets no label placed
// before it, no overlay of the map (legend, tools, slider, scale) and stays in the frame; when none is free, and fewer
// than half the units are named, it goes beside its unit over the sea with a line to its first place; otherwise it
// hides (its unit keeps its tooltip). Labels come in priority order (a province map's capital first, which is shown
// even when only an overlay is in its way). map.petaRelabel(labels) writes another period's texts
// (static/js/switch.js); the document's peta:relayout event (high contrast) measures them again.
//
// A label is a permanent Leaflet tooltip centred on its place. Leaflet's own reads the tooltip's size
// (offsetWidth) every time it places it, which lays the page out again once per label and per move; a label's size
// changes only with its text or the contrast, so it is read once for all labels (measure) and kept.
export function label(map, labels) {
  var Label = L.Tooltip.extend({
    _setPosition: function (pos) {
      if (!this.size) { return; }  // placed once measured
      var half = L.point(this.size.x / 2, this.size.y / 2, true);
      var at = pos.subtract(half).add(L.point(this.options.offset)).add(this._getAnchor());
      L.DomUtil.setPosition(this._container, at);
    },
  });
  var OVERLAYS = [".legend", ".map-tools", ".stage-tools", ".timeline", ".leaflet-control-scale",
    ".leaflet-control-attribution"].join(", ");
  function write(el, l) {
    el.textContent = "";
    var name = el.appendChild(document.createElement("span"));
    name.className = "peta-label-name";
    name.textContent = l.name;
    if (l.value) {
      el.appendChild(document.createTextNode(" "));  // the label's text reads "name value"
      var value = el.appendChild(document.createElement("span"));
      value.className = "peta-label-value";
      value.textContent = l.value;
    }
  }
  var current = labels.map(function () { return {k: 0, dx: 0, dy: 0}; });
  var tips = labels.map(function (l) {
    var el = document.createElement("span");
    el.setAttribute("data-code", l.code);  // the unit it names (the tests check it stands on it)
    write(el, l);
    return new Label({permanent: true, direction: "center", className: "peta-label leaflet-tooltip-center",
      interactive: false}).setLatLng(l.at[0]).setContent(el).addTo(map);
  });
  measure();
  var leaders = L.layerGroup().addTo(map);
  function meets(a, b) {
    return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
  }
  // Beside its district, over the sea, with a line to its place: where a label goes when no place inside
  // is free (distances in px from the place to the label's nearer edge, then twelve directions).
  var REACH = [24, 56, 96, 144, 200, 260];
  var WAYS = [[1, 0], [-1, 0], [1, -0.4], [-1, -0.4], [1, 0.4], [-1, 0.4],
    [0.7, -0.7], [-0.7, -0.7], [0.7, 0.7], [-0.7, 0.7], [0, -1], [0, 1]];
  function onLand(b) {
    var points = [[(b.left + b.right) / 2, (b.top + b.bottom) / 2], [b.left + 2, b.top + 2],
      [b.right - 2, b.top + 2], [b.left + 2, b.bottom - 2], [b.right - 2, b.bottom - 2]];
    return points.some(function (p) {
      var hit = document.elementFromPoint(p[0], p[1]);
      return hit && hit.classList && hit.classList.contains("leaflet-interactive");
    });
  }
  function declutter() {
    // Read every box first, then write: a style change between two reads would force the browser
    // to lay the page out again for every label.
    var frame = map.getContainer().getBoundingClientRect();
    var overlays = Array.prototype.filter.call(
      map.getContainer().parentNode.querySelectorAll(OVERLAYS), function (o) { return o.offsetWidth; }
    ).map(function (o) { return o.getBoundingClientRect(); });
    var elements = tips.map(function (tip) { return tip.getElement(); });
    var boxes = elements.map(function (el) { return el ? el.getBoundingClientRect() : null; });
    var placed = [];
    var free = function (b) {
      return b.left >= frame.left && b.right <= frame.right && b.top >= frame.top
        && b.bottom <= frame.bottom && !overlays.some(function (o) { return meets(b, o); })
        && !placed.some(function (q) { return meets(b, q); });
    };
    // A leader line may not run through another label set beside (checked every 4 px along it); it may
    // pass under a label inside a district, whose halo covers it.
    var crosses = function (a, b) {
      var steps = Math.ceil(Math.hypot(b[0] - a.x, b[1] - a.y) / 4);
      for (var t = 1; t < steps; t++) {
        var x = a.x + (b[0] - a.x) * t / steps, y = a.y + (b[1] - a.y) * t / steps;
        var inside = function (q) { return x > q.left && x < q.right && y > q.top && y < q.bottom; };
        if (beside.some(inside)) { return true; }
      }
      return false;
    };
    // Where the box of label i would be with its centre at place k, shifted by (dx, dy) px.
    var boxAt = function (i, k, dx, dy) {
      var r = boxes[i], c = current[i];
      var now = map.latLngToContainerPoint(labels[i].at[c.k]);
      var p = map.latLngToContainerPoint(labels[i].at[k]);
      var x = p.x - now.x + dx - c.dx, y = p.y - now.y + dy - c.dy;
      return {left: r.left + x, right: r.right + x, top: r.top + y, bottom: r.bottom + y};
    };
    var chosen = boxes.map(function (r, i) {
      if (!r || !r.width) { return null; }
      for (var k = 0; k < labels[i].at.length; k++) {
        var b = boxAt(i, k, 0, 0);
        if (free(b)) { placed.push(b); return {k: k, dx: 0, dy: 0}; }
      }
      return null;
    });
    // Beside the districts only as many as it takes to name half of them: every line costs attention.
    var shown = chosen.filter(Boolean).length;
    var beside = [];
    chosen = chosen.map(function (choice, i) {
      var r = boxes[i];
      if (choice || !r || !r.width || (i > 0 && shown * 2 >= labels.length)) { return choice; }
      var from = map.latLngToContainerPoint(labels[i].at[0]).add([frame.left, frame.top]);
      for (var d = 0; d < REACH.length; d++) {
        for (var w = 0; w < WAYS.length; w++) {
          var dx = WAYS[w][0] * (r.width / 2 + REACH[d]), dy = WAYS[w][1] * (r.height / 2 + REACH[d]);
          var b = boxAt(i, 0, dx, dy);
          var end = [Math.max(b.left, Math.min(from.x, b.right)),
            Math.max(b.top, Math.min(from.y, b.bottom))];
          if (free(b) && !onLand(b) && !crosses(from, end)) {
            placed.push(b);
            beside.push(b);
            shown += 1;
            return {k: 0, dx: dx, dy: dy, end: end};
          }
        }
      }
      if (i === 0) { placed.push(boxAt(i, 0, 0, 0)); return {k: 0, dx: 0, dy: 0}; }  // the capital
      return null;
    });
    leaders.clearLayers();
    elements.forEach(function (el, i) {
      if (!el) { return; }
      var choice = chosen[i], c = current[i];
      if (choice && (choice.k !== c.k || choice.dx !== c.dx || choice.dy !== c.dy)) {
        current[i] = {k: choice.k, dx: choice.dx, dy: choice.dy};
        tips[i].options.offset = L.point(choice.dx, choice.dy);
        tips[i].setLatLng(labels[i].at[choice.k]);
      }
      // A label beside its district says where its line starts (the tests check that is on the district).
      el.firstChild.removeAttribute("data-anchor");
      if (choice && choice.end) {
        el.firstChild.setAttribute("data-anchor", labels[i].at[0].join(","));
        var to = L.point(choice.end[0] - frame.left, choice.end[1] - frame.top);
        L.polyline([labels[i].at[0], map.containerPointToLatLng(to)],
          {className: "peta-leader", interactive: false, weight: 2}).addTo(leaders);
      }
      el.style.visibility = choice ? "visible" : "hidden";
    });
  }
  // A label whose size changed (high contrast, another text) is centred on its place again before it is
  // measured: Leaflet keeps the offset of the size it had.
  function resize() {
    measure();
    declutter();
  }
  // Every label's size, read in one go (one layout of the page), then each placed centred on its place.
  function measure() {
    var sizes = tips.map(function (tip) {
      var el = tip.getElement();
      return el ? L.point(el.offsetWidth, el.offsetHeight) : null;
    });
    tips.forEach(function (tip, i) {
      tip.size = sizes[i];
      if (sizes[i]) { tip.update(); }
    });
  }
  map.on("zoomend moveend resize", declutter);
  document.addEventListener("peta:relayout", resize);  // high contrast: larger labels
  map.whenReady(declutter);
  // Another period's values (the time slider) bring new texts for the same units.
  map.petaRelabel = function (next) {
    var byCode = {};
    next.forEach(function (l) { byCode[l.code] = l; });
    tips.forEach(function (tip, i) {
      var l = byCode[labels[i].code];
      if (l && tip.getElement()) { write(tip.getElement().firstChild, l); }
    });
    resize();
  };
}
