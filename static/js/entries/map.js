// Bundle map.js, after the map page's map script: fit, tooltips on top, the keyboard walk, views switched in
// place, search, the view in the address, the controls and the ranking table. Publishes window.PetaCakupan.fit(),
// show(values), switchTo(scope, params, tableChanges) and the walk (walk.js).
import {drawnMaps, publish} from "../api.js";
import {startControls} from "../controls.js";
import {fitMaps} from "../fit.js";
import {startKeyboard} from "../keyboard.js";
import {keepTooltipsOnTop} from "../overlays.js";
import {startRanking} from "../ranking.js";
import {startSearch} from "../search.js";
import {startSwitch} from "../switch.js";
import {startViewState} from "../viewstate.js";
import {walkApi} from "../walk.js";

var maps = drawnMaps();
var fit = fitMaps(maps);
keepTooltipsOnTop(maps);
var walk = startKeyboard(maps[0]);
var views = startSwitch(maps, walk) || {};
startSearch(walk);
startViewState(maps[0], walk);
startControls(views.switchTo, fit);
startRanking(maps[0]);
publish(Object.assign({fit: fit, show: views.show, switchTo: views.switchTo}, walkApi(walk)));
