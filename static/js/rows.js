// The ranking table's rows of a view's values (layers/navigation.py TableRow, sent as one list per field in
// `table.columns`; docs/schema/values.schema.json), as one object per district in rank order, read by name:
// {code, rank, name, province_code, coverage, level, target, gap, uncovered, participants, workers, change?,
// value?}, and `measured`, the view's measure (the column `table.measure_column` names). The texts a district's
// tooltip shows too come as 0 (web/rendering.py table_beside) and are filled in here: the name from its title,
// a column named in `table.from_tooltip` from the tooltip's row with that label. So each number travels once.
export function tableRows(values) {
  var table = values.table;
  var columns = table.columns;
  var from = table.from_tooltip || {};
  var names = Object.keys(columns);
  return columns.code.map(function (code, i) {
    var unit = values.features[code];
    var tip = {};
    if (unit) { unit.tip.rows.forEach(function (r) { tip[r[0]] = r[1]; }); }
    var row = {};
    names.forEach(function (name) {
      var cell = columns[name][i];
      if (cell === 0 && unit && name === "name") { cell = unit.tip.title; }
      else if (cell === 0 && unit && from[name]) { cell = tip[from[name]]; }
      row[name] = cell === undefined ? null : cell;
    });
    row.measured = row[table.measure_column];
    return row;
  });
}
