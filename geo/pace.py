"""On track to target or not: a district's pace of coverage, where it leads by the target's date, and a status.

The method is one least-squares line through the figures of the last `window_months` months (the latest period
and those before it within the window). With fewer than two figures in the window, or no target, there is no pace
or no status, and the result says why in words: never a guess.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.levels import Scheme

ON_TRACK, AT_RISK, OFF_TRACK = "sesuai_jalur", "berisiko", "tidak_sesuai_jalur"
# Why a district has no status (or no pace): kinds, not message texts.
NO_TARGET, ONE_PERIOD, TARGET_PASSED = "no_target", "one_period", "target_passed"


@dataclass(frozen=True)
class PaceRule:
    """How pace and status are decided: the window of the line, and how far short of target is still at risk."""

    window_months: int = 12
    at_risk_points: float = 2.0  # projected this many points (or fewer) short of the target: berisiko


@dataclass(frozen=True)
class Pace:
    """A district's pace (points per month), its projection at the target's period, and its status."""

    status: str | None  # ON_TRACK, AT_RISK, OFF_TRACK, or None with `reason`
    reason: str | None  # NO_TARGET, ONE_PERIOD, TARGET_PASSED; None when there is a status
    points_per_month: float | None
    periods_used: tuple[str, ...]
    latest_pct: float | None
    target_pct: float | None
    target_period: str | None  # the month the target is for (YYYY-MM)
    projected_pct: float | None  # the line's value at target_period
    reached_period: str | None  # the first month the line reaches the target; None when it never does


def month_index(period: str) -> int:
    """'2025-12' -> months since year 0, so periods subtract as months."""
    year, month = (int(part) for part in period.split("-"))
    return year * 12 + month - 1


def period_of(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _line(points: Sequence[tuple[int, float]]) -> tuple[float, float]:
    """Slope and intercept of the least-squares line through (month, coverage) points."""
    months = np.array([m for m, _ in points], dtype=float)
    values = np.array([v for _, v in points], dtype=float)
    slope, intercept = np.polyfit(months, values, 1)
    return float(slope), float(intercept)


def pace_of(
    figures: Sequence[tuple[str, float | None]],
    target_pct: float | None,
    target_period: str | None,
    rule: PaceRule,
) -> Pace:
    """Return the pace, projection and status of one district.

    `figures` are (period, coverage) pairs in any order; missing coverages are skipped. The target is the latest
    figure's own target, for `target_period` (its month).
    """
    known = sorted((p, float(v)) for p, v in figures if v is not None and not math.isnan(float(v)))
    if not known:
        return Pace(None, ONE_PERIOD, None, (), None, target_pct, target_period, None, None)
    latest_period, latest = known[-1]
    start = month_index(latest_period) - (rule.window_months - 1)
    window = [(p, v) for p, v in known if month_index(p) >= start]
    used = tuple(p for p, _ in window)
    slope = intercept = None
    if len(window) >= 2:
        slope, intercept = _line([(month_index(p), v) for p, v in window])
    pace = round(slope, 3) if slope is not None else None
    if target_pct is None or target_period is None:
        return Pace(None, NO_TARGET, pace, used, latest, target_pct, target_period, None, None)
    target_month = month_index(target_period)
    if latest >= target_pct:  # already there: on track whatever the pace
        return Pace(ON_TRACK, None, pace, used, latest, target_pct, target_period, latest, latest_period)
    if slope is None:
        return Pace(None, ONE_PERIOD, None, used, latest, target_pct, target_period, None, None)
    reached = None
    if slope > 0:
        reached = period_of(max(math.ceil((target_pct - intercept) / slope - 1e-9), month_index(latest_period)))
    if target_month < month_index(latest_period):
        return Pace(None, TARGET_PASSED, pace, used, latest, target_pct, target_period, None, reached)
    projected = round(slope * target_month + intercept, 2)
    if projected >= target_pct:
        status = ON_TRACK
    elif projected >= target_pct - rule.at_risk_points:
        status = AT_RISK
    else:
        status = OFF_TRACK
    return Pace(status, None, pace, used, latest, target_pct, target_period, projected, reached)


def pace_of_history(periods: Sequence[dict], rule: PaceRule) -> tuple[Pace, bool]:
    """Return the pace of a district's history (dicts with period, coverage_pct, target_pct, oldest first) and
    whether the target's month was assumed.

    The target is the latest figure's own, for December of its year (`target_year`, from the file's target column
    or the editor's answer); without a year it is taken for the end of that figure's own year, and the second
    value says so to the reader.
    """
    figures = [(p["period"], p["coverage_pct"]) for p in periods if p.get("coverage_pct") is not None]
    latest = next((p for p in reversed(periods) if p.get("coverage_pct") is not None), None)
    target = latest.get("target_pct") if latest else None
    if target is None or (isinstance(target, float) and math.isnan(target)):
        return pace_of(figures, None, None, rule), False
    year = latest.get("target_year")
    return pace_of(figures, float(target), target_month_of(latest["period"], year), rule), not year


def target_period_of(period: str) -> str:
    """The month a target without a year is for: December of its figure's year (said to the reader as assumed)."""
    return f"{period[:4]}-12"


