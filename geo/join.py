"""Join coverage records onto the boundaries of a scope, from the boundaries side, and prove the join."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.latest import STALE_LEVEL
from geo.levels import Scheme, classify, colors
from geo.rules import change_points
from geo.scopes import Scope
from geo.segments import OUTPUT_COLUMNS as SEGMENT_OUTPUT_COLUMNS
from geo.segments import segment_figures

OUTPUT_COLUMNS = [
    "code",
    "name",
    "province",
    "province_code",
    "island",
    "period",
    "participants",
    "workers",
    "coverage_pct",
    "target_pct",
    "target_year",  # the year the target is for, when the file or its editor said (geo.store.TARGET_YEAR)
    "gap_pct",
    "attainment_pct",
    "uncovered_workers",
    "previous_coverage_pct",
    "change_pct_points",
    "level",
    "fill",
    "rank",
    "source",
    "as_of",
    "origin_version",
    "origin_dataset_id",
    "origin_draft_id",
    *SEGMENT_OUTPUT_COLUMNS,  # counts as stored and the shares and budgets derived once (geo.segments)
]
PROVENANCE_COLUMNS = ["origin_version", "origin_dataset_id", "origin_draft_id"]
# A terbaru frame (geo.latest) adds whether each district's latest figure is older than the window, and that figure.
LATEST_COLUMNS = ["stale", "stale_coverage_pct"]
STALE_FILL = "#bdbdbd"  # drawn with its own hatch (never a level colour): layers read the level, not this


def gap_to_target(coverage: pd.Series, target: pd.Series) -> pd.Series:
    """The gap to target: coverage − target in percentage points, negative = behind (the one definition).

    Every format (tooltip, ranking, CSV, GeoJSON, district page, province layer) reads this column.
    """
    return (coverage.astype(float) - target.astype(float)).round(2)


def attainment_of(coverage: pd.Series, target: pd.Series) -> pd.Series:
    """Coverage as a share of the target, in percent (none where there is no target)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        attainment = (coverage.astype(float) / target.astype(float) * 100).round(1)
    return attainment.where(np.isfinite(attainment))


def uncovered_workers(frame: pd.DataFrame) -> pd.Series:
    """Employed − participants where both are known (the workers still without protection); missing otherwise.
    Summed over the districts with both counts it is the `uncovered` of geo.compare.weighted_totals."""
    both = frame["participants"].notna() & frame["workers"].notna()
    return (frame["workers"].astype(float) - frame["participants"].astype(float)).where(both).astype("Int64")


class JoinError(Exception):
    """Coverage records that cannot be joined one-to-one onto the districts."""


def districts_in_scope(districts: gpd.GeoDataFrame, scope: Scope) -> gpd.GeoDataFrame:
    """Return the districts of a scope, sorted by code."""
    return districts[districts["kode_prov"].isin(scope.province_codes)].sort_values("kode").reset_index(drop=True)


def rank_by_measure(values: pd.Series) -> pd.Series:
    """The rank among the rows given by a view's measure (its scheme's `value`: coverage, attainment, change, a
    segment's share): highest first, ties share the better rank, no data unranked (the one definition: map,
    tooltips, ranking table and API, CSV/XLSX, GeoJSON, slides and the district page read it)."""
    return values.astype(float).rank(method="min", ascending=False).astype("Int64")


def apply_levels(frame: gpd.GeoDataFrame, scheme: Scheme) -> gpd.GeoDataFrame:
    """Set level and fill colour from the column the scheme's levels classify (its measure, or coverage for the
    uncovered workers' view) and rank (ties share a rank) from the view's measure; a
    district whose latest figure is older than the window (geo.latest) is *data lama* in every scheme."""
    result = frame.copy()
    result["level"] = classify(result[scheme.coloured_by], scheme)
    result["fill"] = colors(result["level"], scheme)
    if "stale" in result:
        stale = result["stale"].fillna(False).astype(bool)
        result.loc[stale, "level"] = STALE_LEVEL
        result.loc[stale, "fill"] = STALE_FILL
    result["rank"] = rank_by_measure(result[scheme.value])
    return result


def join_coverage(
    districts: gpd.GeoDataFrame,
    records: pd.DataFrame,
    period: str,
    scheme: Scheme,
    previous: pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Return every district with its figures, change from `previous`, level, colour and rank.

    Districts without data are kept (and drawn as such); a district present in only one of the two
    periods gets no change, never a change from zero. Records of a terbaru view (geo.latest) carry each
    figure's own `period` and `stale`; those are kept (`period` is then blank where there is no figure).
    """
    for frame in (records, previous):
        if frame is not None and frame["code"].duplicated().any():
            raise JoinError(f"Records hold districts twice: {sorted(frame['code'][frame['code'].duplicated()])}")
    base = districts.rename(
        columns={
            "kode": "code",
            "nama": "name",
            "provinsi": "province",
            "kode_prov": "province_code",
            "pulau": "island",
        }
    )
    joined = base.merge(records.drop(columns=["input"], errors="ignore"), on="code", how="left", validate="one_to_one")
    latest = "period" in records
    if not latest:
        joined["period"] = period
    else:
        joined["period"] = joined["period"].astype(object).where(joined["period"].notna(), None)
        joined["stale"] = joined["stale"].astype("boolean").fillna(False).astype(bool)
    if "target_year" not in joined:  # records built in memory (tests, previews) or stored before 0007
        joined["target_year"] = None
    joined["target_year"] = joined["target_year"].astype(object).where(joined["target_year"].notna(), None)
    for column in PROVENANCE_COLUMNS:  # records built in memory (tests, previews) have no origin yet
        joined[column] = joined[column].astype("Int64") if column in joined else pd.Series(pd.NA, joined.index, "Int64")
    joined["gap_pct"] = gap_to_target(joined["coverage_pct"], joined["target_pct"])
    joined["attainment_pct"] = attainment_of(joined["coverage_pct"], joined["target_pct"])
    joined["uncovered_workers"] = uncovered_workers(joined)
    before = previous.set_index("code")["coverage_pct"].astype(float) if previous is not None else pd.Series()
    joined["previous_coverage_pct"] = joined["code"].map(before).astype(float)
    joined["change_pct_points"] = change_points(joined["coverage_pct"], joined["previous_coverage_pct"])
    joined = segment_figures(joined)
    joined = apply_levels(gpd.GeoDataFrame(joined, geometry="geometry", crs=districts.crs), scheme)
    return joined[OUTPUT_COLUMNS + (LATEST_COLUMNS if latest else []) + ["geometry"]]
