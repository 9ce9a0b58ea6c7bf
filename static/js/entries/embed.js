// Bundle embed.js, after the embedded map's script: fit the map around its legend, keep tooltips on top.
// Publishes window.PetaCakupan.fit() (fit again after the layout changes).
import {drawnMaps, publish} from "../api.js";
import {fitMaps} from "../fit.js";
import {keepTooltipsOnTop} from "../overlays.js";

var maps = drawnMaps();
var fit = fitMaps(maps);
keepTooltipsOnTop(maps);
publish({fit: fit});
