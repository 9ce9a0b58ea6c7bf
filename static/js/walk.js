// What the map, presentation and offline bundles publish of the keyboard's walk (keyboard.js), in their entries:
// window.PetaCakupan.select(code, {zoom}) shows a district as search does, selected() is the code shown (or null),
// districts the walk's current list ({code, name, province, index, say}, in rank order).
export function walkApi(walk) {
  if (!walk) { return {}; }
  return {
    select: walk.select,
    selected: walk.selected,
    get districts() { return walk.districts(); },
  };
}
