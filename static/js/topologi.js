// Decode the geometry files' compact form (geo/topology.py, encode_compact) into the standard TopoJSON that
// topojson-client reads: decode(compact) → a Topology with delta-encoded arcs. Each /geometri/<key>.<hash>.js
// script calls it as window.PetaGeometri.decode (entries/draw.js publishes it) and files the result under
// window.PetaTopologi[key].
var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
var DIGITS = {};
for (var d = 0; d < ALPHABET.length; d++) { DIGITS[ALPHABET.charAt(d)] = d; }

// Unsigned varints, 5 bits a character, the sixth saying "more follows" (multiplication, not shifts: no
// 32-bit overflow however far a step goes).
function varints(text) {
  var values = [];
  var value = 0;
  var factor = 1;
  for (var i = 0; i < text.length; i++) {
    var digit = DIGITS[text.charAt(i)];
    if (digit === undefined) { throw new Error("PetaGeometri: bad character " + text.charAt(i)); }
    value += (digit & 31) * factor;
    if (digit & 32) {
      factor *= 32;
    } else {
      values.push(value);
      value = 0;
      factor = 1;
    }
  }
  if (factor !== 1) { throw new Error("PetaGeometri: the last varint is cut off"); }
  return values;
}

function unzigzag(value) {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

function reader(values) {
  var at = 0;
  return function () {
    if (at >= values.length) { throw new Error("PetaGeometri: a stream ends early"); }
    return values[at++];
  };
}

function arcs(compact) {
  var counts = varints(compact.counts);
  var start = reader(varints(compact.starts));
  var step = reader(varints(compact.steps));
  var out = [];
  var x = 0;
  var y = 0;
  for (var a = 0; a < counts.length; a++) {
    var points = Math.floor(counts[a] / 2);
    var closed = counts[a] % 2;
    var fx = x + unzigzag(start());
    var fy = y + unzigzag(start());
    var arc = [[fx, fy]];
    x = fx;
    y = fy;
    for (var p = 1; p < points - closed; p++) {
      var dx = unzigzag(step());
      var dy = unzigzag(step());
      arc.push([dx, dy]);
      x += dx;
      y += dy;
    }
    if (closed) {
      arc.push([fx - x, fy - y]);
      x = fx;
      y = fy;
    }
    out.push(arc);
  }
  return out;
}

function geometries(compact) {
  var next = reader(varints(compact.geometries));
  var previous = 0;
  return compact.ids.map(function (id) {
    var head = next();
    var polygons = [];
    for (var g = 0; g < Math.floor(head / 2); g++) {
      var rings = [];
      for (var r = next(); r > 0; r--) {
        var ring = [];
        for (var n = next(); n > 0; n--) {
          var value = next();
          previous += unzigzag(Math.floor(value / 2));
          ring.push(value % 2 ? ~previous : previous);
        }
        rings.push(ring);
      }
      polygons.push(rings);
    }
    return head % 2 ? {type: "MultiPolygon", arcs: polygons, id: id} : {type: "Polygon", arcs: polygons[0], id: id};
  });
}

export function decode(compact) {
  if (compact.type !== "PetaTopology" || compact.v !== 1) {
    throw new Error("PetaGeometri: not a compact topology of version 1");
  }
  var objects = {};
  objects[compact.object] = {type: "GeometryCollection", geometries: geometries(compact)};
  return {type: "Topology", transform: compact.transform, objects: objects, arcs: arcs(compact)};
}
