// The ranking table: its rows built from the view's values (the `table` the server formats: layers/navigation.py),
// sorted by a column, filtered by province and level, linked to the map both ways, and 2-6 districts picked to
// compare. The headers are the server's; another view's values rebuild the rows (switch.js: "peta:values"), and
// a new panel (another period or comparison: "peta:parts") is set up again. Text only through textContent.
import {panelShown} from "./panel.js";
import {tableRows} from "./rows.js";

// Start on the page's first map (bridge: its entry from choropleth.js draw, or undefined without a map).
export function startRanking(bridge) {
  var table = null;
  var body = null;
  var highlighted = null;

  function highlight(code) {
    if (highlighted) { highlighted.classList.remove("active"); highlighted = null; }
    if (!code || !body) { return; }
    highlighted = body.querySelector('tr[data-code="' + code + '"]');
    if (highlighted) { highlighted.classList.add("active"); }
  }
  document.addEventListener("peta:hover", function (e) {
    highlight(e.detail);
    if (highlighted && !highlighted.hidden) { highlighted.scrollIntoView({block: "nearest"}); }
  });
  document.addEventListener("peta:parts", function (e) { if (e.detail.indexOf("ranking") >= 0) { setUp(); } });
  document.addEventListener("peta:values", function (e) { if (e.detail.table) { fillSoon(e.detail); } });

  // The rows (some 3,000 elements for 210 districts) of a table nobody sees yet (the panel is closed below
  // 1500 px) are built when the page is idle, or at once when the panel opens; an open panel's at once.
  var waiting = null;
  function fillWaiting() {
    if (waiting) { var values = waiting; waiting = null; fill(values); }
  }
  function fillSoon(values) {
    if (panelShown()) { waiting = null; fill(values); return; }
    var first = !waiting;
    waiting = values;
    if (!first) { return; }
    if (window.requestIdleCallback) { window.requestIdleCallback(fillWaiting, {timeout: 3000}); }
    else { window.setTimeout(fillWaiting, 300); }
  }
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("#toggle-panel") && panelShown()) { fillWaiting(); }
  });
  window.addEventListener("resize", function () { if (waiting && panelShown()) { fillWaiting(); } });

  // A number as a cell shows it ("87,3%", "481.227", "+27,7 poin", "–" for none) in the page's language.
  var comma = document.documentElement.lang === "id";
  function number(text) {
    text = (comma ? text.replace(/\./g, "").replace(",", ".") : text.replace(/,/g, "")).replace(/[^0-9.+-]/g, "");
    return text === "" || isNaN(parseFloat(text)) ? null : parseFloat(text);
  }
  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    if (!numeric) { return cell.textContent.trim(); }
    return cell.hasAttribute("data-value") ? number(cell.getAttribute("data-value")) : number(cell.textContent);
  }

  function cell(tr, className, text) {
    var td = tr.insertCell();
    if (className) { td.className = className; }
    td.textContent = text;
    return td;
  }

  // One row per district, in rank order (rows.js tableRows: the fields of layers/navigation.py TableRow), as the
  // server formatted them; null is missing. When the view's measure is not coverage, its cell (r.measured) comes
  // first after the name, then coverage; the level (the view's, in the map's colours) sorts by the measure.
  function row(data, r, columns) {
    var shown = function (text) { return text === null ? data.none : text; };
    var tr = document.createElement("tr");
    tr.setAttribute("data-code", r.code);
    tr.setAttribute("data-province", r.province_code);
    tr.setAttribute("data-level", r.level);
    var pick = tr.insertCell().appendChild(document.createElement("input"));
    pick.type = "checkbox";
    pick.className = "pick";
    pick.value = r.code;
    pick.setAttribute("aria-label", data.texts.pick.replace("{name}", function () { return r.name; }));
    cell(tr, "", r.rank === null ? "–" : String(r.rank));
    var link = tr.insertCell().appendChild(document.createElement("a"));
    link.href = data.link.replace("KODE", encodeURIComponent(r.code));
    link.textContent = r.name;
    if (columns.province) { cell(tr, "more", data.provinces[r.province_code]); }
    cell(tr, "num", shown(r.measured));
    var level = data.levels[r.level] || ["", ""];
    var levelCell = cell(tr, "level-cell", "");
    levelCell.setAttribute("data-value", r.measured === null ? "" : r.measured);  // sorted by the measure
    var swatch = levelCell.appendChild(document.createElement("span"));
    swatch.className = r.level === data.no_data_level ? "swatch hatched" : "swatch";
    swatch.style.backgroundColor = level[1];
    levelCell.appendChild(document.createTextNode(level[0]));
    if (data.measure_column !== "coverage") { cell(tr, "num", shown(r.coverage)); }  // coverage, beside the measure
    // then one number cell per header that names its field (templates/_ranking.html data-cell), in their order
    columns.cells.forEach(function (c) { cell(tr, c.more ? "num more" : "num", shown(r[c.field])); });
    return tr;
  }

  function rows() { return body ? Array.prototype.slice.call(body.rows) : []; }

  // Build the rows from a view's values (their table); keep the reader's filters, sort and ticks.
  function fill(values) {
    if (!body) { return; }
    var data = values.table;
    var head = table.tHead.rows[0];
    var columns = {
      province: Boolean(head.querySelector('[data-sort="province"]')),
      cells: Array.prototype.map.call(head.querySelectorAll("th[data-cell]"), function (th) {
        return {field: th.getAttribute("data-cell"), more: th.classList.contains("more")};
      }),
    };
    var picked = {};
    body.querySelectorAll("input.pick:checked").forEach(function (i) { picked[i.value] = true; });
    var fresh = document.createElement("tbody");
    tableRows(values).forEach(function (r) {
      var tr = fresh.appendChild(row(data, r, columns));
      if (picked[r.code]) { tr.cells[0].firstChild.checked = true; }
    });
    table.replaceChild(fresh, body);
    body = fresh;
    highlighted = null;
    body.addEventListener("click", clicked);
    body.addEventListener("change", updateCompare);
    var sorted = head.querySelector('[aria-sort="ascending"], [aria-sort="descending"]');
    if (sorted) { sortBy(sorted, sorted.getAttribute("aria-sort") === "descending"); }
    applyFilters();
    updateCompare();
  }

  function sortBy(th, descending) {
    var index = th.cellIndex;
    var numeric = th.getAttribute("data-type") === "number";
    Array.prototype.forEach.call(th.parentNode.cells, function (c) { if (c.hasAttribute("data-sort")) { c.setAttribute("aria-sort", "none"); } });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    var list = rows();
    list.sort(function (a, b) {
      var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
      if (x === null && y === null) { return 0; }
      if (x === null) { return 1; }   // missing values last, whichever the direction
      if (y === null) { return -1; }
      var order = numeric ? x - y : x.localeCompare(y, "id");
      return descending ? -order : order;
    });
    list.forEach(function (tr) { body.appendChild(tr); });
  }

  function applyFilters() {
    var province = document.getElementById("filter-province");
    var level = document.getElementById("filter-level");
    rows().forEach(function (tr) {
      var show = (!province || !province.value || tr.getAttribute("data-province") === province.value) &&
        (!level || !level.value || tr.getAttribute("data-level") === level.value);
      tr.hidden = !show;
    });
  }

  function clicked(e) {
    if (e.target.closest("a, input")) { return; }
    var tr = e.target.closest("tr");
    if (!tr || !bridge) { return; }
    var layer = bridge.byCode[tr.getAttribute("data-code")];
    if (!layer) { return; }
    bridge.map.fitBounds(layer.getBounds(), {maxZoom: 10, padding: [40, 40]});
    bridge.districts.resetStyle();
    layer.setStyle({weight: 4, color: "#111111"});
    layer.bringToFront();
    // folium binds the tooltip to the whole layer group: a propagating mouseover opens it, as a real hover does
    layer.fire("mouseover", {latlng: layer.getCenter()}, true);
    highlight(tr.getAttribute("data-code"));
  }

  function updateCompare() {
    var link = document.getElementById("compare-link");
    if (!link || !body) { return; }
    var codes = Array.prototype.map.call(body.querySelectorAll("input.pick:checked"), function (i) { return i.value; });
    var ok = codes.length >= 2 && codes.length <= 6;
    link.setAttribute("aria-disabled", String(!ok));
    if (ok) { link.href = link.getAttribute("data-base") + "&kode=" + codes.join(","); } else { link.removeAttribute("href"); }
  }

  // The panel as the server rendered it (headers, filters): listen to it, then build its rows.
  function setUp() {
    table = document.getElementById("ranking");
    var values = bridge && bridge.values;
    if (!table || !values || !values.table) { return; }
    body = table.tBodies[0];
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      if (!th.hasAttribute("data-sort")) { return; }
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      var sort = function () { sortBy(th, th.getAttribute("aria-sort") === "ascending"); };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
    });
    ["filter-province", "filter-level"].forEach(function (id) {
      var select = document.getElementById(id);
      if (select) { select.addEventListener("change", applyFilters); }
    });
    fillSoon(values);
  }
  // Set up after the frame that paints the map, not before it: the map is what a visitor waits for
  // (make bench-draw measures the draw).
  requestAnimationFrame(function () { setTimeout(setUp, 0); });
}
