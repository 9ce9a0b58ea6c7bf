// Links that keep the view: zoom, centre and the selected district live in the address's hash
// (#z=7.5&c=-1.2,113.9&d=62.11), so a copied link, a bookmark or the embed code opens the same view.
// Period, view and the rest are already in the query.

// Start on the page's first map (its entry from choropleth.js draw) with the keyboard's walk (or null).
export function startViewState(bridge, walk) {
  if (!bridge) { return; }
  var map = bridge.map;
  var hash = new URLSearchParams(window.location.hash.slice(1));
  var z = parseFloat(hash.get("z"));
  var c = (hash.get("c") || "").split(",").map(parseFloat);
  if (isFinite(z) && c.length === 2 && isFinite(c[0]) && isFinite(c[1])) {
    map.setView([c[0], c[1]], z, {animate: false});
  }
  if (hash.get("d") && walk) { walk.select(hash.get("d")); }

  function current() {
    var centre = map.getCenter();
    var params = new URLSearchParams();
    params.set("z", String(Math.round(map.getZoom() * 100) / 100));
    params.set("c", centre.lat.toFixed(4) + "," + centre.lng.toFixed(4));
    if (walk && walk.selected()) { params.set("d", walk.selected()); }
    return "#" + params.toString();
  }
  function write() {
    var fragment = current();
    window.history.replaceState(null, "", window.location.pathname + window.location.search + fragment);
    var code = document.getElementById("embed-code");
    if (code) { code.value = code.value.replace(/src="([^"#]*)(#[^"]*)?"/, "src=\"$1" + fragment + "\""); }
    var address = document.getElementById("page-address");
    if (address) { address.textContent = window.location.href; }
  }
  map.on("moveend zoomend", write);
  document.addEventListener("peta:select", write);
}
