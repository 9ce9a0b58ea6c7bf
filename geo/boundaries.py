"""Prepare kabupaten/kota boundaries once, check them, and read them back.

The source (wilayah_boundaries) simplified each polygon on its own, so neighbours overlap and leave gaps.
Preparation repairs that with shapely's coverage functions, simplifies with shared edges kept shared,
rounds coordinates, and refuses to write a result that lost a district or an island or moved an outline
further than allowed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.compact import TopologyError
from geo.flaws import ISLAND, MOVED, AcceptedFlaw, Flaw, settle
from geo.scopes import build_scopes
from geo.topology import TopologySettings, build_topologies, write_topologies

SUMATERA = ("11", "12", "13", "14", "15", "16", "17", "18", "19", "21")
KALIMANTAN = ("61", "62", "63", "64", "65")
DEFAULT_PROVINCES = SUMATERA + KALIMANTAN

SOURCE_DISTRICTS = "kabupaten_kota.geojson"
SOURCE_PROVINCES = "provinsi.geojson"
# Codes and names of every district and province of Indonesia, for matching only (no geometry): the matcher
# must recognise a row outside the area served to report it as outside instead of guessing a district inside.
NAMES_FILE = "wilayah_indonesia.csv"
PROVINCE_NAMES_FILE = "provinsi_indonesia.csv"
PROVINCE_COLUMNS = ["kode_prov", "provinsi", "pulau"]
DISTRICTS_FILE = "kabupaten_kota.geojson"
PROVINCES_FILE = "provinsi.geojson"
BORDERS_FILE = "batas_provinsi.geojson"
REPORT_FILE = "laporan.json"
COLUMNS = ["kode", "nama", "jenis", "kode_prov", "provinsi", "pulau"]
# Bump when the preparation changes, so `make setup` rebuilds instead of trusting an old result.
# 7: served TopoJSON (geo.topology) built as well; 8: in its compact form; 9: an overview per map of provinces
PREPARATION_VERSION = "9"


class BoundaryError(Exception):
    """The boundaries cannot be read or did not pass the checks."""


@dataclass(frozen=True)
class PrepareSettings:
    """What to prepare and how far it may move from the source."""

    provinces: tuple[str, ...] | None = DEFAULT_PROVINCES  # None: all of Indonesia
    gap_width_m: float = 100.0
    tolerance_m: float = 50.0
    max_displacement_m: float = 500.0
    max_unclaimed_loss_m2: float = 10_000.0
    # Rocks smaller than this (10 x 10 m) may collapse when coordinates are rounded to ~1 m; they are
    # counted in the report. Every larger island must survive.
    min_island_m2: float = 100.0
    decimals: int = 5
    # Reviewed flaws of the source that may pass (geo.flaws, data/boundary_flaws.csv); part of the fingerprint.
    accepted: tuple[AcceptedFlaw, ...] = ()


@dataclass
class PreparationReport:
    """What preparation did, measured against the source."""

    fingerprint: str
    districts: int
    provinces: int
    source_vertices: int
    prepared_vertices: int
    source_parts: int
    prepared_parts: int
    collapsed_specks: int
    max_displacement_m: float
    max_displacement_district: str
    max_repair_shift_m: float
    max_repair_shift_district: str
    districts_bytes: int
    # The served geometry (geo.topology): key -> file name, bytes, gzip and brotli bytes, vertices, displacement.
    topologies: dict[str, dict] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # The source's own flaws that passed because data/boundary_flaws.csv accepts them: code, flaw, amount, reason.
    accepted_flaws: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Boundaries:
    """Prepared districts and province outlines, in EPSG:4326."""

    districts: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame
    borders: gpd.GeoDataFrame


def read_source(source_dir: Path, provinces: tuple[str, ...] | None) -> gpd.GeoDataFrame:
    """Read the source districts of the chosen provinces, sorted by code."""
    path = Path(source_dir) / SOURCE_DISTRICTS
    if not path.is_file():
        raise BoundaryError(
            f"Berkas batas wilayah tidak ditemukan: {path}. "
            "Hint: set PETA_BOUNDARIES_SOURCE to the folder holding kabupaten_kota.geojson."
        )
    frame = gpd.read_file(path)
    missing = set(COLUMNS) - set(frame.columns)
    if missing:
        raise BoundaryError(f"{path} lacks the properties {sorted(missing)}.")
    if provinces is not None:
        frame = frame[frame["kode_prov"].isin(provinces)]
    if frame.empty:
        raise BoundaryError(f"{path} has no districts in provinces {provinces}.")
    return frame[COLUMNS + ["geometry"]].sort_values("kode").reset_index(drop=True)


def metric_crs(frame: gpd.GeoDataFrame) -> str:
    """Return an equal-area CRS in metres centred on the frame."""
    minx, miny, maxx, maxy = frame.total_bounds
    return f"+proj=laea +lat_0={(miny + maxy) / 2:.2f} +lon_0={(minx + maxx) / 2:.2f} +datum=WGS84 +units=m"


def source_fingerprint(source_dir: Path, settings: PrepareSettings) -> str:
    """Hash what the prepared files depend on: source bytes, settings and preparation version."""
    digest = hashlib.sha256(PREPARATION_VERSION.encode())
    digest.update(json.dumps(asdict(settings), sort_keys=True).encode())
    for name in (SOURCE_DISTRICTS, SOURCE_PROVINCES):
        path = Path(source_dir) / name
        if not path.is_file() and name == SOURCE_PROVINCES:
            continue  # name lists then come from the districts alone
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def clean_and_simplify(source: np.ndarray, settings: PrepareSettings) -> tuple[np.ndarray, np.ndarray]:
    """Return (cleaned, simplified) metric geometries with exactly shared edges."""
    cleaned = shapely.coverage_clean(source, gap_width=settings.gap_width_m)
    simplified = shapely.coverage_simplify(cleaned, settings.tolerance_m)
    return cleaned, simplified


def round_geometries(geometries: gpd.GeoSeries, decimals: int) -> gpd.GeoSeries:
    """Round coordinates to a grid of 10**-decimals degrees, keeping geometries valid and edges shared.

    Rounding each polygon on its own can drop a vertex that became collinear in one neighbour but not
    in the other; re-noding the coverage (without snapping) puts the shared vertices back.
    """
    rounded = shapely.set_precision(geometries.values, 10.0**-decimals)
    renoded = shapely.coverage_clean(rounded, snapping_distance=0)
    return gpd.GeoSeries(renoded, index=geometries.index, crs=geometries.crs)


def _boundary_points(geometries: np.ndarray, spacing_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Return points every spacing_m along the outlines, and the index of the geometry of each."""
    lines = shapely.segmentize(shapely.boundary(geometries), spacing_m)
    coords, owner = shapely.get_coordinates(lines, return_index=True)
    return shapely.points(coords), owner


