// Change the map when a control changes: the scope is part of the path, the rest are query parameters.
(function () {
  var form = document.getElementById("controls");
  if (!form) { return; }
  form.addEventListener("change", function (event) {
    var get = function (name) { return form.elements[name] ? form.elements[name].value : ""; };
    var changed = event.target.name;
    var params = new URLSearchParams();
    if (changed !== "series") {  // another series has other periods
      params.set("period", get("period"));
      if (get("compare") && get("compare") !== get("period")) { params.set("compare", get("compare")); }
    }
    params.set("series", get("series"));
    var view = get("view");
    if (view && !(view === "perubahan" && !params.get("compare"))) { params.set("view", view); }
    if (changed === "compare" && params.get("compare")) { params.delete("view"); }  // show the change map
    if (get("layer") && get("layer") !== "kabupaten") { params.set("layer", get("layer")); }
    window.location.assign("/map/" + encodeURIComponent(get("scope")) + "?" + params.toString());
  });
  var toggle = document.getElementById("toggle-panel");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var hidden = document.body.classList.toggle("panel-hidden");
      toggle.setAttribute("aria-expanded", String(!hidden));
      (window.PetaCakupan ? window.PetaCakupan.maps : []).forEach(function (m) { m.map.invalidateSize(); });
    });
  }
})();
