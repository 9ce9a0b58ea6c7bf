"""Proportional circles over the fills: a count (the workers not yet covered) drawn as a circle whose area is in
proportion to it, so a reader sees *where the uncovered are* while the fill keeps saying *how covered* a place is.

A circle's radius in screen pixels is MAX_RADIUS · √(value ÷ largest), so the largest unit of the view gets the
largest circle and areas compare truly; the legend's reference circles follow the same rule. A unit without the count,
or with a count ≤ 0 (more participants than employed residents: commuters), gets no circle and its tooltip says the
figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from geo.numbers import format_count

MAX_RADIUS = 24.0  # px: the largest unit's circle on a wide map, readable from across a room, leaving its fill seen


@dataclass(frozen=True)
class SymbolEntry:
    """One reference circle of the legend."""

    radius: float  # px
    label: str  # the count it stands for, formatted ("500.000")


def radii(values: pd.Series, largest: float | None = None) -> pd.Series:
    """Each value's circle radius in px (missing: no count, or a count ≤ 0)."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    top = largest if largest is not None else numbers[numbers > 0].max()
    if not top or pd.isna(top) or top <= 0:
        return pd.Series(float("nan"), index=values.index)
    return (MAX_RADIUS * (numbers / top) ** 0.5).where(numbers > 0).round(1)


def nice_below(value: float) -> int:
    """The largest 1, 2 or 5 × 10ᵏ not above `value` (a count a legend can print)."""
    if value < 1:
        return 0
    power = 10 ** math.floor(math.log10(value))
    return int(max(step * power for step in (1, 2, 5) if step * power <= value))


def reference_values(largest: float) -> list[int]:
    """Two or three round counts for the legend: the roundest not above the largest, and smaller ones about a
    quarter and a sixteenth of it (radii about ½ and ¼ of its circle), distinct and positive."""
    top = nice_below(largest)
    picks = [top, nice_below(top / 4), nice_below(top / 16)]
    return sorted({value for value in picks if value > 0}, reverse=True)


def symbol_legend(values: pd.Series, locale: str) -> list[SymbolEntry]:
    """The legend's reference circles for the view's counts (empty when no unit has a circle)."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    largest = numbers[numbers > 0].max()
    if pd.isna(largest):
        return []
    return [
        SymbolEntry(float(radii(pd.Series([value]), largest).iloc[0]), format_count(value, locale))
        for value in reference_values(largest)
    ]
