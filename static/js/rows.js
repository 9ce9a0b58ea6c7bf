// The ranking table's rows of a view's values (layers/navigation.py), with the texts they share with the
// districts' tooltips filled in: web/rendering.py table_beside sends a 0 for "as this district's tooltip shows
// it" (its title for the name, the row with the label in from_tip for a number), so each number travels once.
export function tableRows(values) {
  var table = values.table;
  var from = table.from_tip || {};
  return table.rows.map(function (row) {
    var unit = values.features[row[0]];
    var tip = {};
    if (unit) { unit.tip.rows.forEach(function (r) { tip[r[0]] = r[1]; }); }
    return row.map(function (cell, i) {
      if (cell !== 0 || !unit) { return cell; }
      if (i === 2) { return unit.tip.title; }
      return from[String(i)] ? tip[from[String(i)]] : cell;
    });
  });
}
