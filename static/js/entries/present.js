// Bundle present.js, after the presentation's map script: as map.js, with the time slider and its table in place
// of the ranking table. Publishes window.PetaCakupan.fit(), show(values), switchTo(…) and the walk (walk.js).
import {drawnMaps, publish} from "../api.js";
import {startControls} from "../controls.js";
import {fitMaps} from "../fit.js";
import {startKeyboard} from "../keyboard.js";
import {keepTooltipsOnTop} from "../overlays.js";
import {startSearch} from "../search.js";
import {startSwitch} from "../switch.js";
import {startTimeline} from "../timeline.js";
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
startTimeline(views.show);
publish(Object.assign({fit: fit, show: views.show, switchTo: views.switchTo}, walkApi(walk)));
