"""Rankings, weighted totals, change between periods and district histories: data only.

Totals are always Σ participants ÷ Σ employed over the districts that have both figures, never an average
of percentages; districts without those figures are left out of both sums and counted apart.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.codes import normalize_code
from geo.join import (
    OUTPUT_COLUMNS,
    PROVENANCE_COLUMNS,
    attainment_of,
    gap_to_target,
    rank_by_measure,
    uncovered_workers,
)
from geo.pace import TRACK_COLUMNS
from geo.rules import COMPLETE_SHARE, change_points
from geo.segments import OUTPUT_COLUMNS as SEGMENT_OUTPUT_COLUMNS
from geo.segments import segment_columns_of, segment_record, segment_totals

RANKING_COLUMNS = [
    "rank",
    "code",
    "name",
    "province",
    "province_code",
    "coverage_pct",
    "level",
    "target_pct",
    "target_year",
    "gap_pct",
    "uncovered_to_target",
    "uncovered_workers",
    "participants",
    "workers",
    "source",
    "as_of",
]
TOP = 5


def uncovered_to_target(frame: pd.DataFrame) -> pd.Series:
    """Workers still to cover to reach the target: target% × employed − participants (0 when reached)."""
    workers = frame["workers"].astype(float)
    participants = frame["participants"].astype(float)
    covered = participants.where(participants.notna(), workers * frame["coverage_pct"].astype(float) / 100)
    needed = np.ceil(workers * frame["target_pct"].astype(float) / 100 - covered).clip(lower=0)
    return needed.astype("Int64")


def ranking(joined: pd.DataFrame, measure: str = "coverage_pct") -> pd.DataFrame:
    """Rank units by a view's measure (its scheme's `value`; highest first, ties share a rank and sort by name);
    rows without it last, unranked. The measure's column comes right after the unit (before coverage, which is
    always a column), so a table or file reads "rank, unit, what the map shows, coverage, …"."""
    frame = pd.DataFrame(joined.drop(columns="geometry", errors="ignore"))
    frame["uncovered_to_target"] = uncovered_to_target(frame)
    frame["has_data"] = frame[measure].notna()
    frame = frame.sort_values(["has_data", measure, "name"], ascending=[False, False, True], kind="stable")
    frame["rank"] = rank_by_measure(frame[measure])
    extra = ("previous_coverage_pct", "change_pct_points", *TRACK_COLUMNS)
    columns = RANKING_COLUMNS + [c for c in extra if c in frame]
    columns += [c for c in segment_columns_of(frame) if c not in columns]
    if measure != "coverage_pct":
        columns = [c for c in columns if c != measure]
        columns.insert(columns.index("coverage_pct"), measure)
    latest = ["period", "stale", "stale_coverage_pct"] if "stale" in frame else []  # the terbaru view: own months
    return frame[columns + [c for c in latest if c not in columns]].reset_index(drop=True)


def weighted_totals(frame: pd.DataFrame) -> dict:
    """Σ participants ÷ Σ workers over districts with both figures, and how many districts that is."""
    both = frame["participants"].notna() & frame["workers"].notna()
    participants = int(frame.loc[both, "participants"].sum())
    workers = int(frame.loc[both, "workers"].sum())
    return {
        "participants": participants,
        "workers": workers,
        "coverage_pct": round(participants / workers * 100, 2) if workers else None,
        "uncovered": workers - participants if workers else None,
        "districts": int(len(frame)),
        "districts_in_totals": int(both.sum()),
        "districts_without_figures": int((~both).sum()),
        "complete": bool(len(frame) and both.sum() >= COMPLETE_SHARE * len(frame)),
    }


def _level_counts(levels: pd.Series, keys: list[str]) -> dict[str, int]:
    counts = levels.value_counts()
    return {key: int(counts.get(key, 0)) for key in keys}


def _brief(rows: pd.DataFrame, measure: str = "coverage_pct") -> list[dict]:
    return [
        {
            "rank": int(r["rank"]),
            "code": r["code"],
            "name": r["name"],
            "province": r["province"],
            "coverage_pct": _number(r["coverage_pct"]),
            "value": float(r[measure]),  # the measure the rows were ranked by
            "level": r["level"],
        }
        for _, r in rows.iterrows()
    ]


def leaders(ranked: pd.DataFrame, measure: str) -> dict[str, list[dict]]:
    """The best and worst five of a ranking by its measure (ranking(joined, measure)), units without it left out."""
    with_data = ranked[ranked[measure].notna()]
    return {"best": _brief(with_data.head(TOP), measure), "worst": _brief(with_data.tail(TOP).iloc[::-1], measure)}


def summary(joined: pd.DataFrame, level_keys: list[str], ranked: pd.DataFrame | None = None) -> dict:
    """Scope totals, districts per level, best and worst five, and the same totals per province; `ranked` is
    ranking(joined) when the caller has it already."""
    ranked = ranking(joined) if ranked is None else ranked
    with_data = ranked[ranked["coverage_pct"].notna()]
    provinces = []
    for (code, name), group in joined.groupby(["province_code", "province"], sort=True):
        provinces.append(
            {"code": code, "name": name, **weighted_totals(group), "levels": _level_counts(group["level"], level_keys)}
            | ({"segments": segment_totals(group)} if segment_columns_of(joined) else {})
        )
    islands = [
        {"name": name, **weighted_totals(group), "levels": _level_counts(group["level"], level_keys)}
        for name, group in joined.groupby("island", sort=True)
    ]
    return {
        **weighted_totals(joined),
        **({"segments": segment_totals(joined)} if segment_columns_of(joined) else {}),
        "levels": _level_counts(joined["level"], level_keys),
        "islands": islands,
        "best": _brief(with_data.head(TOP)),
        "worst": _brief(with_data.tail(TOP).iloc[::-1]),
        "provinces": provinces,
    }


def province_totals(joined: pd.DataFrame) -> pd.DataFrame:
    """Weighted totals per province, indexed by province code."""
    rows = {code: weighted_totals(group) for code, group in joined.groupby("province_code")}
    return pd.DataFrame.from_dict(rows, orient="index")


# How a province's value was found (the `basis` column of the province frame).
PUBLISHED = "terbitan"  # a published province figure for the period
FROM_DISTRICTS = "total_kabupaten"  # Σ participants ÷ Σ employed over districts holding ≥ 80% of the employed
INCOMPLETE = "tidak_lengkap"  # neither: drawn as no data, never coloured


def district_share(group: pd.DataFrame) -> float | None:
    """The share of the province's employed population held by districts with both counts.

    The province's employed population is only known when every district has an employed figure; without
    that the share cannot be shown to reach 80%, so it is None (incomplete).
    """
    workers = group["workers"].astype(float)
    if workers.isna().any() or workers.sum() <= 0:
        return None
    both = group["participants"].notna() & group["workers"].notna()
    return float(workers[both].sum() / workers.sum())


def province_values(joined: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """One row per province of `joined`: its value, counts, target, source and basis (see PUBLISHED...).

    `figures` are the published province figures of the period (geo.store.PROVINCE_COLUMNS; may be empty).
    """
    published = figures.set_index("code") if not figures.empty else None
    rows = {}
    for code, group in joined.groupby("province_code", sort=True):
        if published is not None and code in published.index:
            figure = published.loc[code]
            rows[code] = {
                "participants": figure["participants"],
                "workers": figure["workers"],
                "coverage_pct": float(figure["coverage_pct"]),
                "target_pct": figure["target_pct"],
                "source": figure["source"],
                "as_of": figure["as_of"],
                "target_year": figure.get("target_year"),
                "basis": PUBLISHED,
                "share": None,
            }
            continue
        share = district_share(group)
        totals = weighted_totals(group)
        complete = share is not None and share >= COMPLETE_SHARE
        rows[code] = {
            "participants": totals["participants"] if complete else None,
            "workers": totals["workers"] if complete else None,
            "coverage_pct": totals["coverage_pct"] if complete else None,
            "target_pct": None,
            "source": None,
            "as_of": None,
            "target_year": None,  # Σ participants ÷ Σ employed has no target
            "basis": FROM_DISTRICTS if complete else INCOMPLETE,
            "share": share,
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    for column in ("participants", "workers"):
        frame[column] = pd.array(frame[column].tolist(), dtype="Int64") if len(frame) else frame[column]
    for column in ("coverage_pct", "target_pct", "share"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def province_frame(
    provinces: gpd.GeoDataFrame,
    joined: pd.DataFrame,
    figures: pd.DataFrame,
    previous: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> gpd.GeoDataFrame:
    """The province layer: one row per province of the scope, from the province outlines.

    A province's value is its published figure for the period, else the weighted total of its districts where
    they hold at least 80% of its employed population, else none (basis "tidak_lengkap"). `previous` is the
    comparison period's (joined, figures); change needs a value in both. Levels, colours and ranks are set
    afterwards (geo.join.apply_levels), so ranks count provinces.
    """
    values = province_values(joined, figures)
    shown = provinces[provinces["kode_prov"].isin(values.index)].sort_values("kode_prov").reset_index(drop=True)
    code = shown["kode_prov"]
    result = gpd.GeoDataFrame(
        {
            "code": code,
            "name": shown["provinsi"],
            "province": shown["pulau"],
            "province_code": code,
            "island": shown["pulau"],
            "period": joined["period"].iloc[0] if len(joined) else None,
        },
        geometry=shown.geometry.values,
        crs=provinces.crs,
    )
    for column in ("participants", "workers", "coverage_pct", "target_pct", "source", "as_of", "basis", "share"):
        result[column] = code.map(values[column]).values
    years = code.map(values["target_year"])
    result["target_year"] = years.astype(object).where(years.notna(), None).values
    for column in ("participants", "workers"):
        result[column] = result[column].astype("Int64")
    result["gap_pct"] = gap_to_target(result["coverage_pct"], result["target_pct"])
    result["attainment_pct"] = attainment_of(result["coverage_pct"], result["target_pct"])
    result["uncovered_workers"] = uncovered_workers(result)
    before = province_values(*previous)["coverage_pct"] if previous is not None else pd.Series(dtype=float)
    result["previous_coverage_pct"] = code.map(before).astype(float)
    result["change_pct_points"] = change_points(result["coverage_pct"], result["previous_coverage_pct"])
    for column in PROVENANCE_COLUMNS:
        result[column] = pd.Series(pd.NA, index=result.index, dtype="Int64")
    for column in SEGMENT_OUTPUT_COLUMNS:  # segments are drawn per district only: provinces show no data
        result[column] = np.nan
    for column in ("level", "fill", "rank"):
        result[column] = None
    return result[OUTPUT_COLUMNS + ["basis", "share", "geometry"]]


def district_neighbours(districts: gpd.GeoDataFrame) -> dict[str, list[str]]:
    """Map each district code to the codes of the districts it shares a border with."""
    geoms = districts.geometry.values
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    codes = districts["kode"].to_numpy()
    neighbours: dict[str, list[str]] = {code: [] for code in codes}
    for i, j in zip(left, right, strict=True):
        if i != j:
            neighbours[codes[i]].append(codes[j])
    return {code: sorted(found) for code, found in neighbours.items()}


def history_row(records: pd.DataFrame, code: str, period: str) -> dict | None:
    """One period of a district's history: its figures and its rank overall and within its province."""
    # Only district rows are ranked: a version may also carry province figures (two-digit codes).
    districts = records["code"].astype(str).str.fullmatch(r"\d{2}\.\d{2}")
    ranked = records[districts].dropna(subset=["coverage_pct"]).copy()
    ranked["rank_all"] = rank_by_measure(ranked["coverage_pct"])
    same_province = ranked["code"].str[:2] == code[:2]
    in_province = rank_by_measure(ranked.loc[same_province, "coverage_pct"])
    ranked.loc[same_province, "rank_province"] = in_province.astype(float)
    row = ranked[ranked["code"] == code]
    if row.empty:
        return None
    r = row.iloc[0]
    return {
        "period": period,
        "coverage_pct": float(r["coverage_pct"]),
        "target_pct": _number(r["target_pct"]),
        "participants": _integer(r["participants"]),
        "workers": _integer(r["workers"]),
        "rank": int(r["rank_all"]),
        "ranked": int(len(ranked)),
        "rank_province": int(r["rank_province"]),
        "ranked_province": int(same_province.sum()),
        "gap_pct": _number(gap_to_target(row["coverage_pct"], row["target_pct"]).iloc[0]),
        "source": _string(r["source"]),
        "as_of": _string(r["as_of"]),
        # What the coverage is a share of when not the employed: 'angkatan_kerja' (geo.uploads.columns.Denominator).
        "denominator": _string(r.get("denominator")),
        "target_year": _string(r.get("target_year")),  # the year the target is for, when said (geo.store)
        "origin_version": _integer(r.get("origin_version")),
        "origin_draft_id": _integer(r.get("origin_draft_id")),
        "segments": segment_record(row),  # geo.segments: counts, shares, who pays, yearly budget (or None)
    }


