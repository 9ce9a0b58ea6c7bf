// Bundle offline.js, in the offline file after its map script: the map page's search, keyboard walk and ranking
// table, without what needs the site (switching views fetches values.json; viewstate.js writes the address).
// Publishes window.PetaCakupan.fit() and the walk (walk.js).
import {drawnMaps, publish} from "../api.js";
import {startControls} from "../controls.js";
import {fitMaps} from "../fit.js";
import {startKeyboard} from "../keyboard.js";
import {keepTooltipsOnTop} from "../overlays.js";
import {startRanking} from "../ranking.js";
import {startSearch} from "../search.js";
import {walkApi} from "../walk.js";

var maps = drawnMaps();
var fit = fitMaps(maps);
keepTooltipsOnTop(maps);
var walk = startKeyboard(maps[0]);
startSearch(walk);
startControls(null, fit);
startRanking(maps[0]);
publish(Object.assign({fit: fit}, walkApi(walk)));
