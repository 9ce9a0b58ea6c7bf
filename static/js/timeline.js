// The time slider: move or play through every period of the series. Every period's frame comes in one body
// (/map/<scope>/periods.json, web/frames.py), fetched once when the page has loaded, and the map restyles itself:
// fills, labels, the view's value in each tooltip, legend counts, the description and the period shown everywhere.
// When the slider rests on a period, that period's values.json brings the rest (every tooltip row, the table, the
// keyboard's ranks). The address follows, without a page load.
import {tableRows} from "./rows.js";

// Start with switch.js's show(values) (null on a page without a map) and the map it restyles (choropleth.js).
export function startTimeline(show, entry) {
  var box = document.querySelector(".timeline");
  if (!box || !show || !entry || !window.fetch) { return; }
  var periods = JSON.parse(box.getAttribute("data-periods"));
  var range = box.querySelector("input[type=range]");
  var play = box.querySelector(".timeline-play");
  var tips = entry.values.features;  // the page's own period: each unit's name and province, the same in every period
  var frames = null;
  var details = {};
  var settle = null;
  var FRAME = 1800;
  var SETTLE = 350;

  function json(url) {
    return fetch(url, {headers: {Accept: "application/json"}}).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    });
  }
  // A period as the map shows it while playing (web/frames.py): fills, labels, legend, description and the
  // view's value in each tooltip, every text formatted by the server. Its other tooltip rows and the table are
  // not in a frame: the tooltip says so, and the table waits for the period's details.
  function fromFrame(data, f) {
    var levels = {};
    f.legend.forEach(function (e) { levels[e.key] = e.label; });
    var t = data.texts;
    var features = {};
    var byCode = {};
    (f.codes || data.codes).forEach(function (code, i) {
      byCode[code] = f.values[i];
      var style = data.styles[f.style[i]];
      var own = tips[code] ? tips[code].tip : {title: code, sub: ""};
      var rows = [[t.measure, f.values[i] === null ? t.none : f.values[i]], [t.level, levels[style[0]] || style[0]],
        [t.details, t.pending]];
      features[code] = Object.assign({level: style[0], fill: style[1], tip: {title: own.title, sub: own.sub, rows: rows}},
        f.circles[code] || {});
    });
    var labels = f.labels || data.labels.map(function (l) { return {code: l[0], name: l[1], value: byCode[l[0]] || ""}; });
    return {period: f.period, period_label: f.period_label, source: f.source, is_sample: f.is_sample,
      legend: f.legend, description: f.description, features: features, labels: labels, table: null,
      pending: t.table_pending};
  }
  // Every period's frame in one request, once: sixty periods are not sixty requests on a meeting room's link.
  function frame(period) {
    if (!frames) {
      frames = json(box.getAttribute("data-url")).then(function (data) {
        var byPeriod = {};
        data.frames.forEach(function (f) { byPeriod[f.period] = fromFrame(data, f); });
        return byPeriod;
      }, function (error) { frames = null; throw error; });
    }
    return frames.then(function (byPeriod) {
      if (!byPeriod[period]) { throw new Error(period); }
      return byPeriod[period];
    });
  }
  // A period's whole values (values.json: every tooltip row, the table, the keyboard's sentences), when the
  // slider stops on it; kept for the next time it stops there.
  function detailsOf(period) {
    if (!details[period]) {
      var url = new URL(box.getAttribute("data-values-url"), window.location.href);
      url.searchParams.set("period", period);
      details[period] = json(url.toString()).catch(function (error) { delete details[period]; throw error; });
    }
    return details[period];
  }
  function shown() { return periods[Number(range.value)]; }
  function apply(v) {
    if (v.period !== shown()) { return; }  // the slider moved on while this period came
    show(v);  // switch.js: fills, tooltips, labels, legend, description, keyboard sentences
    range.setAttribute("aria-valuetext", v.period_label);
    var address = new URL(window.location.href);
    address.searchParams.set("period", v.period);
    window.history.replaceState(null, "", address.toString());
    box.setAttribute("data-shown", v.period);
    box.setAttribute("data-details", v.table ? "1" : "0");
    document.dispatchEvent(new CustomEvent("peta:period", {detail: v.period}));
  }
  // When the slider rests on a period (not while it plays), its details replace its frame.
  function rest() {
    if (settle) { window.clearTimeout(settle); }
    settle = window.setTimeout(function () {
      settle = null;
      if (timer) { return; }
      var period = shown();
      detailsOf(period).then(apply, function () {});
    }, SETTLE);
  }
  function showAt(index) {
    range.value = String(index);
    var period = periods[index];
    if (details[period]) { return details[period].then(apply, function () { return frame(period).then(apply); }); }
    return frame(period).then(apply);
  }
  var timer = null;
  function stop() {
    if (timer) { window.clearTimeout(timer); timer = null; }
    play.setAttribute("aria-pressed", "false");
    play.textContent = play.getAttribute("data-play");
    rest();
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
    if (!body) { return; }
    if (!v.table) {  // a frame: no table of another period stays under this one
      var row = document.createElement("tr");
      var cell = row.insertCell();
      cell.colSpan = body.closest("table").querySelectorAll("thead th").length;
      cell.textContent = v.pending;
      body.replaceChildren(row);
      return;
    }
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
  box.setAttribute("data-shown", shown());
  box.setAttribute("data-details", "1");  // the period the page came with is whole
  frame(shown()).catch(function () {});  // every period's frame, now the page has loaded
}
