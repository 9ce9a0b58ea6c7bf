"""The compact form of a quantized TopoJSON topology: what the geometry files hold and the browser downloads.

Files hold a compact form of the TopoJSON (`encode_compact`), decoded back to the very same TopoJSON by
`decode_compact` here and by static/js/topologi.js (`PetaGeometri.decode`) in the browser; every check runs
on the decoded form. Standard TopoJSON spends its bytes on arcs as JSON arrays and on each arc's first
position, absolute by the specification; the overview's 7,262 arcs (6,225 of them islets of at most five
positions) cost 103 KB of its 114 KB brotli that way. The compact form writes the same integers as varints
of 5 data bits and a continuation bit per character of `A-Za-z0-9-_` (nothing to escape in JSON or a
script), in four strings, each with its own statistics:

- `counts`: per arc, 2 × positions + 1 if it is closed (ends where it starts; its last step is left out);
- `starts`: per arc, its first position as a zigzag step from the previous arc's last position;
- `steps`: the zigzag steps within the arcs, x then y;
- `geometries`: per geometry 2 × polygons + 1 for a MultiPolygon, per polygon its rings, per ring its arcs,
  then each arc reference as 2 × zigzag(index − previous index) + 1 if reversed (so ~i makes no big jump);
  `ids` (the district codes) and `transform` stay plain JSON.

Measured on the 2025 boundaries (brotli 11): the overview went from 114 KB to 70 KB (counts 2.6, starts
12.4, steps 50.3, geometries 4.3, ids 0.2), each province's detail file by 35–40% (Sumatera Utara 51 → 31 KB).
"""

from __future__ import annotations

import json

OBJECT = "kabupaten"  # the one object of every topology: the districts, ids = their codes


class TopologyError(Exception):
    """The served geometry cannot be built, fails its checks, or is missing."""


def topology_bytes(topology: dict) -> bytes:
    """The file's bytes: compact JSON, keys in a fixed order, so the same geometry always hashes the same."""
    return json.dumps(topology, separators=(",", ":"), ensure_ascii=False).encode()


# The compact form: what the files hold and the browser downloads. Standard TopoJSON spends most of its bytes on
# arcs written as JSON arrays, and on each arc's first position, which the specification makes absolute. The
# compact form writes the same integers as varints in URL-safe ASCII (nothing to escape in JSON or a script).
COMPACT_TYPE = "PetaTopology"
COMPACT_VERSION = 1
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_DIGITS = {char: value for value, char in enumerate(ALPHABET)}


def _varints(values: list[int]) -> str:
    """Unsigned integers as varints: 5 bits a character, the sixth bit saying "more follows"."""
    out = []
    for value in values:
        while value >= 32:
            out.append(ALPHABET[32 | (value & 31)])
            value >>= 5
        out.append(ALPHABET[value])
    return "".join(out)


def _read_varints(text: str) -> list[int]:
    values, value, shift = [], 0, 0
    for char in text:
        digit = _DIGITS.get(char)
        if digit is None:
            raise TopologyError(f"Compact topology: {char!r} is not a varint character.")
        value |= (digit & 31) << shift
        if digit & 32:
            shift += 5
        else:
            values.append(value)
            value, shift = 0, 0
    if shift:
        raise TopologyError("Compact topology: the last varint is cut off.")
    return values


def _zigzag(value: int) -> int:
    return value * 2 if value >= 0 else -value * 2 - 1


def _unzigzag(value: int) -> int:
    return value >> 1 if not value & 1 else -((value + 1) >> 1)


def _absolute_arcs(topology: dict) -> list[list[tuple[int, int]]]:
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for position in arc:
            if len(position) != 2 or not all(type(v) is int for v in position):
                raise TopologyError("Compact topology: only quantized arcs of integer x, y positions can be encoded.")
            x, y = x + position[0], y + position[1]
            points.append((x, y))
        arcs.append(points)
    return arcs


def _encode_arcs(topology: dict) -> dict[str, str]:
    """Three varint streams: per arc 2 × points + closed; each arc's first position as a step from the last
    arc's last; the steps within arcs. A closed arc (an islet's ring) leaves out its last step, which returns
    to its first position."""
    counts, starts, steps = [], [], []
    previous = (0, 0)
    for points in _absolute_arcs(topology):
        if not points:
            raise TopologyError("Compact topology: an arc without positions cannot be encoded.")
        closed = len(points) >= 2 and points[0] == points[-1]
        counts.append(2 * len(points) + closed)
        starts += [_zigzag(points[0][0] - previous[0]), _zigzag(points[0][1] - previous[1])]
        drawn = points[:-1] if closed else points
        for (x0, y0), (x1, y1) in zip(drawn, drawn[1:], strict=False):
            steps += [_zigzag(x1 - x0), _zigzag(y1 - y0)]
        previous = points[-1]
    return {"counts": _varints(counts), "starts": _varints(starts), "steps": _varints(steps)}


