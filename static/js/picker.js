// A searchable picker over the compare page's <select multiple> (which still works without JavaScript): type part
// of a name or province, tick districts by touch, mouse or keyboard (arrows move, Space ticks, Enter ticks the first
// match), remove one from the chosen list. The select stays in the form and is what the form sends.
export function startPicker() {
  var select = document.getElementById("pick-codes");
  var box = select && select.closest("[data-picker]");
  if (!box) { return; }
  var max = Number(box.dataset.max) || 6;
  function folded(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  }
  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (text) { element.textContent = text; }
    return element;
  }
  var chosen = make("ul", "picker-chosen");
  chosen.setAttribute("aria-live", "polite");
  var search = make("input", "picker-search");
  search.type = "search";
  search.placeholder = box.dataset.search;
  search.setAttribute("aria-label", box.dataset.search);
  search.autocomplete = "off";
  var count = make("p", "picker-count");
  var list = make("div", "picker-list");
  list.id = "pick-list";
  list.setAttribute("role", "group");
  list.setAttribute("aria-label", box.dataset.search);
  search.setAttribute("aria-controls", list.id);
  var none = make("p", "picker-none", box.dataset.none);
  none.hidden = true;
  var items = Array.prototype.map.call(select.options, function (option) {
    var label = make("label", "picker-item");
    var tick = make("input");
    tick.type = "checkbox";
    tick.value = option.value;
    tick.checked = option.selected;
    label.appendChild(tick);
    label.appendChild(document.createTextNode(" " + option.textContent));
    list.appendChild(label);
    return {option: option, label: label, tick: tick, text: folded(option.textContent)};
  });
  function update() {
    var picked = items.filter(function (item) { return item.option.selected; });
    chosen.textContent = "";
    picked.forEach(function (item) {
      var entry = make("li", null, item.option.textContent.split(" — ")[0] + " ");
      var remove = make("button", "picker-remove", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", box.dataset.remove + " " + item.option.textContent);
      remove.addEventListener("click", function () { choose(item, false); search.focus(); });
      entry.appendChild(remove);
      chosen.appendChild(entry);
    });
    count.textContent = picked.length + " " + box.dataset.chosen;
    items.forEach(function (item) { item.tick.disabled = !item.option.selected && picked.length >= max; });
  }
  function choose(item, on) {
    item.option.selected = on;
    item.tick.checked = on;
    update();
  }
  function visible() {
    return items.filter(function (item) { return !item.label.hidden; });
  }
  function filter() {
    var words = folded(search.value).split(" ").filter(Boolean);
    items.forEach(function (item) {
      item.label.hidden = !words.every(function (word) { return item.text.indexOf(word) >= 0; });
    });
    none.hidden = visible().length > 0;
  }
  function move(from, step) {
    var shown = visible().filter(function (item) { return !item.tick.disabled; });
    var at = shown.findIndex(function (item) { return item.tick === from; });
    var next = shown[at + step];
    if (next) { next.tick.focus(); } else if (step < 0) { search.focus(); }
  }
  items.forEach(function (item) {
    item.tick.addEventListener("change", function () { choose(item, item.tick.checked); });
  });
  list.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(event.target, event.key === "ArrowDown" ? 1 : -1);
    }
  });
  search.addEventListener("input", filter);
  search.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      move(null, 1);
    } else if (event.key === "Enter") {
      event.preventDefault();  // Enter ticks the first match instead of sending the form half-chosen
      var first = visible().filter(function (item) { return !item.tick.disabled; })[0];
      if (first && search.value.trim()) { choose(first, !first.option.selected); search.select(); }
    } else if (event.key === "Escape") {
      search.value = "";
      filter();
    }
  });
  select.hidden = true;
  box.classList.add("picker-ready");
  [chosen, search, count, list, none].forEach(function (part) { box.appendChild(part); });
  update();
}
