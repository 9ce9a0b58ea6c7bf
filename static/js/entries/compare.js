// Bundle compare.js: the compare page's district picker (no map).
import {startPicker} from "../picker.js";

startPicker();
