"""The checks prepared boundaries must pass against the source: how far each outline moved, islands kept, land
handed only to a neighbour that claimed it (geo.boundaries prepares, geo.topology checks what it serves)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely

from geo.flaws import ISLAND, MOVED, Flaw

if TYPE_CHECKING:
    from geo.boundaries import PrepareSettings


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
