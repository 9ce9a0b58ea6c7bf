// Fit each map to its districts with the legend's corner kept clear, so no district hides under the legend:
// room is left either above the legend or beside it, whichever lets the map be larger (wide islands
// prefer above, a tall province beside), and the bands of the search box and the time slider stay clear.
function fit(entry) {
  var map = entry.map;
  map.invalidateSize({pan: false});
  // The map's only positioning (layers/plugin.py gives it no starting view): the drawn units, or where they are
  // when the geometry did not load.
  var bounds = entry.districts ? entry.districts.getBounds() : entry.bounds;
  var wrap = map.getContainer().parentNode;
  var frame = map.getContainer().getBoundingClientRect();
  // The search box (top) and the time slider (bottom) span the map's width: keep those bands clear too.
  var reserve = function (selector, fromTop) {
    var el = wrap.querySelector(selector);
    if (!el || !el.offsetWidth) { return 16; }
    var r = el.getBoundingClientRect();
    return Math.max(16, Math.round(fromTop ? r.bottom - frame.top + 8 : frame.bottom - r.top + 8));
  };
  var top = Math.max(reserve(".map-tools", true), reserve(".stage-tools", true));
  var bottom = reserve(".timeline", false);
  var legend = wrap.querySelector(".legend");
  if (!legend || !legend.offsetWidth) {
    map.fitBounds(bounds, {paddingTopLeft: [16, top], paddingBottomRight: [16, bottom], animate: false});
    return;
  }
  var box = legend.getBoundingClientRect();
  var above = Math.max(bottom, Math.round(frame.bottom - box.top + 8));
  var onLeft = box.left + box.width / 2 < frame.left + frame.width / 2;  // legend=kanan puts it on the right
  var beside = Math.round(onLeft ? box.right - frame.left + 8 : frame.right - box.left + 8);
  var choices = [
    {paddingTopLeft: [16, top], paddingBottomRight: [16, above]},
    {paddingTopLeft: [onLeft ? beside : 16, top], paddingBottomRight: [onLeft ? 16 : beside, bottom]},
  ];
  var zoomOf = function (c) {
    return map.getBoundsZoom(bounds, false, L.point(c.paddingTopLeft).add(c.paddingBottomRight));
  };
  var best = zoomOf(choices[0]) >= zoomOf(choices[1]) ? choices[0] : choices[1];
  map.fitBounds(bounds, {paddingTopLeft: best.paddingTopLeft, paddingBottomRight: best.paddingBottomRight, animate: false});
}
// Fit every map now; the function returned fits them again after the layout changes.
export function fitMaps(maps) {
  var fitAll = function () { maps.forEach(fit); };
  fitAll();
  return fitAll;
}
