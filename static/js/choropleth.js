// The units of a map, drawn from the shared geometry and styled from one view's values.
// The geometry (window.PetaTopologi, TopoJSON from its own immutable file) is loaded once and kept by the
// browser across periods, views and pages; the values (fill, level and tooltip texts per unit) come with the
// page or from values.json. PetaCakupan.draw(map, spec) draws a map's units; entry.restyle(values) shows another
// period or view on the same shapes (the API: layers/plugin.py, published by entries/draw.js). Tooltips are built
// with textContent: no value from data is read as HTML.

// Every map drawn on the page, in order (the page's tools take them from the public API: entries/*.js).
export var maps = [];
var BASE = {fillOpacity: 1, color: "#ffffff", weight: 0.7, opacity: 1};
var HIGHLIGHT = {color: "#111111", weight: 3};
var BORDER = {color: "#3a3a3a", weight: 2, fill: false, opacity: 0.9};
// A view drawn with circles (layers/symbols.py: "sym" radius in px at "at"): the same look as the legend's.
var SYMBOL = {color: "#212121", weight: 1.5, fillColor: "#212121", fillOpacity: 0.2, interactive: false,
  className: "peta-symbol"};

// On a narrow map (a phone) every circle is drawn smaller by the same factor, the legend's reference circles too,
// so they still compare truly and do not cover the districts.
function symbolScale(map) { return Math.max(0.45, Math.min(1, map.getSize().x / 1200)); }
function scaleLegend(scale) {
  document.querySelectorAll(".legend-symbols circle[data-r]").forEach(function (c) {
    var r = parseFloat(c.getAttribute("data-r")) * scale;  // standing on the same line (data-b)
    c.setAttribute("r", String(r));
    c.setAttribute("cy", String(parseFloat(c.getAttribute("data-b")) - r));
  });
}

// The circles of a view's values, largest first so a small one is never hidden under a large one.
function drawSymbols(group, values, map) {
  var scale = symbolScale(map);
  scaleLegend(scale);
  group.clearLayers();
  Object.keys(values.features).filter(function (code) { return values.features[code].sym; }).sort(function (a, b) {
    return values.features[b].sym - values.features[a].sym;
  }).forEach(function (code) {
    var u = values.features[code];
    group.addLayer(L.circleMarker(u.at, L.extend({radius: u.sym * scale}, SYMBOL)));
  });
}

function tooltip(content) {
  var box = document.createElement("div");
  var title = box.appendChild(document.createElement("div"));
  title.className = "peta-tip-title";
  title.textContent = content.title;
  var sub = box.appendChild(document.createElement("div"));
  sub.className = "peta-tip-sub";
  sub.textContent = content.sub;
  var table = box.appendChild(document.createElement("table"));
  content.rows.forEach(function (row) {
    var tr = table.insertRow();
    var th = tr.appendChild(document.createElement("th"));
    th.textContent = row[0];
    tr.insertCell().textContent = row[1];
  });
  return box;
}

function province(code) { return code.slice(0, 2); }

// Districts (one feature each), or provinces merged from their districts' shared arcs.
function features(topology, units, layer) {
  var geometries = topology.objects.kabupaten.geometries;
  if (layer !== "provinsi") {
    var shown = geometries.filter(function (g) { return units[g.id]; });
    return topojson.feature(topology, {type: "GeometryCollection", geometries: shown}).features.map(function (f) {
      return {type: "Feature", properties: {code: f.id}, geometry: f.geometry};
    });
  }
  return Object.keys(units).map(function (code) {
    var parts = geometries.filter(function (g) { return province(g.id) === code; });
    return {type: "Feature", properties: {code: code}, geometry: topojson.merge(topology, parts)};
  });
}

// The lines two provinces share, where one of them is shown (the coast is the units' own outline).
function borders(topology, shown) {
  return topojson.mesh(topology, topology.objects.kabupaten, function (a, b) {
    var pa = province(a.id), pb = province(b.id);
    return pa !== pb && (shown[pa] || shown[pb]);
  });
}

