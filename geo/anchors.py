"""Where each unit's label may stand: points deep inside its largest part, and the order labels claim space.

Geometry only (shapely): the texts are put in later, by language and format (layers.choropleth).
"""

from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import dataclass

import cachetools
import geopandas as gpd
import numpy as np
import shapely
from shapely.ops import polylabel


@dataclass(frozen=True)
class LabelAnchor:
    """Where a row's label may go: points inside its largest part, the best first (the pole of inaccessibility,
    then other deep points spread over the part), so a label that has no room at the first can move and still
    stand on its own district."""

    row: int  # the row's position in the frame the anchors were made from
    lat: float
    lon: float
    others: tuple[tuple[float, float], ...] = ()  # (lat, lon) of the further places, in the order to try them

    @property
    def places(self) -> tuple[tuple[float, float], ...]:
        return ((self.lat, self.lon), *self.others)


LABEL_GRID = 12  # points per side of the grid the further places are picked from
LABEL_PLACES = 7  # places per label: the pole and up to six more
DEEP_ENOUGH = 0.3  # a further place is at least this share of the pole's distance from the border, so it stays


def interior_places(part: shapely.Polygon) -> list[shapely.Point]:
    """The pole of inaccessibility of a polygon, then points of a grid over it that lie deep inside, deepest first
    and at least a quarter of the part's size apart."""
    size = math.sqrt(part.area)
    pole = polylabel(part, tolerance=size / 100)
    border = part.boundary  # holes too: an enclosed city is another district
    minx, miny, maxx, maxy = part.bounds
    xs, ys = np.meshgrid(np.linspace(minx, maxx, LABEL_GRID + 2)[1:-1], np.linspace(miny, maxy, LABEL_GRID + 2)[1:-1])
    grid = shapely.points(xs.ravel(), ys.ravel())
    grid = grid[shapely.contains(part, grid)]
    depth = shapely.distance(border, grid) if len(grid) else np.array([])
    least = DEEP_ENOUGH * max(shapely.distance(border, pole), 0)
    picked = [pole]
    for index in np.argsort(-depth, kind="stable"):
        if len(picked) == LABEL_PLACES or depth[index] < least:
            break
        if min(shapely.distance(grid[index], p) for p in picked) >= size / 4:
            picked.append(grid[index])
    return picked


def _outline_key(part: shapely.Polygon) -> bytes:
    return hashlib.blake2b(shapely.to_wkb(part), digest_size=16).digest()


# Each outline's places, by its exact shape: every period and view of a map labels the same outlines, so the
# geometry work (the pole and the grid, ~3 ms an outline) is done once, not once per result.
@cachetools.cached(cachetools.LRUCache(maxsize=8192), key=_outline_key, lock=threading.Lock())
def rounded_places(part: shapely.Polygon) -> tuple[tuple[float, float], ...]:
    """interior_places as (lat, lon) rounded to 4 decimals (about 11 m)."""
    return tuple((round(p.y, 4), round(p.x, 4)) for p in interior_places(part))


def label_anchors(
    frame: gpd.GeoDataFrame, first: list[bool] | None = None, capitals: list[bool] | None = None
) -> tuple[LabelAnchor, ...]:
    """Anchors inside each row's largest part, in the order labels claim space: province capitals, then rows
    marked `first` (e.g. districts with data), then larger areas before smaller ones. The texts come later
    (layers.choropleth anchored_labels), so the geometry work is done once whatever the language."""
    first = first or [False] * len(frame)
    capitals = capitals or [False] * len(frame)
    placed = []
    for row, (geom, early, capital) in enumerate(zip(frame.geometry.values, first, capitals, strict=True)):
        parts = shapely.get_parts(geom)
        largest = parts[shapely.area(parts).argmax()]
        pole, *others = rounded_places(largest)
        order = (not capital, not early, -shapely.area(largest))
        placed.append((order, LabelAnchor(row, *pole, others=tuple(others))))
    return tuple(anchor for _, anchor in sorted(placed, key=lambda item: item[0]))
