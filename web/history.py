"""A district over every live period of a series: figures, ranks, sources and neighbours.

Not a blueprint: the district page (web.districts) and the API (web.api) both read it.
"""

from __future__ import annotations

from dataclasses import asdict

from geo.compare import history_row
from geo.pace import pace_of_history
from geo.results import dataset_records, pace_rule
from web.resources import Resources
from web.results import live_snapshot

HISTORY_KEYS = (
    "period",
    "coverage_pct",
    "target_pct",
    "gap_pct",
    "participants",
    "workers",
    "rank",
    "ranked",
    "rank_province",
    "ranked_province",
    "source",
    "as_of",
    "denominator",
    "target_year",
    "origin_version",
    "origin_draft_id",
    "segments",
)


class UnknownDistrict(LookupError):
    """A district code that is not on the map; the message says how to find one."""


def history_key(resources: Resources, code: str, series: str) -> tuple:
    """What a district's history depends on: the district and the live versions of the series (a publish, a
    withdrawal or a restore changes them), so the page and its API are cached like the maps."""
    return (code, series, tuple(d.id for d in live_snapshot(resources).live(series)))


def district_history(resources: Resources, code: str, series: str) -> dict:
    """Return the district's name, province, neighbours and figures for every live period, oldest first (cached
    by history_key; an unknown code raises UnknownDistrict, never cached)."""
    districts = resources.boundaries.districts
    if districts[districts["kode"] == code].empty:
        raise UnknownDistrict(f"Kode wilayah '{code}' tidak ada di peta. Pakai kode Kemendagri, mis. 62.11.")
    key = ("district-history", *history_key(resources, code, series))
    return resources.cache.get_or_make(key, lambda: _district_history(resources, code, series))


def _district_history(resources: Resources, code: str, series: str) -> dict:
    districts = resources.boundaries.districts
    match = districts[districts["kode"] == code]
    datasets = list(reversed(live_snapshot(resources).live(series)))
    periods = []
    for dataset in datasets:
        records = dataset_records(resources, dataset)
        row = history_row(records, code, dataset.period)
        periods.append(row or dict.fromkeys(HISTORY_KEYS) | {"period": dataset.period})
    row = match.iloc[0]
    pace, target_period_assumed = pace_of_history(periods, pace_rule(resources))
    return {
        "code": code,
        "name": row["nama"],
        "province": row["provinsi"],
        "province_code": row["kode_prov"],
        "series": series,
        "is_sample": any(d.is_sample for d in datasets),
        "periods": periods,
        "pace": asdict(pace) | {"target_period_assumed": target_period_assumed},
        "neighbours": [
            {"code": c, "name": resources.boundaries.districts.set_index("kode").at[c, "nama"]}
            for c in resources.neighbours.get(code, [])
        ],
    }