def _segment_tree(geometries: np.ndarray) -> shapely.STRtree:
    """Index every straight segment of the outlines, so nearest-outline queries stay fast."""
    parts = shapely.get_parts(shapely.boundary(geometries))
    parts = shapely.get_parts(parts)  # MultiLineString boundaries of polygons with holes
    coords, line = shapely.get_coordinates(parts, return_index=True)
    same_line = line[:-1] == line[1:]
    pairs = np.stack([coords[:-1][same_line], coords[1:][same_line]], axis=1)
    return shapely.STRtree(shapely.linestrings(pairs))


def _nearest_distance(tree: shapely.STRtree, points: np.ndarray) -> np.ndarray:
    index, distance = tree.query_nearest(points, return_distance=True, all_matches=False)
    result = np.zeros(len(points))
    result[index[0]] = distance
    return result


def _group_max(values: np.ndarray, owner: np.ndarray, size: int) -> np.ndarray:
    result = np.zeros(size)
    np.maximum.at(result, owner, values)
    return result


def measure_displacement(
    source: np.ndarray, cleaned: np.ndarray, prepared: np.ndarray, spacing_m: float = 250.0
) -> tuple[np.ndarray, np.ndarray]:
    """Return each district's outline displacement and repair shift, in metres.

    Displacement is the largest distance from a point of the prepared outline to the nearest source
    outline, or from a point of the district's own source outline to the nearest prepared outline.
    Source outline points inside a neighbour's source polygon (the source's neighbours overlap there)
    or on a gap that cleaning filled are disputed: no clean coverage keeps both sides, so their
    distance is reported apart, as the repair shift.
    """
    size = len(source)
    prepared_points, prepared_owner = _boundary_points(prepared, spacing_m)
    to_source = _nearest_distance(_segment_tree(source), prepared_points)
    own_points, own_owner = _boundary_points(source, spacing_m)
    to_prepared = _nearest_distance(_segment_tree(prepared), own_points)
    inside, container = shapely.STRtree(source).query(own_points, predicate="within")
    disputed = np.zeros(len(own_points), dtype=bool)
    disputed[inside[container != own_owner[inside]]] = True
    gaps = shapely.get_parts(shapely.difference(shapely.union_all(cleaned), shapely.union_all(source)))
    on_gap, _ = shapely.STRtree(gaps).query(own_points, predicate="dwithin", distance=1.0)
    disputed[on_gap] = True
    displacement = np.maximum(
        _group_max(to_source, prepared_owner, size),
        _group_max(np.where(disputed, 0.0, to_prepared), own_owner, size),
    )
    repair_shift = _group_max(np.where(disputed, to_prepared, 0.0), own_owner, size)
    return displacement, repair_shift


