"""Where the static formats' labels go (layers.static_map, layers.slides): the interactive map's rule
(static/js/labels.js) on boxes the format measured itself.

Each label, in priority order, takes the first of its places (layers.choropleth.MapLabel: all inside its own unit,
best first) where its box stays in the map's area and meets no box placed before it; one with no such place is left
out, except the first (a province map's capital), which keeps its first place.
"""

from __future__ import annotations

from collections.abc import Sequence

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 (x0 ≤ x1, y0 ≤ y1), in any one unit


def meets(a: Box, b: Box) -> bool:
    """Whether two boxes overlap (touching edges do not)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(box: Box, area: Box) -> bool:
    return area[0] <= box[0] and box[2] <= area[2] and area[1] <= box[1] and box[3] <= area[3]


def choose_places(boxes: Sequence[Sequence[Box]], area: Box) -> list[int | None]:
    """For each label (its boxes at each of its places, in order), the place it takes, or None when it is left out."""
    placed: list[Box] = []
    chosen: list[int | None] = []
    for number, candidates in enumerate(boxes):
        free = (k for k, box in enumerate(candidates) if inside(box, area) and not any(meets(box, o) for o in placed))
        place = next(free, 0 if number == 0 and candidates else None)
        if place is not None:
            placed.append(candidates[place])
        chosen.append(place)
    return chosen
