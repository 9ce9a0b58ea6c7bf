"""Join coverage records onto the boundaries of a scope, from the boundaries side, and prove the join."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.levels import Scheme, classify, colors
from geo.scopes import Scope

OUTPUT_COLUMNS = [
    "code",
    "name",
    "province",
    "period",
    "participants",
    "workers",
    "coverage_pct",
    "target_pct",
    "gap_pct",
    "attainment_pct",
    "level",
    "fill",
    "rank",
    "source",
    "as_of",
]


class JoinError(Exception):
    """Coverage records that cannot be joined one-to-one onto the districts."""


def districts_in_scope(districts: gpd.GeoDataFrame, scope: Scope) -> gpd.GeoDataFrame:
    """Return the districts of a scope, sorted by code."""
    return districts[districts["kode_prov"].isin(scope.province_codes)].sort_values("kode").reset_index(drop=True)


def join_coverage(districts: gpd.GeoDataFrame, records: pd.DataFrame, period: str, scheme: Scheme) -> gpd.GeoDataFrame:
    """Return every district with its figures, level, fill colour and rank (districts without data kept)."""
    if records["code"].duplicated().any():
        raise JoinError(f"Records hold districts twice: {sorted(records['code'][records['code'].duplicated()])}")
    base = districts.rename(columns={"kode": "code", "nama": "name", "provinsi": "province"})
    joined = base.merge(
        records.drop(columns=["input"], errors="ignore"), on="code", how="left", validate="one_to_one", indicator=True
    )
    joined["period"] = period
    joined["gap_pct"] = (joined["target_pct"] - joined["coverage_pct"]).round(2)
    with np.errstate(divide="ignore", invalid="ignore"):
        joined["attainment_pct"] = (joined["coverage_pct"] / joined["target_pct"] * 100).round(1)
    joined.loc[~np.isfinite(joined["attainment_pct"].astype(float)), "attainment_pct"] = np.nan
    joined["level"] = classify(joined[scheme.value], scheme)
    joined["fill"] = colors(joined["level"], scheme)
    joined["rank"] = joined["coverage_pct"].rank(method="min", ascending=False).astype("Int64")
    joined = joined.drop(columns="_merge")
    return gpd.GeoDataFrame(joined[OUTPUT_COLUMNS + ["geometry"]], geometry="geometry", crs=districts.crs)


def unjoined_codes(districts: gpd.GeoDataFrame, records: pd.DataFrame) -> list[str]:
    """Codes in the records that no district of the boundaries carries (reported, never drawn)."""
    return sorted(set(records["code"]) - set(districts["kode"]))
