"""The "terbaru" view of a series: each district's most recent published figure, no older than a window.

Real offices send figures at different times, so the latest figure of each district comes from its own period.
A district whose latest figure is older than the window (counted back from the series' newest period) is *data
lama*: its figure and period are kept for the tooltip, but it is neither coloured, ranked nor totalled as current.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from geo.uploads import check_as_of

DEFAULT_WINDOW_MONTHS = 24
MAX_WINDOW_MONTHS = 240
STALE_LEVEL = "data_lama"  # the level key of a district whose latest figure is older than the window
STALE_LABEL = {"id": "Data lama", "en": "Old data"}
# The figures a stale district does not show as current (kept in `stale_coverage_pct` for its tooltip).
FIGURE_COLUMNS = ("participants", "workers", "coverage_pct", "target_pct")


@dataclass(frozen=True)
class Span:
    """What a terbaru view holds: its figures' first and last period, how many are current and how many stale."""

    window: int  # months
    first: str | None  # YYYY-MM of the oldest current figure (None when there is none)
    last: str | None  # YYYY-MM of the newest current figure
    count: int  # districts with a current figure
    stale: int  # districts whose latest figure is older than the window
    newest: str | None  # the series' newest period, that the window counts back from

    @property
    def mixed(self) -> bool:
        """Whether the figures come from more than one period (totals and ranks then mix dates)."""
        return self.first is not None and self.first != self.last


def months_between(earlier: str, later: str) -> int:
    """Whole months from one YYYY-MM to another ('2023-12' → '2025-12' is 24)."""
    (y1, m1), (y2, m2) = (map(int, p.split("-")) for p in (earlier, later))
    return (y2 - y1) * 12 + (m2 - m1)


def figure_period(as_of: object, period: str) -> str:
    """The month a figure describes: the month of its date when that is earlier than the period it was published
    in ('24 September 2024' in a 2025-10 compilation is 2024-09), else the period itself.

    A figure dated by its year only ('2024', a year's achievement) describes the year as at its end: December of
    that year, or the period when that is earlier. A date that cannot be read leaves the period.
    """
    if as_of is None or (not isinstance(as_of, str) and pd.isna(as_of)) or not str(as_of).strip():
        return period
    try:
        iso = check_as_of(str(as_of))
    except ValueError:
        return period
    month = iso[:7] if len(iso) >= 7 else f"{iso}-12"
    return min(month, period)


def names_month(as_of: object, period: str) -> bool:
    """Whether a figure's date already says its month ('24 September 2024' for 2024-09): then the period need not
    be shown beside it; a year alone ('2024'), no date or another month does not."""
    if as_of is None or (not isinstance(as_of, str) and pd.isna(as_of)):
        return False
    try:
        return check_as_of(str(as_of))[:7] == period
    except ValueError:
        return False


def latest_records(periods: Sequence[tuple[str, pd.DataFrame]], window: int = DEFAULT_WINDOW_MONTHS) -> pd.DataFrame:
    """Each district's most recent record over the given (period, records) pairs, with its `period` and `stale`.

    A record's `period` is the month it describes (`figure_period`): the dated figures of a compilation published
    under one period keep their own months. Among records of the same month, the later publication wins.

    `stale` is True where the figure is more than `window` months older than the newest period given; such rows
    keep their period, source and date, their coverage moves to `stale_coverage_pct` and their figures are blank,
    so nothing downstream colours, ranks or totals them. Rows without a coverage never count as a figure.
    """
    if window < 0:
        raise ValueError("window must be 0 or more months")
    frames = [
        records.assign(period=[figure_period(as_of, period) for as_of in records["as_of"]], published=period)
        for period, records in periods
        if not records.empty
    ]
    if not frames:
        columns = [*(periods[0][1].columns if periods else ["code", "coverage_pct"]), "period", "stale"]
        return pd.DataFrame(columns=[*columns, "stale_coverage_pct"])
    newest = max(period for period, _ in periods)
    every = pd.concat(frames, ignore_index=True)
    every = every[every["coverage_pct"].notna()]
    latest = every.sort_values(["code", "period", "published"], kind="stable").drop_duplicates("code", keep="last")
    latest = latest.drop(columns="published")
    latest = latest.sort_values("code").reset_index(drop=True)
    latest["stale"] = [months_between(period, newest) > window for period in latest["period"]]
    latest["stale_coverage_pct"] = latest["coverage_pct"].astype(float).where(latest["stale"])
    for column in FIGURE_COLUMNS:
        if column in latest:
            latest[column] = latest[column].mask(latest["stale"])
    return latest


def span_of(latest: pd.DataFrame, window: int, newest: str | None) -> Span:
    """The span a terbaru frame (`latest_records`, or the district frame joined from it) covers."""
    current = latest.loc[~latest["stale"].fillna(False).astype(bool) & latest["coverage_pct"].notna(), "period"]
    stale = int(latest["stale"].fillna(False).astype(bool).sum())
    if current.empty:
        return Span(window, None, None, 0, stale, newest)
    return Span(window, str(current.min()), str(current.max()), int(current.size), stale, newest)