MIN_COMPARE, MAX_COMPARE = 2, 6  # districts side by side (the compare page)
COMPARED_FIELDS = ("coverage_pct", "target_pct", "participants", "workers", "source", "as_of")


def chosen_codes(given: list[str], known: set[str]) -> tuple[list[str], list[str]]:
    """The districts asked for side by side (`kode=a,b` from links, `kode=a&kode=b` from the form; Kemendagri
    codes, BPS-style digits normalised by geo.matching): the known ones once each in the order given, and the
    unknown ones as written."""
    wanted = [normalize_code(c) or c for c in ",".join(given).replace(" ", "").split(",") if c]
    return list(dict.fromkeys(c for c in wanted if c in known)), [c for c in wanted if c not in known]


def compared_rows(records: pd.DataFrame, districts: pd.DataFrame, codes: list[str]) -> list[dict]:
    """One row per chosen district: its name, province and the figures of the version (None where it has none;
    a district without a figure stays in the list)."""
    figures = records.set_index("code")
    names = districts.set_index("kode")
    rows = []
    for code in codes:
        figure = figures.loc[code] if code in figures.index else None
        plain = {k: None if figure is None else _plain(figure[k]) for k in COMPARED_FIELDS}
        rows.append({"code": code, "name": names.at[code, "nama"], "province": names.at[code, "provinsi"], **plain})
    return rows


