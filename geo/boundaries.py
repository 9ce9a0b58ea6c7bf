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
from sqlalchemy.engine import Engine

from geo.checks import count_collapsed_specks, find_problems, measure_displacement
from geo.compact import TopologyError
from geo.flaws import MOVED, AcceptedFlaw, Flaw, settle
from geo.scopes import build_scopes
from geo.store import read_records
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
# 7: served TopoJSON (geo.topology) built as well; 8: in its compact form; 9: an overview per map of provinces;
# 10: one island group at a time, each in its own metric CRS
PREPARATION_VERSION = "10"


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


@dataclass
class _Island:
    """One island group's districts (rows of the source frame), prepared and measured in its own metric CRS: no
    island shares an edge with another, so what one island's preparation makes never depends on what else is
    prepared (a Kalimantan map is the same bytes with 2 or 38 provinces prepared), and the work is linear."""

    rows: np.ndarray
    crs: str
    source: np.ndarray
    cleaned: np.ndarray
    rounded: np.ndarray  # EPSG:4326, as written
    prepared: np.ndarray  # the rounded districts back in the metric CRS
    displacement: np.ndarray
    repair_shift: np.ndarray
    flaws: list[Flaw]


def _prepare_island(frame: gpd.GeoDataFrame, rows: np.ndarray, settings: PrepareSettings) -> _Island:
    part = frame.iloc[rows]
    crs = metric_crs(part)
    # Projection can make a nearly degenerate ring self-touch; repair before any overlay.
    source = shapely.make_valid(part.to_crs(crs).geometry.values, method="structure", keep_collapsed=False)
    try:
        cleaned, simplified = clean_and_simplify(source, settings)
        rounded = round_geometries(gpd.GeoSeries(simplified, crs=crs).to_crs(4326), settings.decimals)
        prepared = rounded.to_crs(crs).values
        displacement, repair_shift = measure_displacement(source, cleaned, prepared)
        flaws = find_problems(part, source, cleaned, prepared, displacement, settings, rounded.values)
    except shapely.errors.GEOSException as error:
        raise BoundaryError(
            f"Geometry operations failed on the source boundaries: {error}. "
            "Hint: check the source for invalid polygons."
        ) from error
    return _Island(rows, crs, source, cleaned, rounded.values, prepared, displacement, repair_shift, flaws)


def _joined(islands: list[_Island], name: str, size: int, crs: str | None = None) -> np.ndarray:
    """One array over every district (in the frame's order) from the islands' arrays; metric ones moved to `crs`."""
    out = np.empty(size, dtype=object if crs or name in ("source", "cleaned", "rounded", "prepared") else float)
    for island in islands:
        values = getattr(island, name)
        out[island.rows] = gpd.GeoSeries(values, crs=island.crs).to_crs(crs).values if crs else values
    return out


def _served(frame: gpd.GeoDataFrame, islands: list[_Island], settings: PrepareSettings, accepted: list[dict]):
    """The served files: each island's province details and island overviews, then the overviews across islands."""
    codes, names = frame["kode"].tolist(), frame["nama"].tolist()
    moves = {flaw["kode"]: flaw["up_to"] for flaw in accepted if flaw["flaw"] == MOVED}
    scopes = [s for s in build_scopes(frame).values() if s.kind != "province"]
    prepared = set(frame["kode_prov"])
    pulau = dict(zip(frame["kode_prov"], frame["pulau"], strict=True))

    def island_of(provinces: tuple[str, ...]) -> set[str]:
        return {pulau[code] for code in provinces}

    files = []
    try:
        for island in islands if len(islands) > 1 else []:
            own = set(frame["kode_prov"].iloc[island.rows])
            files += build_topologies(
                [codes[i] for i in island.rows],
                [names[i] for i in island.rows],
                island.rounded,
                island.crs,
                island.source,
                island.cleaned,
                island.displacement,
                settings.max_displacement_m,
                TopologySettings(),
                {s.slug: s.province_codes for s in scopes if set(s.province_codes) <= own},
                moves,
                prepared_provinces=prepared,
                overview=False,
            )
        crs = metric_crs(frame)
        files += build_topologies(
            codes,
            names,
            _joined(islands, "rounded", len(frame)),
            crs,
            _joined(islands, "source", len(frame), crs),
            _joined(islands, "cleaned", len(frame), crs),
            _joined(islands, "displacement", len(frame)),
            settings.max_displacement_m,
            TopologySettings(),
            {s.slug: s.province_codes for s in scopes if len(islands) == 1 or len(island_of(s.province_codes)) > 1},
            moves,
            prepared_provinces=prepared,
            details=len(islands) == 1,
        )
    except TopologyError as error:
        raise BoundaryError(str(error)) from error
    return files


def prepare_boundaries(source_dir: Path, out_dir: Path, settings: PrepareSettings) -> PreparationReport:
    """Prepare districts and provinces into out_dir, one island group at a time; raise BoundaryError if a check
    fails."""
    frame = read_source(source_dir, settings.provinces).reset_index(drop=True)
    fingerprint = source_fingerprint(source_dir, settings)
    islands = [_prepare_island(frame, rows, settings) for rows in frame.groupby("pulau", sort=True).indices.values()]
    accepted, problems = settle([flaw for island in islands for flaw in island.flaws], settings.accepted)
    if problems:
        raise BoundaryError("Boundary preparation failed its checks:\n- " + "\n- ".join(problems))
    rounded = _joined(islands, "rounded", len(frame))
    source, prepared = _joined(islands, "source", len(frame)), _joined(islands, "prepared", len(frame))
    displacement, repair_shift = (
        _joined(islands, "displacement", len(frame)),
        _joined(islands, "repair_shift", len(frame)),
    )
    districts = gpd.GeoDataFrame(frame[COLUMNS], geometry=rounded, crs=4326)
    provinces = dissolve_provinces(districts)
    served = _served(frame, islands, settings, accepted)
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
        prepared_vertices=int(shapely.get_num_coordinates(rounded).sum()),
        source_parts=int(shapely.get_num_geometries(source).sum()),
        prepared_parts=int(shapely.get_num_geometries(rounded).sum()),
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


def unit_names(boundaries: Boundaries) -> dict[str, str]:
    """Every district's and province's name by its code, for lists of what changes."""
    districts, provinces = boundaries.districts, boundaries.provinces
    return {
        **dict(zip(provinces["kode_prov"], "Provinsi " + provinces["provinsi"], strict=True)),
        **dict(zip(districts["kode"], districts["nama"], strict=True)),
    }


def published_districts(engine: Engine, boundaries: Boundaries, dataset_id: int) -> int:
    """How many districts of the map a version gives a figure (what the editor is told went live)."""
    codes = read_records(engine, dataset_id)["code"]
    return int(codes.isin(boundaries.districts["kode"]).sum())
