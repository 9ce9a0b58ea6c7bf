// Bundle present.js, after the presentation's map script: as map.js, with the time slider and its table in place
// of the ranking table. Publishes window.PetaCakupan.fit(), show(values), switchTo(…) and the walk (walk.js).
import {startPage} from "../page.js";
import {startTimeline} from "../timeline.js";

startPage(function (maps, views) { startTimeline(views.show, maps[0]); });
