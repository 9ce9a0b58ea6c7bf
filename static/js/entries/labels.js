// Bundle labels.js (layers/plugin.py Labels): publishes window.PetaCakupan.label(map, labels), which the element's
// script calls; map.petaRelabel(labels) then writes another period's texts. Needs Leaflet (L).
import {publish} from "../api.js";
import {label} from "../labels.js";

publish({label: label});