// Deep zoom on an island map: the overview is coarse (a pixel is a kilometre there), so from DETAIL_ZOOM on, the
// provinces in view load their detailed geometry (each its own immutable file) and their shapes are replaced.
var DETAIL_ZOOM = 8;
function zoomDetail(map, entry, spec) {
  var requested = {};
  var bounds = {};
  Object.keys(entry.byCode).forEach(function (code) {
    var p = province(code);
    bounds[p] = (bounds[p] || L.latLngBounds([])).extend(entry.byCode[code].getBounds());
  });
  var loaded = [];
  function apply(key) {
    var topology = (window.PetaTopologi || {})[key];
    if (!topology) { return; }
    // The same units as drawn, from the detailed file: districts, or provinces merged from them.
    features(topology, entry.values.features, spec.layer).forEach(function (f) {
      var l = entry.byCode[f.properties.code];
      if (l && f.geometry.coordinates.length) {
        l.setLatLngs(L.GeoJSON.coordsToLatLngs(f.geometry.coordinates, f.geometry.type === "Polygon" ? 1 : 2));
      }
    });
    loaded.push(key);
    map.getContainer().setAttribute("data-detail", loaded.sort().join(" "));
  }
  function check() {
    if (map.getZoom() < DETAIL_ZOOM) { return; }
    var view = map.getBounds();
    Object.keys(spec.details).forEach(function (key) {
      if (requested[key] || !bounds[key] || !view.intersects(bounds[key])) { return; }
      requested[key] = true;
      var script = document.createElement("script");
      script.src = spec.details[key];
      script.onload = function () { apply(key); };
      document.head.appendChild(script);
    });
  }
  map.on("zoomend moveend", check);
}

export function draw(map, spec) {
  var topologies = window.PetaTopologi || {};
  var topology = topologies[spec.topology];
  // The values come inline (a saved map) or in a JSON block of the page (read once, shared with its tools).
  var values = typeof spec.values === "string" ? JSON.parse(document.getElementById(spec.values).textContent)
    : spec.values;
  var entry = {map: map, values: values, byCode: {}, bounds: L.latLngBounds(spec.bounds)};
  // The one positioning of the map, unless the page fits it itself (fit.js: around the legend).
  var fitSelf = function () {
    if (spec.fit) { map.fitBounds(entry.districts ? entry.districts.getBounds() : entry.bounds, {padding: [16, 16]}); }
  };
  if (!topology) {
    // The geometry did not load: say so on the map, and still hand the values to the table, search and keyboard
    // (and to later switches), so the figures stay readable.
    map.getContainer().setAttribute("data-error", "geometry");
    var note = map.getContainer().appendChild(document.createElement("p"));
    note.className = "map-error";
    note.setAttribute("role", "alert");
    note.textContent = spec.missing || "";
    entry.restyle = function (next) { entry.values = next; };
    fitSelf();
    maps.push(entry);
    return entry;
  }
  var unit = function (code) { return entry.values.features[code]; };
  var layer = L.geoJSON({type: "FeatureCollection", features: features(topology, values.features, spec.layer)}, {
    smoothFactor: 0.5,
    style: function (feature) {
      var u = unit(feature.properties.code);
      return L.extend({}, BASE, {fillColor: u ? u.fill : "#cccccc"});
    },
    onEachFeature: function (feature, l) {
      entry.byCode[feature.properties.code] = l;
      l.on("mouseover", function () { l.setStyle(HIGHLIGHT); });
      l.on("mouseout", function () { layer.resetStyle(l); });
    },
  }).addTo(map);
  // Bound to the whole layer, as folium did: a propagating mouseover on one unit opens its tooltip.
  layer.bindTooltip(function (l) {
    var u = unit(l.feature.properties.code);
    return u ? tooltip(u.tip) : "";
  }, {sticky: true, className: "peta-tooltip", opacity: 1});
  var shown = {};
  Object.keys(values.features).forEach(function (code) { shown[province(code)] = true; });
  L.geoJSON(spec.borders || borders(topology, shown), {style: function () { return BORDER; }, interactive: false}).addTo(map);
  layer.on("mouseover", function (e) {
    document.dispatchEvent(new CustomEvent("peta:hover", {detail: e.layer.feature.properties.code}));
  });
  layer.on("mouseout", function () { document.dispatchEvent(new CustomEvent("peta:hover", {detail: null})); });
  entry.districts = layer;
  var symbols = L.featureGroup().addTo(map);
  drawSymbols(symbols, values, map);
  document.addEventListener("peta:parts", function () { scaleLegend(symbolScale(map)); });  // a new legend
  if (spec.details) { zoomDetail(map, entry, spec); }
  // Another period or view: the same shapes, new fills and tooltips (an open tooltip is rebuilt).
  entry.restyle = function (next) {
    entry.values = next;
    layer.eachLayer(function (l) { layer.resetStyle(l); });
    drawSymbols(symbols, next, map);
    var open = layer.getTooltip();
    if (open && layer.isTooltipOpen() && open._source && open._source.feature) {
      var u = unit(open._source.feature.properties.code);
      if (u) { open.setContent(tooltip(u.tip)); }
    }
  };
  fitSelf();
  maps.push(entry);
  return entry;
}
