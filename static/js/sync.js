// Keep side-by-side maps at the same centre and zoom: moving one moves the others.
// entries: the page's maps (choropleth.js draw).
export function syncMaps(entries) {
  if (!entries.length) { return; }
  var maps = entries.map(function (m) { return m.map; });
  var syncing = false;
  // Open every map at the view of the last one (the one with the legend, fitted clear of it).
  var last = maps[maps.length - 1];
  maps.slice(0, -1).forEach(function (m) { m.setView(last.getCenter(), last.getZoom(), {animate: false}); });
  maps.forEach(function (source) {
    source.on("move zoom", function () {
      if (syncing) { return; }
      syncing = true;
      maps.forEach(function (target) {
        if (target !== source) { target.setView(source.getCenter(), source.getZoom(), {animate: false}); }
      });
      syncing = false;
    });
  });
}
