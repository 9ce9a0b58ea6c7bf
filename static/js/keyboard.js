// Districts for the keyboard and screen readers: with the map focused, the arrow keys walk the districts in
// rank order (Home/End: first/last, +/-: zoom, Esc: clear); the district in focus is outlined, its tooltip
// opens and a live region reads its name, value, level, gap to target and rank. The walk's select(code) does the
// same for search and links.
import {tableRows} from "./rows.js";

// Start the walk on the page's first map (bridge: its entry from choropleth.js draw); null when it has no table.
// The walk: districts() (the list search.js finds in), select(code, {zoom}), selected(), updateDistricts(values).
export function startKeyboard(bridge) {
  if (!bridge || !bridge.values.table) { return null; }
  var map = bridge.map;

  // The district list from the view's table (layers/navigation.py, tableRows): rank order, name, province
  // (search.js finds them by name and alias), and the sentence a screen reader says, joined from the texts
  // the server formatted: "Kabupaten X, Provinsi: 41,3%, Sedang, -19,7 poin terhadap target, peringkat 3 dari 14."
  function entries(values) {
    var table = values.table;
    var t = table.texts;
    return tableRows(values).map(function (r, i) {
      var province = table.provinces[r.province_code];
      // the view's measure first when it is not coverage (table.measure_column), then its level, then coverage
      var parts = [r.measured === null ? t.no_data : r.measured, (table.levels[r.level] || [""])[0]];
      if (table.measure_column !== "coverage") { parts.push(r.coverage === null ? t.no_data : r.coverage); }
      if (r.gap !== null) { parts.push(t.gap.replace("{points}", function () { return r.gap; })); }
      if (r.rank !== null) {
        parts.push(t.rank_of.replace("{rank}", String(r.rank)).replace("{total}", String(table.total)));
      }
      return {
        code: r.code, name: r.name, province: province, index: i,
        say: r.name + ", " + province + ": " + parts.filter(Boolean).join(", ") + ".",
      };
    });
  }
  var list = entries(bridge.values);
  var byCode = {};
  list.forEach(function (d) { byCode[d.code] = d; });
  var live = document.getElementById("map-live");
  var current = null;

  var select = function (code, options) {
    var layer = bridge.byCode[code];
    var entry = byCode[code];
    if (!entry) { return false; }
    options = options || {};
    if (current && bridge.byCode[current]) { bridge.districts.resetStyle(bridge.byCode[current]); }
    current = code;
    if (layer) {  // no layer when the map's geometry did not load: the sentence and the table still follow
      if (options.zoom) {
        map.fitBounds(layer.getBounds(), {maxZoom: Math.max(map.getZoom(), 10), padding: [60, 60], animate: false});
      } else if (!map.getBounds().contains(layer.getCenter())) {
        map.panTo(layer.getCenter(), {animate: false});
      }
      layer.setStyle({weight: 5, color: "#111111"});
      layer.bringToFront();
      // folium binds the tooltip to the whole layer group: a propagating mouseover opens it, as a real hover does
      layer.fire("mouseover", {latlng: layer.getCenter()}, true);
    }
    if (live) { live.textContent = entry.say; }
    document.dispatchEvent(new CustomEvent("peta:select", {detail: code}));
    return true;
  };
  var selected = function () { return current; };
  // Another period (the time slider, the map's controls): new rank order and new sentences, same districts.
  // A time slider's frame has no table (timeline.js): the same order, each sentence from the frame's tooltip.
  var updateDistricts = function (values) {
    if (!values.table) {
      list.forEach(function (d) {
        var u = values.features[d.code];
        if (!u) { return; }
        d.say = d.name + ", " + d.province + ": " + u.tip.rows.map(function (r) { return r[0] + " " + r[1]; })
          .join(", ") + ".";
      });
      if (current && live) { live.textContent = byCode[current].say; }
      return;
    }
    list = entries(values).map(function (d) {
      var entry = byCode[d.code];
      if (!entry) { byCode[d.code] = d; return d; }
      entry.say = d.say;
      entry.index = d.index;
      return entry;
    });
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
      if (bridge.districts) {
        bridge.districts.resetStyle(bridge.byCode[current]);
        bridge.districts.fire("mouseout", {}, true);
      }
      map.closeTooltip();
      current = null;
    } else { return; }
    e.preventDefault();
    if (next !== null) { select(list[next].code); }
  });
  return {districts: function () { return list; }, select: select, selected: selected, updateDistricts: updateDistricts};
}
