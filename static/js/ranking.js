// The ranking table: sort by a column, filter by province and level, link rows and districts both ways,
// and collect 2-6 districts to compare. The table is set up again when another period replaces it (switch.js).
(function () {
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
  setUp();

  function setUp() {
    var table = document.getElementById("ranking");
    if (!table) { return; }
    body = table.tBodies[0];
    highlighted = null;
    var rows = Array.prototype.slice.call(body.rows);
    var bridge = window.PetaCakupan && window.PetaCakupan.maps[0];

    // A number as the cell shows it ("87,3%", "481.227", "+27,7 poin", "–" for none) in the page's language.
    var comma = document.documentElement.lang === "id";
    function cellValue(row, index, numeric) {
      var cell = row.cells[index];
      var text = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
      if (!numeric) { return text; }
      if (!cell.hasAttribute("data-value")) {
        text = (comma ? text.replace(/\./g, "").replace(",", ".") : text.replace(/,/g, "")).replace(/[^0-9.+-]/g, "");
      }
      return text === "" || text === null || isNaN(parseFloat(text)) ? null : parseFloat(text);
    }

    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      if (!th.hasAttribute("data-sort")) { return; }
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      var sort = function () {
        var numeric = th.getAttribute("data-type") === "number";
        var descending = th.getAttribute("aria-sort") === "ascending";
        Array.prototype.forEach.call(th.parentNode.cells, function (c) { if (c.hasAttribute("data-sort")) { c.setAttribute("aria-sort", "none"); } });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        rows.sort(function (a, b) {
          var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
          if (x === null && y === null) { return 0; }
          if (x === null) { return 1; }   // missing values last, whichever the direction
          if (y === null) { return -1; }
          var order = numeric ? x - y : x.localeCompare(y, "id");
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
    });

    var province = document.getElementById("filter-province");
    var level = document.getElementById("filter-level");
    function applyFilters() {
      rows.forEach(function (row) {
        var show = (!province || !province.value || row.getAttribute("data-province") === province.value) &&
          (!level.value || row.getAttribute("data-level") === level.value);
        row.hidden = !show;
      });
    }
    if (province) { province.addEventListener("change", applyFilters); }
    level.addEventListener("change", applyFilters);

    body.addEventListener("click", function (e) {
      if (e.target.closest("a, input")) { return; }
      var row = e.target.closest("tr");
      if (!row || !bridge) { return; }
      var layer = bridge.byCode[row.getAttribute("data-code")];
      if (!layer) { return; }
      bridge.map.fitBounds(layer.getBounds(), {maxZoom: 10, padding: [40, 40]});
      bridge.districts.resetStyle();
      layer.setStyle({weight: 4, color: "#111111"});
      layer.bringToFront();
      // folium binds the tooltip to the whole layer group: a propagating mouseover opens it, as a real hover does
      layer.fire("mouseover", {latlng: layer.getCenter()}, true);
      highlight(row.getAttribute("data-code"));
    });

    var link = document.getElementById("compare-link");
    body.addEventListener("change", function () {
      var codes = Array.prototype.map.call(body.querySelectorAll("input.pick:checked"), function (i) { return i.value; });
      var ok = codes.length >= 2 && codes.length <= 6;
      link.setAttribute("aria-disabled", String(!ok));
      if (ok) { link.href = link.getAttribute("data-base") + "&kode=" + codes.join(","); } else { link.removeAttribute("href"); }
    });
  }
})();
