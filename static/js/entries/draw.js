// Bundle draw.js, before the geometry scripts and folium's map script (layers/plugin.py PetaChoropleth). Needs
// Leaflet (L) and topojson-client (topojson) from vendor.js. Publishes:
// - window.PetaGeometri.decode(compact): each /geometri/<key>.<hash>.js script (geo/compact.py script_body) files
//   its decoded topology under window.PetaTopologi[key], which draw reads;
// - window.PetaCakupan.draw(map, spec) → entry: the element's own script calls it; entry.districts is the units'
//   Leaflet layer, entry.byCode[code] one unit's, entry.values the values shown, entry.bounds where the units are;
//   entry.restyle(values) shows another period or view on the same shapes (an open tooltip is rebuilt);
// - window.PetaCakupan.maps: every drawn entry. The document hears `peta:hover` (detail: the code under the
//   pointer, or null).
import {publish} from "../api.js";
import {draw, maps} from "../choropleth.js";
import {decode} from "../topologi.js";

window.PetaGeometri = {decode: decode};
publish({draw: draw, maps: maps});
