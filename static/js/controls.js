// Change the map when a control changes: the scope is part of the path, the rest are query parameters.
(function () {
  var form = document.getElementById("controls");
  if (!form) { return; }
  form.addEventListener("change", function (event) {
    var params = new URLSearchParams();
    ["period", "series", "view"].forEach(function (name) {
      var field = form.elements[name];
      if (field && field.value && !(name === "period" && event.target.name === "series")) {
        params.set(name, field.value);
      }
    });
    var scope = form.elements.scope.value;
    window.location.assign("/map/" + encodeURIComponent(scope) + "?" + params.toString());
  });
})();
