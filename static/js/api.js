// window.PetaCakupan: the one public JavaScript API, for folium's inline scripts, notebook users and the tests.
// Only the entries (entries/*.js, one per bundle) touch it: they publish what their modules export, and the page
// tools' bundles read the maps the draw bundle drew (a separate script: it runs before folium's map script, the
// tools after it). Inside a bundle, modules import each other.

export function publish(names) {
  var api = (window.PetaCakupan = window.PetaCakupan || {});
  // Copied with their getters (entries/map.js: districts is the keyboard walk's current list).
  Object.defineProperties(api, Object.getOwnPropertyDescriptors(names));
  return api;
}

// The entries (choropleth.js draw) of the maps drawn on the page so far, in order; none without the draw bundle.
export function drawnMaps() {
  return (window.PetaCakupan && window.PetaCakupan.maps) || [];
}
