// Tooltips above everything: Leaflet draws them inside the map, under overlays such as the legend and the
// search box, so an overlay that would cover the open tooltip steps aside until the tooltip closes. A tooltip
// that Leaflet put partly outside the map (near an edge, or on a phone) is moved back inside it first.
export function keepTooltipsOnTop(maps) {
  maps.forEach(function (entry) {
    var map = entry.map;
    var wrap = map.getContainer().parentNode;
    // Looked up each time: the legend is replaced when the view changes.
    var find = function () {
      return Array.prototype.slice.call(wrap.querySelectorAll(".legend, .stage-tools, .map-tools, .map-title, .timeline, .leaflet-control"));
    };
    var open = null;
    var pending = false;
    function overlaps(a, b) { return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top; }
    var MARGIN = 4;
    // The shift (px) that brings a box inside the frame, or puts its top-left corner there if it is larger.
    function inside(box, frame) {
      var dx = Math.max(frame.left + MARGIN - box.left, Math.min(0, frame.right - MARGIN - box.right));
      var dy = Math.max(frame.top + MARGIN - box.top, Math.min(0, frame.bottom - MARGIN - box.bottom));
      return L.point(Math.round(dx), Math.round(dy));
    }
    function keepInside(tip) {
      var shift = inside(tip.getBoundingClientRect(), map.getContainer().getBoundingClientRect());
      if (shift.x || shift.y) { L.DomUtil.setPosition(tip, L.DomUtil.getPosition(tip).add(shift)); }
    }
    function check() {
      pending = false;
      var tip = open && open.getElement();
      if (tip) { keepInside(tip); }
      var overlays = find();
      var box = tip && tip.getBoundingClientRect();
      var boxes = overlays.map(function (o) { o.classList.remove("is-under-tooltip"); return o.getBoundingClientRect(); });
      if (!box) { return; }
      overlays.forEach(function (o, i) { if (overlaps(box, boxes[i])) { o.classList.add("is-under-tooltip"); } });
    }
    function later() { if (!pending) { pending = true; window.requestAnimationFrame(check); } }
    map.on("tooltipopen", function (e) { if (!e.tooltip.options.permanent) { open = e.tooltip; later(); } });
    map.on("tooltipclose", function (e) { if (e.tooltip === open) { open = null; later(); } });
    map.on("mousemove", function () { if (open) { later(); } });
  });
}
