"""Build the district geometry the browser loads once: quantized topologies at content-hashed names.

The overview (every district, for the island and full-area maps, where a pixel is about a kilometre) is
quantized coarsely and leaves out islets that lie close to something drawn; each province's detail file
keeps the prepared coordinates exactly. Both are decoded again and measured against the source, so the
served outlines keep the promise the prepared ones keep (`PrepareSettings.max_displacement_m`).

Files hold a compact form of the TopoJSON (geo.compact); every check runs on the decoded form.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import brotli
import geopandas as gpd
import numpy as np
import shapely
import topojson

from geo.checks import measure_displacement
from geo.compact import OBJECT, TopologyError, decode_compact, encode_compact, topology_bytes
from geo.scopes import Scope

FOLDER = "topologi"
MANIFEST_FILE = "topologi.json"
OVERVIEW = "overview"
SUFFIX = ".topo.json"  # the compact form (not TopoJSON itself, so not named .topojson)
LEGACY_SUFFIX = ".topojson"  # files of preparation version 7 and before
HASH_LENGTH = 12
# The prepared boundaries are rounded to 1e-5 degrees (PrepareSettings.decimals = 5): a detail file on that
# same grid holds them exactly.
DETAIL_SCALE = 1e-5


@dataclass(frozen=True)
class TopologySettings:
    """How coarse the overview may be; measured against the source, never trusted."""

    # Grid steps (degrees) tried for the overview, coarsest first: the first whose decoded outlines keep the
    # promise is served (0.0005 degrees is about 56 m; at the full-area zoom a pixel is about a kilometre).
    # 0.001 was measured too coarse: thin islets (a 330 m sliver in Mentawai) collapse and vanish.
    overview_scales: tuple[float, ...] = (0.0005, 0.0002)
    # Islets whose minimum bounding radius is below this may be left out of the overview, but only where
    # their whole source outline lies within the displacement promise of an outline still drawn.
    islet_radius_m: float = 300.0


@dataclass(frozen=True)
class TopologyFile:
    """One written topology, as the manifest lists it."""

    key: str  # "overview" (every district), "overview-<scope>" (overview_key) or a province code ("62")
    file: str  # "<key>.<sha256 prefix>.topo.json"
    districts: int
    bytes: int
    gzip_bytes: int
    brotli_bytes: int
    vertices: int
    max_displacement_m: float
    max_displacement_district: str
    dropped_islets: int

    @property
    def stem(self) -> str:
        """The file name without its suffix: "overview.0123456789ab"."""
        return self.file.removesuffix(SUFFIX)


@dataclass(frozen=True)
class TopologyRef:
    """Which topology a page loads: its key and its content-hashed file stem."""

    key: str
    file_stem: str


def quantized_topology(codes: list[str], geometries: np.ndarray, transform: dict | int) -> dict:
    """Encode districts (EPSG:4326) as one TopoJSON object `kabupaten`, ids = district codes, no properties."""
    frame = gpd.GeoDataFrame({"id": codes}, geometry=geometries, crs=4326)
    topology = topojson.Topology(frame, prequantize=transform, object_name=OBJECT, ignore_index=True)
    output = json.loads(topology.to_json())
    for geometry, code in zip(output["objects"][OBJECT]["geometries"], codes, strict=True):
        geometry.pop("properties", None)
        geometry["id"] = code
    output.pop("bbox", None)
    return output


def grid_transform(bounds: np.ndarray, scale: float) -> dict:
    """A TopoJSON transform on the grid of `scale` degrees, anchored on a grid point below the bounds."""
    return {
        "scale": [scale, scale],
        "translate": [math.floor(bounds[0] / scale) * scale, math.floor(bounds[1] / scale) * scale],
    }


def _decode_arcs(topology: dict) -> list[np.ndarray]:
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = np.asarray(arc, dtype=float).reshape(-1, 2)
        if transform:
            points = np.cumsum(points, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(points)
    return arcs


def _ring(arcs: list[np.ndarray], indexes: list[int]) -> np.ndarray:
    pieces = []
    for n, index in enumerate(indexes):
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        pieces.append(points if n == 0 else points[1:])
    return np.concatenate(pieces)


def decode_topology(topology: dict) -> tuple[list[str], np.ndarray]:
    """Return the ids and geometries (EPSG:4326) of the `kabupaten` object, as a browser would draw them.

    Rings that quantization collapsed below four points are not drawn, so they are left out here too.
    """
    arcs = _decode_arcs(topology)
    ids, geometries = [], []
    for geometry in topology["objects"][OBJECT]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}.get(
            geometry["type"], []
        )
        parts = []
        for polygon in polygons:
            rings = [_ring(arcs, ring) for ring in polygon if ring]
            if rings and len(rings[0]) >= 4:
                parts.append(shapely.Polygon(rings[0], [ring for ring in rings[1:] if len(ring) >= 4]))
        ids.append(str(geometry.get("id")))
        geometries.append(shapely.multipolygons(parts) if parts else shapely.Polygon())
    return ids, np.array(geometries, dtype=object)


def count_vertices(topology: dict) -> int:
    """Positions stored in the arcs (what the file's size grows with)."""
    return sum(len(arc) for arc in topology["arcs"])


@dataclass(frozen=True)
class Overview:
    """The overview's districts (EPSG:4326) and how many islets were left out to make it small."""

    geometries: np.ndarray
    dropped_islets: int


def _owner_largest(parts: np.ndarray, owner: np.ndarray, size: int) -> np.ndarray:
    """Mark each district's largest part: it is always drawn as it is, so no district disappears."""
    largest = np.zeros(len(parts), dtype=bool)
    order = np.lexsort((-shapely.area(parts), owner))
    first = np.ones(len(order), dtype=bool)
    first[1:] = owner[order][1:] != owner[order][:-1]
    largest[order[first]] = True
    return largest


def _outline_distance(parts: np.ndarray, targets: np.ndarray, spacing_m: float = 25.0) -> np.ndarray:
    """For each part, the largest distance from a point of its outline to the nearest outline of `targets`."""
    if not len(parts):
        return np.zeros(0)
    if not len(targets):
        return np.full(len(parts), np.inf)
    tree = shapely.STRtree(shapely.get_parts(shapely.get_parts(shapely.boundary(targets))))
    coords, which = shapely.get_coordinates(shapely.segmentize(shapely.boundary(parts), spacing_m), return_index=True)
    index, distance = tree.query_nearest(shapely.points(coords), return_distance=True, all_matches=False)
    nearest = np.zeros(len(coords))
    nearest[index[0]] = distance
    result = np.zeros(len(parts))
    np.maximum.at(result, which, nearest)
    return result


def overview_geometries(
    prepared: np.ndarray,
    metric: np.ndarray,
    displacement: np.ndarray,
    budget_m: float,
    cell_m: float,
    scale: float,
    settings: TopologySettings,
) -> Overview:
    """Leave out or simplify the islets an overview cannot show, within each district's displacement budget.

    `prepared` (EPSG:4326) and `metric` hold the same prepared districts; `displacement` is each district's
    measured displacement from the source. An islet (minimum bounding radius below `islet_radius_m`, not its
    district's largest part) whose whole outline lies within `budget_m - displacement - cell_m` of an outline
    still drawn is left out, largest islets first, so a cluster keeps one of its islets. A kept islet too
    small to survive quantization (radius below two cells) is drawn as a square of two by two grid cells
    (`scale` degrees) around its centre; no islet is left out because of one.
    """
    parts, owner = shapely.get_parts(metric, return_index=True)
    degree_parts = shapely.get_parts(prepared)
    radius = shapely.minimum_bounding_radius(parts)
    largest = _owner_largest(parts, owner, len(metric))
    budget = budget_m - displacement[owner] - cell_m
    candidates = np.flatnonzero((radius < settings.islet_radius_m) & ~largest)
    drop = np.zeros(len(parts), dtype=bool)
    near = _outline_distance(parts[candidates], parts[~np.isin(np.arange(len(parts)), candidates)])
    drop[candidates[near <= budget[candidates]]] = True
    remaining = candidates[~drop[candidates]]
    # Largest first: an islet may lean on an islet kept before it, never on one left out or squared.
    tiny = radius < 2 * cell_m  # quantization may collapse it: drawn as a square of grid cells instead
    anchors: list[int] = []
    kept: list[int] = []
    for position in np.argsort(-shapely.area(parts[remaining]), kind="stable"):
        index = remaining[position]
        if anchors and _outline_distance(parts[[index]], parts[anchors])[0] <= budget[index]:
            drop[index] = True
            continue
        kept.append(index)
        if not tiny[index]:
            anchors.append(index)
    served = degree_parts.copy()
    if kept:
        kept_array = np.array(kept)
        square = kept_array[tiny[kept_array]]
        centres = shapely.centroid(shapely.minimum_bounding_circle(degree_parts[square]))
        cx = np.round(shapely.get_x(centres) / scale) * scale
        cy = np.round(shapely.get_y(centres) / scale) * scale
        served[square] = shapely.box(cx - scale, cy - scale, cx + scale, cy + scale)
    geometries = np.array(
        [shapely.multipolygons(list(served[(owner == i) & ~drop])) for i in range(len(metric))], dtype=object
    )
    return Overview(geometries, int(drop.sum()))


def _problems(
    key: str, codes: list[str], names: list[str], topology: dict, displacement: np.ndarray, limits: np.ndarray
):
    """What is wrong with a file: a district missing, repeated or empty, or moved beyond its limit (the promise, or
    a larger one data/boundary_flaws.csv accepts for that district's source flaw)."""
    ids, geometries = decode_topology(topology)
    problems = []
    if ids != codes:
        problems.append(f"topology {key}: districts {sorted(set(codes) ^ set(ids))} missing or repeated")
    for name, geometry, moved, limit in zip(names, geometries, displacement, limits, strict=False):
        if shapely.is_empty(geometry):
            problems.append(f"topology {key}: {name} has no geometry")
        elif moved > limit:
            problems.append(f"topology {key}: {name} outline moved {moved:.0f} m from the source (limit {limit:.0f} m)")
    return problems


def _served_displacement(topology: dict, crs: str, source: np.ndarray, cleaned: np.ndarray) -> np.ndarray:
    """Each district's displacement from the source as served (decoded), the overview holding every district."""
    _, geometries = decode_topology(topology)
    displacement, _ = measure_displacement(source, cleaned, gpd.GeoSeries(geometries, crs=4326).to_crs(crs).values)
    return displacement


def _detail_displacement(topology: dict, crs: str, metric: np.ndarray, displacement: np.ndarray) -> np.ndarray:
    """A detail file's displacement: the prepared districts' own, plus how far its decoded vertices lie from
    them (zero but for float rounding: the file is on the prepared grid)."""
    _, geometries = decode_topology(topology)
    decoded = gpd.GeoSeries(geometries, crs=4326).to_crs(crs).values
    return displacement + shapely.hausdorff_distance(decoded, metric)


def served_topology(topology: dict) -> tuple[dict, dict]:
    """The compact form written, and the topology decoded from it: every check runs on what is served."""
    compact = encode_compact(topology)
    return compact, decode_compact(json.loads(topology_bytes(compact)))


def _file_entry(key: str, compact: dict, topology: dict, names: list[str], displacement: np.ndarray, dropped: int):
    data = topology_bytes(compact)
    worst = int(np.argmax(displacement))
    entry = TopologyFile(
        key=key,
        file=f"{key}.{hashlib.sha256(data).hexdigest()[:HASH_LENGTH]}{SUFFIX}",
        districts=len(topology["objects"][OBJECT]["geometries"]),
        bytes=len(data),
        gzip_bytes=len(gzip.compress(data, compresslevel=9, mtime=0)),
        brotli_bytes=len(brotli.compress(data, quality=11)),
        vertices=count_vertices(topology),
        max_displacement_m=round(float(displacement[worst]), 1),
        max_displacement_district=names[worst],
        dropped_islets=dropped,
    )
    return entry, data


def _overview(key: str, rows: np.ndarray, inputs: dict, settings: TopologySettings):
    """The overview of the districts at `rows`: the coarsest grid whose decoded outlines keep the promise, with
    the islets it cannot show left out (overview_geometries). Return (file, []) or (None, the problems)."""
    codes = [inputs["codes"][i] for i in rows]
    names = [inputs["names"][i] for i in rows]
    prepared, limit = inputs["prepared"][rows], inputs["limit"]
    bounds = shapely.total_bounds(prepared)  # the grid is anchored on a grid point: the same cells in every file
    problems: list[str] = []
    for scale in settings.overview_scales:
        cell_m = scale * 111_320  # a grid step in metres at the equator (these provinces lie within 6° of it)
        islets = overview_geometries(
            prepared, inputs["metric"][rows], inputs["displacement"][rows], limit, cell_m, scale, settings
        )
        compact, topology = served_topology(quantized_topology(codes, islets.geometries, grid_transform(bounds, scale)))
        moved = _served_displacement(topology, inputs["crs"], inputs["source"][rows], inputs["cleaned"][rows])
        problems = _problems(key, codes, names, topology, moved, inputs["limits"][rows])
        if not problems:
            return _file_entry(key, compact, topology, names, moved, islets.dropped_islets), []
    return None, [f"the overview {key} failed its checks at every grid:", *problems]


def overview_key(slug: str, province_codes: tuple[str, ...], prepared: set[str]) -> str:
    """The overview a map of several provinces loads: OVERVIEW when it shows every prepared province, else its own
    (`overview-kalimantan`), so preparing more provinces never makes a map heavier."""
    return OVERVIEW if set(province_codes) == prepared else f"{OVERVIEW}-{slug}"


def build_topologies(
    codes: list[str],
    names: list[str],
    prepared: np.ndarray,
    crs: str,
    source: np.ndarray,
    cleaned: np.ndarray,
    displacement: np.ndarray,
    max_displacement_m: float,
    settings: TopologySettings,
    groups: dict[str, tuple[str, ...]] | None = None,
    accepted_moves: dict[str, float] | None = None,
    *,
    prepared_provinces: set[str] | None = None,
    overview: bool = True,
    details: bool = True,
) -> list[tuple[TopologyFile, bytes]]:
    """Build the overviews and one detail file per province, each checked against the source.

    `prepared` are the prepared districts in EPSG:4326 (sorted by code), `source`/`cleaned` the source and
    its cleaned coverage in the metric CRS `crs`, `displacement` the prepared districts' measured displacement.
    `groups` are the maps of several provinces (scope slug → province codes): each gets an overview of its own
    districts (overview_key); OVERVIEW holds every district. `accepted_moves` (code → metres) are the larger limits of
    the source flaws data/boundary_flaws.csv accepts. Preparation builds one island at a time (its details and its
    maps' overviews: `overview=False`), then the overviews across islands (`details=False`); `prepared_provinces`
    are then all the provinces prepared (overview_key). Raise TopologyError listing every district that fails.
    """
    accepted_moves = accepted_moves or {}
    limits = np.array([max(max_displacement_m, accepted_moves.get(code, 0.0)) for code in codes])
    metric = gpd.GeoSeries(prepared, crs=4326).to_crs(crs).values
    inputs = {
        "codes": codes,
        "names": names,
        "prepared": prepared,
        "metric": metric,
        "crs": crs,
        "source": source,
        "cleaned": cleaned,
        "displacement": displacement,
        "limit": max_displacement_m,
        "limits": limits,
    }
    provinces = np.array([code[:2] for code in codes])
    wanted = {OVERVIEW: np.arange(len(codes))} if overview else {}
    for slug, group in sorted((groups or {}).items()):
        key = overview_key(slug, group, prepared_provinces or set(provinces))
        wanted.setdefault(key, np.flatnonzero(np.isin(provinces, list(group))))
    files, problems = [], []
    for key, rows in wanted.items():
        file, found = _overview(key, rows, inputs, settings)
        files += [file] if file else []
        problems += found
    for province in sorted(set(provinces)) if details else []:
        rows = np.flatnonzero(provinces == province)
        chosen = [codes[i] for i in rows]
        chosen_names = [names[i] for i in rows]
        compact, topology = served_topology(
            quantized_topology(
                chosen, prepared[rows], grid_transform(shapely.total_bounds(prepared[rows]), DETAIL_SCALE)
            )
        )
        moved = _detail_displacement(topology, crs, metric[rows], displacement[rows])
        found = _problems(province, chosen, chosen_names, topology, moved, limits[rows])
        if found:
            problems += found
            continue
        files.append(_file_entry(province, compact, topology, chosen_names, moved, 0))
    if problems:
        raise TopologyError("The served geometry failed its checks:\n- " + "\n- ".join(problems))
    return files


def write_topologies(out_dir: Path, files: list[tuple[TopologyFile, bytes]]) -> dict[str, TopologyFile]:
    """Write the files into out_dir/topologi/ and the manifest beside them; remove files no longer listed."""
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for entry, data in files:
        tmp = folder / f"{entry.file}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, folder / entry.file)
    manifest = {entry.key: entry for entry, _ in files}
    tmp = folder / f"{MANIFEST_FILE}.tmp"
    tmp.write_text(json.dumps({k: asdict(v) for k, v in manifest.items()}, indent=2, ensure_ascii=False), "utf-8")
    os.replace(tmp, folder / MANIFEST_FILE)
    for path in [*folder.glob(f"*{SUFFIX}"), *folder.glob(f"*{LEGACY_SUFFIX}")]:
        if path.name not in {entry.file for entry in manifest.values()}:
            path.unlink()
    return manifest


def read_manifest(out_dir: Path) -> dict[str, TopologyFile]:
    """Read the manifest of the served geometry; raise TopologyError with a hint when it is missing."""
    path = Path(out_dir) / FOLDER / MANIFEST_FILE
    if not path.is_file():
        raise TopologyError(
            f"Served geometry not found: {path}. "
            "Hint: run `make setup` (or `flask --app app boundaries prepare --force`)."
        )
    entries = json.loads(path.read_text(encoding="utf-8"))
    return {key: TopologyFile(**entry) for key, entry in entries.items()}


def _ref(entry: TopologyFile) -> TopologyRef:
    return TopologyRef(entry.key, entry.stem)


def detail_topologies(manifest: dict[str, TopologyFile], scope: Scope) -> tuple[TopologyRef, ...]:
    """The detail files of a scope's provinces (for deep zoom), in province-code order."""
    missing = [code for code in scope.province_codes if code not in manifest]
    if missing:
        raise TopologyError(f"No served geometry for provinces {missing}. Hint: run `make setup`.")
    return tuple(_ref(manifest[code]) for code in scope.province_codes)


def scope_topology(manifest: dict[str, TopologyFile], scope: Scope) -> TopologyRef:
    """The topology a scope's map loads: its province's detail file, else its overview (overview_key)."""
    if scope.kind == "province":
        return detail_topologies(manifest, scope)[0]
    prepared = {key for key in manifest if key.isdigit()}
    key = overview_key(scope.slug, scope.province_codes, prepared)
    if key not in manifest:
        raise TopologyError(f"No served overview {key!r} for the map of {scope.name}. Hint: run `make setup`.")
    return _ref(manifest[key])


def find_topology(manifest: dict[str, TopologyFile], stem: str) -> TopologyFile | None:
    """The manifest entry with this exact file stem ("62.0123456789ab"), or None (unknown key or stale hash)."""
    key = stem.split(".", 1)[0]
    entry = manifest.get(key)
    return entry if entry is not None and entry.stem == stem else None


def read_topology_text(out_dir: Path, manifest: dict[str, TopologyFile], ref: TopologyRef) -> str:
    """The compact text of a topology file (the offline export inlines it); raise TopologyError when missing."""
    entry = find_topology(manifest, ref.file_stem)
    path = Path(out_dir) / FOLDER / entry.file if entry else None
    if path is None or not path.is_file():
        raise TopologyError(f"Served geometry {ref.file_stem} not found. Hint: run `make setup`.")
    return path.read_text(encoding="utf-8")