def find_problems(
    frame: gpd.GeoDataFrame,
    source: np.ndarray,
    cleaned: np.ndarray,
    prepared: np.ndarray,
    displacement: np.ndarray,
    settings: PrepareSettings,
    written: np.ndarray,
) -> list[Flaw]:
    """List every way the prepared districts fail the checks (empty when they pass).

    `prepared` is the result in the metric CRS (for distances); `written` is what goes to disk, in degrees.
    """
    problems: list[Flaw] = []
    names, codes = frame["nama"].tolist(), frame["kode"].tolist()
    duplicated = frame["kode"][frame["kode"].duplicated()].tolist()
    if duplicated:
        problems.append(Flaw(f"duplicate district codes: {duplicated}"))
    for i, name in enumerate(names):
        geom = prepared[i]
        if geom is None or shapely.is_empty(geom):
            problems.append(Flaw(f"{name}: lost (empty geometry)"))
            continue
        if not shapely.is_valid(written[i]):
            problems.append(Flaw(f"{name}: invalid geometry ({shapely.is_valid_reason(written[i])})"))
        if displacement[i] > settings.max_displacement_m:
            message = (
                f"{name}: outline moved {displacement[i]:.0f} m from the source "
                f"(limit {settings.max_displacement_m:.0f} m)"
            )
            problems.append(Flaw(message, codes[i], MOVED, float(displacement[i])))
    problems += _lost_islands(names, codes, source, prepared, settings)
    problems += [Flaw(message) for message in _unclaimed_losses(names, source, cleaned, settings)]
    if not shapely.coverage_is_valid(written):
        problems.append(Flaw("prepared districts overlap or do not share edges exactly"))
    return problems


