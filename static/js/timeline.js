// The time slider: move or play through every period of the series. Every period's values come in one body
// (/map/<scope>/periods.json), fetched once when the page has loaded, and the map restyles itself: fills, tooltips,
// legend counts, the period shown everywhere, and what the keyboard and screen readers say. The address follows,
// without a page load.
import {tableRows} from "./rows.js";

// Start with switch.js's show(values) (null on a page without a map).
export function startTimeline(show) {
  var box = document.querySelector(".timeline");
  if (!box || !show || !window.fetch) { return; }
  var periods = JSON.parse(box.getAttribute("data-periods"));
  var range = box.querySelector("input[type=range]");
  var play = box.querySelector(".timeline-play");
  var series = null;
  var timer = null;
  var FRAME = 1800;

  // One request for the whole series: sixty periods are not sixty requests on a meeting room's link, and the
  // periods repeat names, colours and texts, which the body's compression sends once.
  function values(period) {
    if (!series) {
      series = fetch(box.getAttribute("data-url"), {headers: {Accept: "application/json"}}).then(function (r) {
        if (!r.ok) { series = null; throw new Error(r.status); }
        return r.json();
      }).then(function (data) {
        var byPeriod = {};
        data.values.forEach(function (v) { byPeriod[v.period] = v; });
        return byPeriod;
      });
    }
    return series.then(function (byPeriod) {
      if (!byPeriod[period]) { throw new Error(period); }
      return byPeriod[period];
    });
  }
  function apply(v) {
    show(v);  // switch.js: fills, tooltips, labels, legend, description, keyboard sentences
    range.setAttribute("aria-valuetext", v.period_label);
    var address = new URL(window.location.href);
    address.searchParams.set("period", v.period);
    window.history.replaceState(null, "", address.toString());
    box.setAttribute("data-shown", v.period);
    document.dispatchEvent(new CustomEvent("peta:period", {detail: v.period}));
  }
  function showAt(index) {
    range.value = String(index);
    return values(periods[index]).then(apply);
  }
  function stop() {
    if (timer) { window.clearTimeout(timer); timer = null; }
    play.setAttribute("aria-pressed", "false");
    play.textContent = play.getAttribute("data-play");
  }
  function step() {
    var next = Number(range.value) + 1;
    if (next >= periods.length) { stop(); return; }
    showAt(next).then(function () { if (timer) { timer = window.setTimeout(step, FRAME); } }, stop);
  }
  range.addEventListener("input", function () { stop(); showAt(Number(range.value)); });
  play.addEventListener("click", function () {
    if (timer) { stop(); return; }
    play.setAttribute("aria-pressed", "true");
    play.textContent = play.getAttribute("data-pause");
    var start = Number(range.value) >= periods.length - 1 ? 0 : Number(range.value);
    timer = -1;
    showAt(start).then(function () { timer = window.setTimeout(step, FRAME); }, stop);
  });
  // The data table under the stage follows the period shown: the same rows the map page's ranking is built from
  // (rows.js tableRows: rank, name, province, the view's measure when it is not coverage, coverage, target,
  // participants, workers), placed as text.
  var body = document.querySelector("#present-table tbody");
  document.addEventListener("peta:values", function (e) {
    var v = e.detail;
    if (!body || !v.table) { return; }
    var rows = tableRows(v).map(function (r) {
      var tr = document.createElement("tr");
      var cells = [r.rank === null ? null : String(r.rank), r.name, v.table.provinces[r.province_code], r.coverage,
        r.target, r.participants, r.workers];
      if (v.table.measure_column !== "coverage") { cells.splice(3, 0, r.measured); }
      cells.forEach(
        function (text, i) {
          var td = tr.insertCell();
          td.textContent = text === null || text === undefined ? v.table.none : text;
          if (i >= 3) { td.className = "num"; }
        }
      );
      return tr;
    });
    body.replaceChildren.apply(body, rows);
  });
  box.setAttribute("data-shown", periods[Number(range.value)]);
  values(periods[Number(range.value)]).catch(function () {});  // the period shown came with the page; the rest now
}
