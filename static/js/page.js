// What the map page and the presentation start alike, in this order: fit, tooltips on top, the keyboard walk,
// views switched in place, search, the view in the address and the controls; then the page's own part (`own`:
// the ranking table, or the time slider), then window.PetaCakupan: fit(), show(values), switchTo(scope, params,
// tableChanges) and the walk (walk.js).
import {drawnMaps, publish} from "./api.js";
import {startControls} from "./controls.js";
import {fitMaps} from "./fit.js";
import {startKeyboard} from "./keyboard.js";
import {keepTooltipsOnTop} from "./overlays.js";
import {startSearch} from "./search.js";
import {startSwitch} from "./switch.js";
import {startViewState} from "./viewstate.js";
import {walkApi} from "./walk.js";

export function startPage(own) {
  var maps = drawnMaps();
  var fit = fitMaps(maps);
  keepTooltipsOnTop(maps);
  var walk = startKeyboard(maps[0]);
  var views = startSwitch(maps, walk) || {};
  startSearch(walk);
  startViewState(maps[0], walk);
  startControls(views.switchTo, fit);
  own(maps, views);
  publish(Object.assign({fit: fit, show: views.show, switchTo: views.switchTo}, walkApi(walk)));
}
