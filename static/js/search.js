// Find a district from the map: type any part of its name, a short form or an old name (the matcher's aliases);
// arrow keys move through the suggestions, Enter shows the district. The districts are the list keyboard.js's walk makes
// from the view's table; the aliases beyond their names (code -> terms) grow with the aliases editors save, so the
// page does not carry them: they are fetched once, on the search's first focus or input, from the input's
// data-terms (/api/search-terms; its ETag follows the aliases), and kept. Until they arrive the names still find.
// The offline file carries them inline (#search-terms).
export function startSearch(walk) {
  var input = document.getElementById("search");
  var box = document.getElementById("search-list");
  if (!input || !box || !walk) { return; }
  var inline = document.getElementById("search-terms");
  var aliases = inline ? JSON.parse(inline.textContent) : null;
  var asked = false;
  var made = {};  // code -> the name's own terms and its aliases, made on a district's first search
  function fetchAliases() {
    var url = input.getAttribute("data-terms");
    if (aliases || asked || !url || !window.fetch) { return; }
    asked = true;
    fetch(url, {headers: {Accept: "application/json"}}).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    }).then(function (found) {
      aliases = found;
      made = {};
      // what is typed already is searched again, unless a suggestion is chosen with the arrows
      if (document.activeElement === input && active < 0 && input.value.trim()) { update(); }
    }).catch(function () { asked = false; });  // the next focus asks again; the names still find meanwhile
  }
  function termsOf(entry) {
    if (!made[entry.code]) {  // the name's own terms are made here; only aliases travel
      var own = plain(entry.name);
      made[entry.code] = [own, own.replace(/ /g, "")].concat((aliases && aliases[entry.code]) || []);
    }
    return made[entry.code];
  }
  var JENIS = {kabupaten: 1, kab: 1, kota: 1, kodya: 1, kotamadya: 1, kotif: 1};
  function plain(text) {
    var words = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, " ").trim().split(" ");
    while (words.length > 1 && JENIS[words[0]]) { words.shift(); }
    return words.join(" ");
  }
  function score(entry, query) {
    var compact = query.replace(/ /g, "");
    var words = query.split(" ");
    if (/^\d{2} ?\d{0,2}$/.test(query) && entry.code.replace(".", "").indexOf(compact) === 0) { return 90; }
    var best = 0;
    termsOf(entry).forEach(function (term) {
      var termWords = term.split(" ");
      if (term === query) { best = Math.max(best, 100); }
      else if (term.indexOf(query) === 0) { best = Math.max(best, 80); }
      else if (words.every(function (w) { return termWords.some(function (t) { return t.indexOf(w) === 0; }); })) {
        best = Math.max(best, 60);
      } else if (compact.length >= 3 && term.replace(/ /g, "").indexOf(compact) >= 0) { best = Math.max(best, 40); }
    });
    return best;
  }
  function find(text) {
    var query = plain(text);
    if (!query) { return []; }
    return walk.districts().map(function (d) { return [score(d, query), d]; })
      .filter(function (s) { return s[0] > 0; })
      .sort(function (a, b) { return b[0] - a[0] || a[1].index - b[1].index; })
      .slice(0, 8).map(function (s) { return s[1]; });
  }
  var found = [];
  var active = -1;
  function show() {
    box.textContent = "";
    found.forEach(function (d, i) {
      var li = document.createElement("li");
      li.id = "search-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", String(i === active));
      li.setAttribute("data-code", d.code);
      li.textContent = d.name + " · " + d.province;
      box.appendChild(li);
    });
    box.hidden = !found.length;
    input.setAttribute("aria-expanded", String(!!found.length));
    if (active >= 0) { input.setAttribute("aria-activedescendant", "search-option-" + active); }
    else { input.removeAttribute("aria-activedescendant"); }
  }
  function choose(entry) {
    if (!entry) { input.setCustomValidity(input.getAttribute("data-none")); input.reportValidity(); return; }
    input.setCustomValidity("");
    input.value = entry.name;
    found = []; active = -1; show();
    walk.select(entry.code, {zoom: true});
  }
  function update() { found = find(input.value); active = -1; show(); }
  input.addEventListener("focus", fetchAliases);
  input.addEventListener("input", function () { fetchAliases(); input.setCustomValidity(""); update(); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" && found.length) { active = (active + 1) % found.length; show(); e.preventDefault(); }
    else if (e.key === "ArrowUp" && found.length) { active = (active - 1 + found.length) % found.length; show(); e.preventDefault(); }
    else if (e.key === "Enter") { e.preventDefault(); choose(found[Math.max(active, 0)] || find(input.value)[0]); }
    else if (e.key === "Escape") { found = []; active = -1; show(); }
  });
  input.addEventListener("change", function () { if (input.value.trim() && !box.contains(document.activeElement)) { choose(find(input.value)[0]); } });
  box.addEventListener("mousedown", function (e) {
    var li = e.target.closest("li[data-code]");
    if (li) { e.preventDefault(); choose(walk.districts().filter(function (d) { return d.code === li.getAttribute("data-code"); })[0]); }
  });
  input.addEventListener("blur", function () { setTimeout(function () { found = []; active = -1; show(); }, 150); });
}
