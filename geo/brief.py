"""The facts of a governor's brief: headline, who is furthest behind, who improved most, who is on track.

Every figure here is read from the result's ranking and totals (and each district's pace, geo.pace); the brief's
sentences only put these into words, so it can never say a number the map does not hold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from geo.join import uncovered_workers
from geo.pace import AT_RISK, OFF_TRACK, ON_TRACK, Pace

TOP = 5
STATUSES = (ON_TRACK, AT_RISK, OFF_TRACK)


@dataclass(frozen=True)
class Headline:
    """The scope's own figure: a published province figure, or Σ participants ÷ Σ employed of its districts."""

    coverage_pct: float | None  # None when the districts' counts are too incomplete for a total
    target_pct: float | None  # only a published figure has a target of the scope's own
    gap_pct: float | None
    basis: str  # "terbitan" (published), "total_kabupaten" (Σ/Σ), "tidak_lengkap"
    districts: int
    districts_with_coverage: int
    districts_in_totals: int
    participants: int | None
    workers: int | None
    uncovered: int | None  # workers − participants where both are known (Σ over districts in the totals)
    source: str | None = None  # a published province figure's own source and date
    as_of: str | None = None


@dataclass(frozen=True)
class DistrictLine:
    code: str
    name: str
    coverage_pct: float
    target_pct: float | None
    gap_pct: float | None
    change_pct_points: float | None
    pace: Pace | None


@dataclass(frozen=True)
class UncoveredLine:
    code: str
    name: str
    uncovered: int  # employed − participants (geo.join.uncovered_workers)
    workers: int
    coverage_pct: float


@dataclass(frozen=True)
class Brief:
    headline: Headline
    behind: tuple[DistrictLine, ...]  # furthest behind target (most negative gap), or lowest coverage
    behind_by: str  # "gap" or "coverage": which, since a gap needs targets
    behind_target: tuple[DistrictLine, ...]  # the districts with a target, most behind it first (what sentences say)
    improved: tuple[DistrictLine, ...]  # largest rise since the compared period (empty without one)
    track: dict[str, int]  # districts per status (geo.pace), and "none" for those without a status
    uncovered: tuple[UncoveredLine, ...] = ()  # most uncovered workers first


def number_or_none(value: object) -> float | None:
    """A float, or None for any missing value (None, NaN, pd.NA)."""
    if value is None or pd.isna(value):
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _line(row: pd.Series, paces: Mapping[str, Pace]) -> DistrictLine:
    return DistrictLine(
        code=str(row["code"]),
        name=str(row["name"]),
        coverage_pct=float(row["coverage_pct"]),
        target_pct=number_or_none(row.get("target_pct")),
        gap_pct=number_or_none(row.get("gap_pct")),
        change_pct_points=number_or_none(row.get("change_pct_points")),
        pace=paces.get(str(row["code"])),
    )


def brief_of(ranking: pd.DataFrame, headline: Headline, paces: Mapping[str, Pace]) -> Brief:
    """Return the brief of a ranked table (geo.compare.ranking) with the scope's headline and each district's pace.

    Furthest behind ranks by gap to target when at least five districts have one (a gap is coverage − target, the
    one definition in geo.join), else by coverage, and says which; `behind_target` lists every district below its
    target whatever the count; most improved needs a compared period.
    """
    figures = ranking[ranking["coverage_pct"].notna()]
    with_gap = figures[figures["gap_pct"].notna()].sort_values(["gap_pct", "name"], kind="stable")
    if len(with_gap) >= TOP:
        behind, behind_by = with_gap.head(TOP), "gap"
    else:
        behind, behind_by = figures.sort_values(["coverage_pct", "name"], kind="stable").head(TOP), "coverage"
    improved = ()
    if "change_pct_points" in figures:
        risen = figures[figures["change_pct_points"] > 0]
        improved = tuple(
            _line(row, paces)
            for _, row in risen.sort_values(["change_pct_points", "name"], ascending=[False, True]).head(TOP).iterrows()
        )
    track = dict.fromkeys((*STATUSES, "none"), 0)
    for code in figures["code"]:
        pace = paces.get(str(code))
        track[pace.status if pace is not None and pace.status else "none"] += 1
    counted = figures.assign(uncovered=uncovered_workers(figures)).dropna(subset=["uncovered"])
    most = counted.sort_values(["uncovered", "name"], ascending=[False, True], kind="stable").head(TOP)
    return Brief(
        uncovered=tuple(
            UncoveredLine(str(r.code), str(r.name), int(r.uncovered), int(r.workers), float(r.coverage_pct))
            for r in most.itertuples()
        ),
        headline=headline,
        behind=tuple(_line(row, paces) for _, row in behind.iterrows()),
        behind_by=behind_by,
        behind_target=tuple(_line(row, paces) for _, row in with_gap[with_gap["gap_pct"] < 0].head(TOP).iterrows()),
        improved=improved,
        track=track,
    )
