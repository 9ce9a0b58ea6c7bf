"""A period assembled from several files: merge an upload into the live period, and say what would change.

Publishing merges by default: districts in the upload get its figures, districts not in it keep theirs (with
their provenance). Replacing the whole period is explicit, and only then are districts removed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from geo.segments import SEGMENT_COLUMNS
from geo.store import ORIGIN_COLUMNS, STORED_COLUMNS

# What a figure is; `input` (the name as written) and the origin are not part of it.
FIGURE_COLUMNS = ["participants", "workers", "coverage_pct", "target_pct", "source", "as_of", *SEGMENT_COLUMNS]


@dataclass(frozen=True)
class FigureChange:
    """One district in the difference: its coverage before and after, and which fields differ."""

    code: str
    input: str | None
    before: float | None
    after: float | None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class PeriodDiff:
    """What publishing an upload would do to the live period."""

    period: str
    replace: bool
    live_version: int | None
    new: tuple[FigureChange, ...]
    changed: tuple[FigureChange, ...]
    unchanged: tuple[FigureChange, ...]
    removed: tuple[FigureChange, ...]  # only when replacing the whole period

    def to_dict(self) -> dict:
        return asdict(self)


def _value(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return value.strip() or None
    return round(float(value), 6)


def _coverage(row: dict | None) -> float | None:
    value = None if row is None else _value(row.get("coverage_pct"))
    return None if value is None else float(value)


def _rows(records: pd.DataFrame | None) -> dict[str, dict]:
    if records is None or records.empty:
        return {}
    return {row["code"]: row for row in records.astype(object).to_dict("records")}


def diff_records(
    live: pd.DataFrame | None, incoming: pd.DataFrame, *, period: str, replace: bool, live_version: int | None = None
) -> PeriodDiff:
    """Compare an upload's records with the live period's: new, changed (old → new), unchanged, removed."""
    before, after = _rows(live), _rows(incoming)
    new, changed, unchanged = [], [], []
    for code, row in after.items():
        old = before.get(code)
        fields = tuple(c for c in FIGURE_COLUMNS if old is not None and _value(old.get(c)) != _value(row.get(c)))
        change = FigureChange(code, _value(row.get("input")), _coverage(old), _coverage(row), fields)
        (new if old is None else changed if fields else unchanged).append(change)
    removed = [
        FigureChange(code, _value(row.get("input")), _coverage(row), None)
        for code, row in before.items()
        if replace and code not in after
    ]
    return PeriodDiff(
        period,
        replace,
        live_version,
        *(tuple(sorted(x, key=lambda c: c.code)) for x in (new, changed, unchanged, removed)),
    )


def merge_records(live: pd.DataFrame | None, incoming: pd.DataFrame, *, replace: bool) -> pd.DataFrame:
    """The records of the new version: the upload, plus (unless replacing) the live districts it leaves out.

    Kept districts carry their origin columns; the upload's records have none, so they get the new version's.
    """
    columns = STORED_COLUMNS + ORIGIN_COLUMNS
    fresh = incoming.reindex(columns=columns)  # an upload without segments has them blank, never 0
    if replace or live is None or live.empty:
        return fresh.reset_index(drop=True)
    kept = live.reindex(columns=columns).loc[~live["code"].isin(incoming["code"])]
    parts = [part.astype(object) for part in (kept, fresh) if not part.empty]
    return pd.concat(parts, ignore_index=True) if parts else fresh
