// Whether the ranking's panel is on screen (peta.css closes it below 1500 px unless opened): the controls' table
// button says so, and the ranking builds a closed panel's rows later (ranking.js).
export function panelShown() {
  var panel = document.getElementById("panel");
  return Boolean(panel) && window.getComputedStyle(panel).display !== "none";
}
