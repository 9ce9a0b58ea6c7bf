"""Build the district geometry the browser loads once: quantized TopoJSON at content-hashed names.

The overview (every district, for the island and full-area maps, where a pixel is about a kilometre) is
quantized coarsely and leaves out islets that lie close to something drawn; each province's detail file
keeps the prepared coordinates exactly. Both are decoded again and measured against the source, so the
served outlines keep the promise the prepared ones keep (`PrepareSettings.max_displacement_m`).
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

from geo.scopes import Scope

FOLDER = "topologi"
MANIFEST_FILE = "topologi.json"
OBJECT = "kabupaten"
OVERVIEW = "overview"
SUFFIX = ".topojson"
HASH_LENGTH = 12
# The prepared boundaries are rounded to 1e-5 degrees (PrepareSettings.decimals = 5): a detail file on that
# same grid holds them exactly.
DETAIL_SCALE = 1e-5


class TopologyError(Exception):
    """The served geometry cannot be built, fails its checks, or is missing."""


@dataclass(frozen=True)
class TopologySettings:
    """How coarse the overview may be; measured against the source, never trusted."""

    # Grid cells across the area's bounding box (about 270 m by 130 m for Kalimantan and Sumatra at 1e4).
    overview_quantization: int = 10_000
    # Islets whose minimum bounding radius is below this may be left out of the overview, but only where
    # their whole source outline lies within the displacement promise of an outline still drawn.
    islet_radius_m: float = 300.0


@dataclass(frozen=True)
class TopologyFile:
    """One written topology, as the manifest lists it."""

    key: str  # "overview" or a province code ("62")
    file: str  # "<key>.<sha256 prefix>.topojson"
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
    small to survive quantization (radius below two cells) that touches no other part is drawn as a square
    of two by two grid cells (`scale` degrees) around its centre; no islet is left out because of one.
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
        hits = shapely.STRtree(parts).query(parts[kept_array], predicate="intersects")[0]
        alone = np.bincount(hits, minlength=len(kept_array)) == 1
        square = kept_array[alone & tiny[kept_array]]
        centres = shapely.centroid(shapely.minimum_bounding_circle(degree_parts[square]))
        cx = np.round(shapely.get_x(centres) / scale) * scale
        cy = np.round(shapely.get_y(centres) / scale) * scale
        served[square] = shapely.box(cx - scale, cy - scale, cx + scale, cy + scale)
    geometries = np.array(
        [shapely.multipolygons(list(served[(owner == i) & ~drop])) for i in range(len(metric))], dtype=object
    )
    return Overview(geometries, int(drop.sum()))
