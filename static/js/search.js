// Search a district by name and zoom to it (presentation mode).
(function () {
  var input = document.getElementById("search");
  var bridge = window.PetaCakupan && window.PetaCakupan.maps[0];
  if (!input || !bridge) { return; }
  input.addEventListener("change", function () {
    var wanted = input.value.trim().toLowerCase();
    var option = Array.prototype.find.call(document.querySelectorAll("#district-names option"), function (o) {
      return o.value.toLowerCase() === wanted;
    });
    var layer = option && bridge.byCode[option.getAttribute("data-code")];
    if (!layer) { input.setCustomValidity(input.getAttribute("placeholder")); input.reportValidity(); return; }
    input.setCustomValidity("");
    bridge.map.fitBounds(layer.getBounds(), {maxZoom: 10, padding: [60, 60]});
    bridge.districts.resetStyle();
    layer.setStyle({weight: 5, color: "#111111"});
    layer.bringToFront();
    // folium binds the tooltip to the whole layer group: a propagating mouseover opens it, as a real hover does
    layer.fire("mouseover", {latlng: layer.getCenter()}, true);
  });
})();
