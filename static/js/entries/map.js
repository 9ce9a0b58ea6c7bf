// Bundle map.js, after the map page's map script: what every page with tools starts (page.js), and the ranking
// table. Publishes window.PetaCakupan.fit(), show(values), switchTo(scope, params, tableChanges) and the walk.
import {startPage} from "../page.js";
import {startRanking} from "../ranking.js";

startPage(function (maps) { startRanking(maps[0]); });