def _island_parts(source: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return every part (island) of the source districts and the index of its district."""
    return shapely.get_parts(source, return_index=True)


def _lost_islands(
    names: list[str], codes: list[str], source: np.ndarray, prepared: np.ndarray, settings: PrepareSettings
) -> list[Flaw]:
    """Every part (island) of a source district of at least min_island_m2 must still touch its district."""
    parts, owner = _island_parts(source)
    lost = ~shapely.intersects(parts, prepared[owner]) & (shapely.area(parts) >= settings.min_island_m2)
    anchors = shapely.point_on_surface(parts[lost])
    return [
        Flaw(
            f"{names[i]}: island of {shapely.area(part):.0f} m² near {shapely.get_x(a):.0f},{shapely.get_y(a):.0f} "
            f"(metric CRS) disappeared",
            codes[i],
            ISLAND,
            float(shapely.area(part)),
        )
        for i, part, a in zip(owner[lost], parts[lost], anchors, strict=True)
    ]


def count_collapsed_specks(source: np.ndarray, prepared: np.ndarray) -> int:
    """Count the source parts (all below min_island_m2, or the checks fail) that no longer exist."""
    parts, owner = _island_parts(source)
    return int((~shapely.intersects(parts, prepared[owner])).sum())


def _unclaimed_losses(
    names: list[str], source: np.ndarray, cleaned: np.ndarray, settings: PrepareSettings
) -> list[str]:
    """Cleaning may only hand a district's land to a neighbour that also claimed it."""
    tree = shapely.STRtree(source)
    problems = []
    for i, name in enumerate(names):
        neighbours = [j for j in tree.query(source[i]) if j != i]
        claimed = shapely.union_all(source[neighbours]) if neighbours else shapely.Polygon()
        lost = shapely.difference(shapely.difference(source[i], cleaned[i]), claimed)
        if shapely.area(lost) > settings.max_unclaimed_loss_m2:
            problems.append(f"{name}: cleaning dropped {shapely.area(lost) / 1e6:.3f} km² nobody else claims")
    return problems


def dissolve_provinces(districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Merge prepared districts into province polygons that share their edges exactly."""
    rows = []
    for (kode_prov, provinsi, pulau), group in districts.groupby(["kode_prov", "provinsi", "pulau"]):
        merged = shapely.coverage_union_all(group.geometry.values)
        rows.append({"kode_prov": kode_prov, "provinsi": provinsi, "pulau": pulau, "geometry": merged})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=districts.crs)


def province_borders(provinces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the lines two provinces share (the coast is drawn by the districts already)."""
    lines = shapely.boundary(provinces.geometry.values)
    left, right = shapely.STRtree(lines).query(lines, predicate="intersects")
    rows = []
    for i, j in zip(left, right, strict=True):
        if i < j:
            shared = shapely.line_merge(shapely.intersection(lines[i], lines[j]))
            shared = shapely.get_parts(shared)
            shared = shared[shapely.get_type_id(shared) == 1]  # drop single touching points
            if len(shared):
                codes = sorted([provinces["kode_prov"].iloc[i], provinces["kode_prov"].iloc[j]])
                rows.append({"provinsi": "-".join(codes), "geometry": shapely.multilinestrings(shared)})
    return gpd.GeoDataFrame(rows, columns=["provinsi", "geometry"], geometry="geometry", crs=provinces.crs)


def _write_atomic(frame: gpd.GeoDataFrame, path: Path) -> int:
    text = frame.to_json(drop_id=True, separators=(",", ":"))
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return len(text.encode())


def prepare_boundaries(source_dir: Path, out_dir: Path, settings: PrepareSettings) -> PreparationReport:
    """Prepare districts and provinces into out_dir; raise BoundaryError if a check fails."""
    frame = read_source(source_dir, settings.provinces)
    fingerprint = source_fingerprint(source_dir, settings)
    crs = metric_crs(frame)
    # Projection can make a nearly degenerate ring self-touch; repair before any overlay.
    source = shapely.make_valid(frame.to_crs(crs).geometry.values, method="structure", keep_collapsed=False)
    try:
        cleaned, simplified = clean_and_simplify(source, settings)
        rounded = round_geometries(gpd.GeoSeries(simplified, crs=crs).to_crs(4326), settings.decimals)
        prepared = rounded.to_crs(crs).values
        displacement, repair_shift = measure_displacement(source, cleaned, prepared)
        flaws = find_problems(frame, source, cleaned, prepared, displacement, settings, rounded.values)
    except shapely.errors.GEOSException as error:
        raise BoundaryError(
            f"Geometry operations failed on the source boundaries: {error}. "
            "Hint: check the source for invalid polygons."
        ) from error
    accepted, problems = settle(flaws, settings.accepted)
    if problems:
        raise BoundaryError("Boundary preparation failed its checks:\n- " + "\n- ".join(problems))
    districts = gpd.GeoDataFrame(frame[COLUMNS], geometry=rounded.values, crs=4326)
    provinces = dissolve_provinces(districts)
    try:
        served = build_topologies(
            frame["kode"].tolist(),
            frame["nama"].tolist(),
            rounded.values,
            crs,
            source,
            cleaned,
            displacement,
            settings.max_displacement_m,
            TopologySettings(),
            {s.slug: s.province_codes for s in build_scopes(frame).values() if s.kind != "province"},
            {flaw["kode"]: flaw["up_to"] for flaw in accepted if flaw["flaw"] == MOVED},
        )
    except TopologyError as error:
        raise BoundaryError(str(error)) from error
    out_dir.mkdir(parents=True, exist_ok=True)
    size = _write_atomic(districts, out_dir / DISTRICTS_FILE)
    _write_atomic(provinces, out_dir / PROVINCES_FILE)
    _write_atomic(province_borders(provinces), out_dir / BORDERS_FILE)
    write_name_lists(source_dir, out_dir)
    manifest = write_topologies(out_dir, served)
    worst, worst_shift = int(np.argmax(displacement)), int(np.argmax(repair_shift))
    report = PreparationReport(
        fingerprint=fingerprint,
        districts=len(districts),
        provinces=len(provinces),
        source_vertices=int(shapely.get_num_coordinates(source).sum()),
        prepared_vertices=int(shapely.get_num_coordinates(rounded.values).sum()),
        source_parts=int(shapely.get_num_geometries(source).sum()),
        prepared_parts=int(shapely.get_num_geometries(rounded.values).sum()),
        collapsed_specks=count_collapsed_specks(source, prepared),
        max_displacement_m=round(float(displacement[worst]), 1),
        max_displacement_district=str(frame["nama"].iloc[worst]),
        max_repair_shift_m=round(float(repair_shift[worst_shift]), 1),
        max_repair_shift_district=str(frame["nama"].iloc[worst_shift]),
        districts_bytes=size,
        accepted_flaws=accepted,
        topologies={key: asdict(entry) for key, entry in manifest.items()},
    )
    (out_dir / REPORT_FILE).write_text(json.dumps(asdict(report), indent=2, ensure_ascii=False), encoding="utf-8")
    return report


def _source_properties(path: Path) -> pd.DataFrame:
    """The properties of every feature of a GeoJSON file, without reading its geometry."""
    with open(path, encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    return pd.DataFrame([feature["properties"] for feature in features]).astype(str)


def write_name_lists(source_dir: Path, out_dir: Path) -> tuple[int, int]:
    """Write the codes and names of all districts and provinces of Indonesia; return how many of each."""
    districts = _source_properties(Path(source_dir) / SOURCE_DISTRICTS)
    missing = set(COLUMNS) - set(districts.columns)
    if missing:
        raise BoundaryError(f"{Path(source_dir) / SOURCE_DISTRICTS} lacks the properties {sorted(missing)}.")
    districts = districts[COLUMNS].sort_values("kode")
    if districts["kode"].duplicated().any():
        raise BoundaryError(
            f"duplicate district codes in {SOURCE_DISTRICTS}: "
            f"{districts['kode'][districts['kode'].duplicated()].tolist()}"
        )
    provinces_path = Path(source_dir) / SOURCE_PROVINCES
    if provinces_path.is_file():
        provinces = _source_properties(provinces_path)[PROVINCE_COLUMNS]
    else:
        provinces = districts[PROVINCE_COLUMNS]
    provinces = (
        pd.concat([provinces, districts[PROVINCE_COLUMNS]]).drop_duplicates("kode_prov").sort_values("kode_prov")
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    for frame, name in ((districts, NAMES_FILE), (provinces, PROVINCE_NAMES_FILE)):
        tmp = out_dir / f"{name}.tmp"
        frame.to_csv(tmp, index=False)
        os.replace(tmp, out_dir / name)
    return len(districts), len(provinces)


def read_name_lists(out_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the all-Indonesia district and province lists; raise BoundaryError with a hint when missing."""
    paths = [Path(out_dir) / NAMES_FILE, Path(out_dir) / PROVINCE_NAMES_FILE]
    for path in paths:
        if not path.is_file():
            raise BoundaryError(
                f"District name list not found: {path}. Hint: run `make setup` "
                "(or `flask --app app boundaries prepare --force`)."
            )
    return tuple(pd.read_csv(path, dtype=str, keep_default_na=False) for path in paths)


def read_report(out_dir: Path) -> dict | None:
    """Return the last preparation report, or None when nothing was prepared."""
    path = Path(out_dir) / REPORT_FILE
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def read_boundaries(out_dir: Path) -> Boundaries:
    """Read the prepared boundaries; raise BoundaryError with a hint when they are missing."""
    paths = [Path(out_dir) / name for name in (DISTRICTS_FILE, PROVINCES_FILE, BORDERS_FILE)]
    for path in paths:
        if not path.is_file():
            raise BoundaryError(
                f"Prepared boundaries not found: {path}. Hint: run `make setup` "
                "(or `flask --app app boundaries prepare`)."
            )
    districts = gpd.read_file(paths[0])
    provinces = gpd.read_file(paths[1])
    borders = gpd.read_file(paths[2])
    for frame in (districts, provinces):
        for column in ("kode", "kode_prov"):
            if column in frame:
                frame[column] = frame[column].astype(str)
    return Boundaries(
        districts=districts.sort_values("kode").reset_index(drop=True),
        provinces=provinces.sort_values("kode_prov").reset_index(drop=True),
        borders=borders,
    )


def district_table(boundaries: Boundaries) -> pd.DataFrame:
    """Return the districts' attributes without geometry."""
    return pd.DataFrame(boundaries.districts[COLUMNS])