def _plain(value: object) -> object:
    if value is None or pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _integer(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def coverage_paths(periods: list[tuple[str, pd.DataFrame]]) -> dict[str, list[tuple[str, float]]]:
    """Each district's coverage over the given (period, records) pairs, oldest period first; periods where the
    district has no figure are left out (never read as zero)."""
    paths: dict[str, list[tuple[str, float]]] = {}
    for period, records in sorted(periods, key=lambda item: item[0]):
        for code, value in zip(records["code"], records["coverage_pct"], strict=True):
            if value is not None and not pd.isna(value):
                paths.setdefault(str(code), []).append((period, float(value)))
    return paths


def published_province_figures(bundled: pd.DataFrame, records: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """A period's province figures: those uploaded in the dataset version (records under a two-digit province
    code) over the bundled ones (PROVINCE_COLUMNS). Uploaded figures follow the version: merged, restored and
    withdrawn with the districts of the same upload."""
    uploaded = records[records["code"].astype(str).str.fullmatch(r"\d{2}")]
    if uploaded.empty:
        return bundled
    frame = uploaded.assign(name=uploaded["code"].map(names))[list(bundled.columns)]
    kept = bundled[~bundled["code"].isin(frame["code"])]
    return pd.concat([kept, frame], ignore_index=True) if not kept.empty else frame.reset_index(drop=True)
