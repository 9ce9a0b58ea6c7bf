// Tooltips above everything: Leaflet draws them inside the map, under overlays such as the legend and the
// search box, so an overlay that would cover the open tooltip steps aside until the tooltip closes.
(function () {
  var peta = window.PetaCakupan;
  if (!peta) { return; }
  peta.maps.forEach(function (entry) {
    var map = entry.map;
    var wrap = map.getContainer().parentNode;
    // Looked up each time: the legend is replaced when the view changes.
    var find = function () {
      return Array.prototype.slice.call(wrap.querySelectorAll(".legend, .stage-tools, .map-tools, .map-title, .timeline"));
    };
    var open = null;
    var pending = false;
    function overlaps(a, b) { return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top; }
    function check() {
      pending = false;
      var tip = open && open.getElement();
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
})();
