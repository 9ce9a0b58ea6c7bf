// Districts for the keyboard and screen readers: with the map focused, the arrow keys walk the districts in
// rank order (Home/End: first/last, +/-: zoom, Esc: clear); the district in focus is outlined, its tooltip
// opens and a live region reads its name, value, level, gap to target and rank. PetaCakupan.select(code)
// does the same for search and links.
(function () {
  var peta = window.PetaCakupan;
  var data = document.getElementById("district-list");
  if (!peta || !data) { return; }
  var bridge = peta.maps[0];
  var map = bridge.map;
  var list = JSON.parse(data.textContent);
  var byCode = {};
  list.forEach(function (d, i) { d.index = i; byCode[d.code] = d; });
  var live = document.getElementById("map-live");
  var current = null;

  peta.districts = list;
  peta.select = function (code, options) {
    var layer = bridge.byCode[code];
    var entry = byCode[code];
    if (!layer || !entry) { return false; }
    options = options || {};
    if (current && bridge.byCode[current]) { bridge.districts.resetStyle(bridge.byCode[current]); }
    current = code;
    if (options.zoom) {
      map.fitBounds(layer.getBounds(), {maxZoom: Math.max(map.getZoom(), 10), padding: [60, 60], animate: false});
    } else if (!map.getBounds().contains(layer.getCenter())) {
      map.panTo(layer.getCenter(), {animate: false});
    }
    layer.setStyle({weight: 5, color: "#111111"});
    layer.bringToFront();
    // folium binds the tooltip to the whole layer group: a propagating mouseover opens it, as a real hover does
    layer.fire("mouseover", {latlng: layer.getCenter()}, true);
    if (live) { live.textContent = entry.say; }
    document.dispatchEvent(new CustomEvent("peta:select", {detail: code}));
    return true;
  };
  peta.selected = function () { return current; };
  // Another period (the time slider): new rank order and new sentences, same districts.
  peta.updateDistricts = function (order) {
    list = order.map(function (d, i) {
      var entry = byCode[d.code];
      entry.say = d.say;
      entry.index = i;
      return entry;
    });
    peta.districts = list;
    if (current && live) { live.textContent = byCode[current].say; }
  };

  var container = map.getContainer();
  map.keyboard.disable();  // the arrow keys walk districts instead of panning
  container.tabIndex = 0;
  container.setAttribute("aria-describedby", "map-keys");
  container.addEventListener("keydown", function (e) {
    var at = current ? byCode[current].index : -1;
    var next = null;
    if (e.key === "ArrowRight" || e.key === "ArrowDown") { next = Math.min(at + 1, list.length - 1); }
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") { next = Math.max(at - 1, 0); }
    else if (e.key === "Home") { next = 0; }
    else if (e.key === "End") { next = list.length - 1; }
    else if (e.key === "+" || e.key === "=") { map.zoomIn(); }
    else if (e.key === "-" || e.key === "_") { map.zoomOut(); }
    else if (e.key === "Escape" && current) {
      bridge.districts.resetStyle(bridge.byCode[current]);
      bridge.districts.fire("mouseout", {}, true);
      map.closeTooltip();
      current = null;
    } else { return; }
    e.preventDefault();
    if (next !== null) { peta.select(list[next].code); }
  });
})();
