// Change the map when a control changes: the scope is part of the path, the rest are query parameters. Another
// period, comparison or view restyles the map in place (switchTo: switch.js); another scope, series or layer loads
// its page.
import {panelShown} from "./panel.js";

function changeOnControls(switchTo) {
  var IN_PLACE = {period: true, compare: true, view: true};
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (!form || form.id !== "controls") { return; }
    var get = function (name) { return form.elements[name] ? form.elements[name].value : ""; };
    var changed = event.target.name;
    if (!changed) { return; }
    var params = new URLSearchParams();
    if (changed !== "series") {  // another series has other periods
      params.set("period", get("period"));
      if (get("compare") && get("compare") !== get("period")) { params.set("compare", get("compare")); }
    }
    params.set("series", get("series"));
    var view = get("view");
    if (view && !(view === "perubahan" && !params.get("compare"))) { params.set("view", view); }
    if (changed === "compare" && params.get("compare")) { params.delete("view"); }  // show the change map
    if (get("layer") && get("layer") !== "kabupaten") { params.set("layer", get("layer")); }
    if (get("palette")) { params.set("palette", get("palette")); }
    if (IN_PLACE[changed] && switchTo && window.fetch) {
      switchTo(get("scope"), params, true);  // the table follows every view: it ranks by what the map shows
      return;
    }
    window.location.assign("/map/" + encodeURIComponent(get("scope")) + "?" + params.toString() + window.location.hash);
  });
}
// The table panel: open by default on wide screens, closed below 1500 px so the map comes first (peta.css).
// Opening or closing it fits the map to its new size.
function togglePanel(refit) {
  var toggle = document.getElementById("toggle-panel");
  if (!toggle || !document.getElementById("panel")) { return; }
  var panel = function () { return document.getElementById("panel"); };  // replaced when the view changes
  var shown = panelShown;
  toggle.setAttribute("aria-expanded", String(shown()));
  toggle.addEventListener("click", function () {
    var open = !shown();
    document.body.classList.toggle("panel-open", open);
    document.body.classList.toggle("panel-hidden", !open);
    toggle.setAttribute("aria-expanded", String(open));
    refit();
    if (open) { panel().focus({preventScroll: true}); }
  });
  document.addEventListener("click", function (e) {
    var columns = e.target.closest && e.target.closest("#more-columns");
    if (!columns) { return; }
    var all = panel().classList.toggle("all-columns");
    columns.setAttribute("aria-pressed", String(all));
    refit();
  });
  window.addEventListener("resize", function () { toggle.setAttribute("aria-expanded", String(shown())); });
}
// Small screens: the controls sit behind one "Pilihan" button.
function toggleOptions(refit) {
  var button = document.querySelector(".options-toggle");
  if (!button) { return; }
  button.addEventListener("click", function () {
    var bar = button.closest(".bar");
    var open = bar.classList.toggle("show-options");
    button.setAttribute("aria-expanded", String(open));
    refit();
  });
}
// Full screen for the meeting room, and a high-contrast variant for washed-out projectors (remembered).
function meetingRoom(refit) {
  var root = document.documentElement;
  document.querySelectorAll("button.fullscreen").forEach(function (button) {
    if (!root.requestFullscreen) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (document.fullscreenElement) { document.exitFullscreen(); } else { root.requestFullscreen(); }
    });
  });
  var contrast = document.querySelectorAll("button.theme-toggle");
  var apply = function (on) {
    document.body.classList.toggle("high-contrast", on);
    contrast.forEach(function (b) { b.setAttribute("aria-pressed", String(on)); });
    document.dispatchEvent(new CustomEvent("peta:relayout"));  // labels change size: lay them out again
  };
  var stored = null;
  try { stored = window.localStorage.getItem("peta-kontras"); } catch (e) { stored = null; }
  apply(stored === "1");
  contrast.forEach(function (button) {
    button.addEventListener("click", function () {
      var on = !document.body.classList.contains("high-contrast");
      apply(on);
      try { window.localStorage.setItem("peta-kontras", on ? "1" : "0"); } catch (e) { /* private mode */ }
    });
  });
  document.addEventListener("fullscreenchange", function () {
    setTimeout(refit, 100);
  });
}

// The page's controls. switchTo: switch.js's (null where views are not switched in place, as offline); refit: fit.js's.
export function startControls(switchTo, refit) {
  changeOnControls(switchTo);
  togglePanel(refit);
  toggleOptions(refit);
  meetingRoom(refit);
}
