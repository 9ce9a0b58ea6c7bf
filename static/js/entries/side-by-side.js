// Bundle side-by-side.js, after the maps' scripts: fit them, keep tooltips on top, move them together.
// Publishes window.PetaCakupan.fit().
import {drawnMaps, publish} from "../api.js";
import {fitMaps} from "../fit.js";
import {keepTooltipsOnTop} from "../overlays.js";
import {syncMaps} from "../sync.js";

var maps = drawnMaps();
var fit = fitMaps(maps);
keepTooltipsOnTop(maps);
syncMaps(maps);
publish({fit: fit});