def paces_of(paths: dict[str, list[tuple[str, float]]], latest: pd.DataFrame, rule: PaceRule) -> dict[str, Pace]:
    """Each district's pace from its coverage path over the periods (geo.compare.coverage_paths) and the latest
    figure's target (`latest`: code, period, coverage_pct, target_pct, optionally target_year). Only districts with
    a latest figure."""
    paces = {}
    years = latest["target_year"] if "target_year" in latest else [None] * len(latest)
    for code, period, target, year in zip(latest["code"], latest["period"], latest["target_pct"], years, strict=True):
        figures = [(p, v) for p, v in paths.get(str(code), []) if p <= period]
        known = target is not None and not pd.isna(target)
        month = target_month_of(period, year) if known else None
        paces[str(code)] = pace_of(figures, float(target) if known else None, month, rule)
    return paces


def target_month_of(period: str, year: object = None) -> str:
    """The month a target is for: December of its own year when the file or the editor said it, else December of
    its figure's year (target_period_of, said to the reader as assumed)."""
    given = str(year).strip() if year is not None and not pd.isna(year) else ""
    return f"{given}-12" if given else target_period_of(period)


# The columns a table gains from each district's pace (web.results adds them to every view's table, so the ranking,
# API, CSV and GeoJSON carry them): points per month, the line's value at the target's month, that month, the
# status, how far the projection is above (+) or below (−) the target (what the jalur view is coloured by: its
# levels in data/levels.json are the status thresholds), and the month the line reaches the target.
MARGIN = "track_margin_pts"
TRACK_COLUMNS = [
    "pace_pts_per_month",
    "projected_pct",
    "target_period",
    "track_status",
    MARGIN,
    "target_reached_period",
]


def track_margin(pace: Pace) -> float | None:
    """Projected − target in points for a district with a status (latest − target when the target is met already,
    which is where the projection stands then); None without a status."""
    if pace.status is None or pace.target_pct is None or pace.projected_pct is None:
        return None
    return round(pace.projected_pct - pace.target_pct, 2)


def with_track(frame: pd.DataFrame, paces: dict[str, Pace]) -> pd.DataFrame:
    """The frame with TRACK_COLUMNS from each row's pace (rows without a current figure get none: a stale figure of
    the terbaru view has no status, as it has no level)."""
    result = frame.copy()
    current = result["coverage_pct"].notna().tolist()
    rows = [paces.get(str(code)) if now else None for code, now in zip(result["code"], current, strict=True)]

    def floats(values):
        return np.array([np.nan if v is None else v for v in values], dtype=float)

    def texts(values):
        return pd.Series(list(values), index=result.index, dtype=object)

    result["pace_pts_per_month"] = floats(p.points_per_month if p else None for p in rows)
    result["projected_pct"] = floats(p.projected_pct if p else None for p in rows)
    result["target_period"] = texts(p.target_period if p else None for p in rows)
    result["track_status"] = texts(p.status if p else None for p in rows)
    result[MARGIN] = floats(track_margin(p) if p else None for p in rows)
    result["target_reached_period"] = texts(p.reached_period if p and p.status else None for p in rows)
    return result


def rule_of(scheme: Scheme, window_months: int = PaceRule.window_months) -> PaceRule:
    """The pace rule whose statuses are the jalur view's levels (data/levels.json): tidak sesuai jalur below the
    at-risk level's minimum (−2 points), berisiko up to the on-track level's minimum, which must be 0 (projection
    at the target). The legend and the status are then one threshold, defined once."""
    keys = [level.key for level in scheme.levels]
    if keys != [OFF_TRACK, AT_RISK, ON_TRACK] or scheme.levels[2].minimum != 0 or scheme.levels[1].minimum >= 0:
        raise ValueError(f"Scheme {scheme.key}: levels must be {OFF_TRACK}, {AT_RISK} (min < 0), {ON_TRACK} (min 0).")
    return PaceRule(window_months=window_months, at_risk_points=-float(scheme.levels[1].minimum))
