// Another period, comparison or view without a page load: fetch that view's values (/map/<scope>/values.json,
// a few KB) and restyle the map already on screen: fills, tooltips, labels, legend, description and what the
// keyboard and screen readers say. On the map page the parts that change with the view (title, controls,
// totals, legend, downloads, the table's panel) come with the values, rendered by the server, and replace the old ones;
// the address follows (history), so a copied link or a reload shows the same view.

// Start on the page's maps (choropleth.js draw) with the keyboard's walk (keyboard.js, or null): returns
// {show(values), switchTo(scope, params, tableChanges)}, or null on a page without a map.
export function startSwitch(maps, walk) {
  if (!maps.length) { return null; }
  var PARTS = {
    headline: ".bar .headline", controls: "#controls", summary: ".summary-strip", legend: ".map-wrap .legend",
    share: "details.share", foot: ".foot", ranking: "#panel",
  };

  function replaceParts(fragments) {
    Object.keys(fragments).forEach(function (name) {
      var old = document.querySelector(PARTS[name]);
      if (!old) { return; }
      var template = document.createElement("template");
      template.innerHTML = fragments[name];
      var fresh = template.content.firstElementChild;
      if (!fresh) { return; }
      if (name === "ranking" && old.classList.contains("all-columns")) {
        fresh.classList.add("all-columns");
        var more = fresh.querySelector("#more-columns");
        if (more) { more.setAttribute("aria-pressed", "true"); }
      }
      if (name === "share" && old.open) { fresh.open = true; }
      old.replaceWith(fresh);
    });
    document.dispatchEvent(new CustomEvent("peta:parts", {detail: Object.keys(fragments)}));
  }

  // Show a view's values on the first map (and, on the map page, its parts).
  var show = function (v) {
    var started = window.performance.now();
    var entry = maps[0];
    entry.restyle(v);
    if (v.fragments) {
      replaceParts(v.fragments);
    } else {
      v.legend.forEach(function (e) {
        var count = document.querySelector('.legend li[data-level="' + e.key + '"] .legend-count');
        if (count) { count.textContent = e.count; }
      });
    }
    // Labels carry values: never leave old ones. Values without labels (names=0) keep labels that are names alone.
    if (entry.map.petaRelabel && v.labels) { entry.map.petaRelabel(v.labels); }
    document.querySelectorAll(".current-period").forEach(function (el) { el.textContent = v.period_label; });
    var description = document.getElementById("map-description");
    if (description) { description.textContent = v.description; }
    if (walk) { walk.updateDistricts(v); }
    document.dispatchEvent(new CustomEvent("peta:values", {detail: v}));  // the table's rows follow (ranking.js)
    // How long the page took to show the view once its values arrived (the browser tests read it).
    document.body.setAttribute("data-restyle-ms", String(Math.round(window.performance.now() - started)));
  };

  // Links that carry the view (presentation, side by side, language) follow it.
  function keepLinks(address) {
    var now = new URL(address, window.location.href).searchParams;
    document.querySelectorAll("a[data-view-link]").forEach(function (a) {
      var url = new URL(a.href);
      ["period", "compare", "view"].forEach(function (name) {
        if (now.get(name)) { url.searchParams.set(name, now.get(name)); } else { url.searchParams.delete(name); }
      });
      a.href = url.pathname + url.search;
      if (url.pathname.indexOf("/berdampingan") > 0) { a.hidden = !now.get("compare"); }
    });
  }

  // Each unit's name and province from the map on screen, into values sent without them; false when a unit is
  // not on the map (then the whole page is loaded instead).
  function named(v) {
    var drawn = maps[0].values.features;
    return Object.keys(v.features).every(function (code) {
      var tip = v.features[code].tip;
      if (tip.title !== undefined) { return true; }
      var own = drawn[code] && drawn[code].tip;
      if (!own || own.title === undefined) { return false; }
      tip.title = own.title;
      tip.sub = own.sub;
      return true;
    });
  }

  // The map page's own controls: fetch the view, show it, then write the address.
  // The table's rows come with every view's values (ranking.js builds them); its panel (headers, filters, best
  // and worst) when the table changes: with period, comparison and view (the table ranks by the view's measure).
  var switchTo = function (scope, params, tableChanges) {
    var query = new URLSearchParams(params);
    var lang = new URLSearchParams(window.location.search).get("lang");
    if (lang) { query.set("lang", lang); }
    var page = "/map/" + encodeURIComponent(scope) + "?" + query.toString();
    var values = "/map/" + encodeURIComponent(scope) + "/values.json?";
    query.set("parts", "page");
    if (tableChanges) { query.set("table", "1"); }
    // On the same units (the same layer) the names are the map's own: the values come without them (names=0).
    var here = new URLSearchParams(window.location.search);
    var sameUnits = (query.get("layer") || "kabupaten") === (here.get("layer") || "kabupaten");
    if (sameUnits) { query.set("names", "0"); }
    var started = window.performance.now();
    document.body.setAttribute("aria-busy", "true");
    return fetch(values + query.toString(), {
      headers: {Accept: "application/json"},
    }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    }).then(function (v) {
      if (sameUnits && !named(v)) { throw new Error("units"); }
      show(v);
      keepLinks(v.address);
      document.title = v.title;
      window.history.pushState({peta: true}, "", v.address + window.location.hash);
      document.body.removeAttribute("aria-busy");
      document.body.setAttribute("data-switch-ms", String(Math.round(window.performance.now() - started)));
      document.dispatchEvent(new CustomEvent("peta:switched", {detail: v.period}));
    }).catch(function () {
      window.location.assign(page + window.location.hash);  // whatever failed, the whole page still works
    });
  };
  window.addEventListener("popstate", function (e) { if (e.state && e.state.peta) { window.location.reload(); } });
  return {show: show, switchTo: switchTo};
}