def _decode_arcs_compact(compact: dict) -> list[list[list[int]]]:
    counts = _read_varints(compact["counts"])
    starts = iter(_unzigzag(v) for v in _read_varints(compact["starts"]))
    steps = iter(_unzigzag(v) for v in _read_varints(compact["steps"]))
    arcs = []
    x = y = 0
    try:
        for count in counts:
            points, closed = count >> 1, count & 1
            sx, sy = next(starts), next(starts)
            arc = [[x + sx, y + sy]]
            x, y = arc[0]
            for _ in range(points - 1 - closed):
                dx, dy = next(steps), next(steps)
                arc.append([dx, dy])
                x, y = x + dx, y + dy
            if closed:
                arc.append([arc[0][0] - x, arc[0][1] - y])
                x, y = arc[0]
            arcs.append(arc)
    except StopIteration:
        raise TopologyError("Compact topology: the arc streams end early.") from None
    if next(starts, None) is not None or next(steps, None) is not None:
        raise TopologyError("Compact topology: the arc streams hold more than their counts.")
    return arcs


def _encode_geometries(geometries: list[dict]) -> str:
    """Per geometry 2 × polygons + (MultiPolygon), per polygon its rings, per ring its arcs, then each arc
    reference as (zigzag step from the previous arc index) × 2 + reversed: neighbouring arcs cost a character."""
    values, previous = [], 0
    for geometry in geometries:
        if set(geometry) - {"type", "arcs", "id"} or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise TopologyError(f"Compact topology: geometry {geometry.get('id')} is not a plain (Multi)Polygon.")
        multi = geometry["type"] == "MultiPolygon"
        polygons = geometry.get("arcs", []) if multi else [geometry.get("arcs", [])]
        values.append(2 * len(polygons) + multi)
        for polygon in polygons:
            values.append(len(polygon))
            for ring in polygon:
                values.append(len(ring))
                for index in ring:
                    arc = index if index >= 0 else ~index
                    values.append(2 * _zigzag(arc - previous) + (index < 0))
                    previous = arc
    return _varints(values)


def _decode_geometries(text: str, ids: list[str]) -> list[dict]:
    values = iter(_read_varints(text))
    geometries, previous = [], 0
    try:
        for code in ids:
            head = next(values)
            polygons = []
            for _ in range(head >> 1):
                rings = []
                for _ in range(next(values)):
                    ring = []
                    for _ in range(next(values)):
                        value = next(values)
                        previous += _unzigzag(value >> 1)
                        ring.append(~previous if value & 1 else previous)
                    rings.append(ring)
                polygons.append(rings)
            if head & 1:
                geometries.append({"type": "MultiPolygon", "arcs": polygons, "id": code})
            else:
                if len(polygons) != 1:
                    raise TopologyError(f"Compact topology: Polygon {code} holds {len(polygons)} polygons.")
                geometries.append({"type": "Polygon", "arcs": polygons[0], "id": code})
    except StopIteration:
        raise TopologyError("Compact topology: the geometry stream ends early.") from None
    if next(values, None) is not None:
        raise TopologyError("Compact topology: the geometry stream holds more than its geometries.")
    return geometries


def encode_compact(topology: dict) -> dict:
    """The compact form of a quantized topology of one object (OBJECT); decode_compact gives it back exactly.

    ``{"type": "PetaTopology", "v": 1, "transform": ..., "object": "kabupaten", "ids": [...],
    "counts": ..., "starts": ..., "steps": ..., "geometries": ...}``; see the module docstring.
    Raise TopologyError for anything it could not give back exactly (unquantized arcs, properties, other
    geometry types or objects).
    """
    if set(topology) - {"type", "objects", "transform", "arcs"} or "transform" not in topology:
        raise TopologyError("Compact topology: only a quantized Topology without bbox or extra members.")
    if list(topology["objects"]) != [OBJECT] or set(topology["objects"][OBJECT]) != {"type", "geometries"}:
        raise TopologyError(f"Compact topology: one GeometryCollection {OBJECT!r} expected.")
    geometries = topology["objects"][OBJECT]["geometries"]
    if not all(isinstance(g.get("id"), str) for g in geometries):
        raise TopologyError("Compact topology: every geometry needs a text id (its district code).")
    return {
        "type": COMPACT_TYPE,
        "v": COMPACT_VERSION,
        "transform": topology["transform"],
        "object": OBJECT,
        "ids": [g["id"] for g in geometries],
        **_encode_arcs(topology),
        "geometries": _encode_geometries(geometries),
    }


def decode_compact(compact: dict) -> dict:
    """The standard TopoJSON (delta-encoded arcs, members in the order the topojson package writes them)."""
    if compact.get("type") != COMPACT_TYPE or compact.get("v") != COMPACT_VERSION:
        raise TopologyError(
            f"Not a compact topology of version {COMPACT_VERSION}: {compact.get('type')!r} {compact.get('v')!r}. "
            "Hint: run `make setup` to prepare the geometry again."
        )
    geometries = _decode_geometries(compact["geometries"], compact["ids"])
    return {
        "type": "Topology",
        "objects": {compact["object"]: {"geometries": geometries, "type": "GeometryCollection"}},
        "transform": compact["transform"],
        "arcs": _decode_arcs_compact(compact),
    }


def script_body(key: str, text: str) -> str:
    """The script that files a topology under window.PetaTopologi[key] (served, and inlined offline).

    `text` is a file's compact form; static/js/topologi.js (window.PetaGeometri) must be loaded before it and
    gives the standard TopoJSON that topojson-client reads.
    """
    return (
        f"(window.PetaTopologi = window.PetaTopologi || {{}})[{json.dumps(key)}] = window.PetaGeometri.decode({text});"
    )


def topojson_text(text: str) -> str:
    """A file's compact text as the standard TopoJSON it encodes (for GIS programs and other clients)."""
    return topology_bytes(decode_compact(json.loads(text))).decode()
