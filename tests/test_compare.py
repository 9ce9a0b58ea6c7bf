"""Weighted totals, rankings, change between periods: checked against figures computed by hand."""

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from app import ROOT
from geo.compare import district_neighbours, history_row, province_view, ranking, summary, weighted_totals
from geo.join import join_coverage
from geo.levels import read_schemes
from geo.store import RECORD_COLUMNS

SCHEMES = read_schemes(ROOT / "data" / "levels.json")
KEYS = [level.key for level in SCHEMES["cakupan"].levels] + ["tidak_ada_data"]


def districts():
    rows = [
        ("62.01", "Kabupaten A", "62", "Kalimantan Tengah"),
        ("62.02", "Kabupaten B", "62", "Kalimantan Tengah"),
        ("62.03", "Kabupaten C", "62", "Kalimantan Tengah"),
        ("63.01", "Kabupaten D", "63", "Kalimantan Selatan"),
        ("63.02", "Kabupaten E", "63", "Kalimantan Selatan"),
    ]
    return gpd.GeoDataFrame(
        [
            {
                "kode": k,
                "nama": n,
                "jenis": "Kabupaten",
                "kode_prov": p,
                "provinsi": pn,
                "pulau": "Kalimantan" if p == "62" else "Sumatera",
            }
            for k, n, p, pn in rows
        ],
        geometry=[box(i, 0, i + 1, 1) for i in range(5)],
        crs=4326,
    )


def records(rows):
    frame = pd.DataFrame(rows, columns=["code", "participants", "workers", "coverage_pct", "target_pct"])
    for column in RECORD_COLUMNS:
        if column not in frame:
            frame[column] = None
    return frame[RECORD_COLUMNS]


NOW = records(
    [
        ("62.01", 30_000, 100_000, 30.0, 50.0),
        ("62.02", 90_000, 100_000, 90.0, 50.0),
        ("62.03", None, None, 30.0, None),  # a percentage without counts: ranked, but not in the sums
        ("63.01", 10_000, 50_000, 20.0, 60.0),
    ]
)  # 63.02 has no data at all
BEFORE = records(
    [("62.01", 25_000, 100_000, 25.0, None), ("62.02", 91_000, 100_000, 91.0, None), ("63.02", 1, 10, 10.0, None)]
)


def joined(previous=None, scheme="cakupan"):
    return join_coverage(districts(), NOW, "2025-12", SCHEMES[scheme], previous)


def test_weighted_totals_are_sums_not_averages():
    totals = weighted_totals(joined())
    # (30,000 + 90,000 + 10,000) / (100,000 + 100,000 + 50,000) = 52%; the mean of percentages would be 42.5%
    assert totals == {
        "participants": 130_000,
        "workers": 250_000,
        "coverage_pct": 52.0,
        "uncovered": 120_000,
        "districts": 5,
        "districts_in_totals": 3,
        "districts_without_figures": 2,
        "complete": False,  # 3 of 5 districts is under 80%: shown as a partial figure
    }


def test_summary_counts_levels_and_totals_each_province():
    result = summary(joined(), KEYS)
    assert result["levels"] == {"sangat_rendah": 0, "rendah": 3, "sedang": 0, "tinggi": 1, "tidak_ada_data": 1}
    provinces = {p["code"]: p for p in result["provinces"]}
    assert provinces["62"]["coverage_pct"] == 60.0  # 120,000 / 200,000
    assert [(i["name"], i["coverage_pct"]) for i in result["islands"]] == [("Kalimantan", 60.0), ("Sumatera", 20.0)]
    assert provinces["63"]["coverage_pct"] == 20.0 and provinces["63"]["districts_without_figures"] == 1
    assert [d["code"] for d in result["best"]] == ["62.02", "62.01", "62.03", "63.01"]
    assert [d["code"] for d in result["worst"]] == ["63.01", "62.03", "62.01", "62.02"]


def test_ranking_order_ties_and_gaps():
    table = ranking(joined())
    assert table["code"].tolist() == ["62.02", "62.01", "62.03", "63.01", "63.02"]  # ties by name; no data last
    assert table["rank"].tolist()[:4] == [1, 2, 2, 4]
    assert pd.isna(table["rank"].iloc[4])
    assert table["gap_pct"].tolist()[:2] == [40.0, -20.0]
    # 50% of 100,000 − 30,000 = 20,000 still to cover; a district past its target needs 0
    assert table["uncovered_to_target"].tolist()[:2] == [0, 20_000]
    assert table.loc[table["code"] == "63.01", "uncovered_to_target"].item() == 20_000  # 60% of 50,000 − 10,000


def test_change_only_where_both_periods_have_data():
    table = ranking(joined(BEFORE))
    change = dict(zip(table["code"], table["change_pct_points"], strict=True))
    assert change["62.01"] == 5.0 and change["62.02"] == -1.0
    assert np.isnan(change["62.03"]) and np.isnan(change["63.01"])  # only in the later period
    assert np.isnan(change["63.02"])  # only in the earlier period


def test_change_view_classifies_by_points():
    levels = dict(zip(joined(BEFORE, "perubahan")["code"], joined(BEFORE, "perubahan")["level"], strict=True))
    assert levels == {
        "62.01": "naik_tajam",
        "62.02": "tetap",  # -1.0 is the lower edge of "tetap"
        "62.03": "tidak_ada_data",
        "63.01": "tidak_ada_data",
        "63.02": "tidak_ada_data",
    }


def test_province_view_gives_each_district_its_province_totals():
    earlier = join_coverage(districts(), BEFORE, "2025-06", SCHEMES["cakupan"])
    view = province_view(joined(BEFORE), earlier)
    assert view.loc[view["province_code"] == "62", "coverage_pct"].unique().tolist() == [60.0]
    # Kalimantan Tengah before: (25,000 + 91,000) / 200,000 = 58%
    assert view.loc[view["code"] == "62.01", "change_pct_points"].item() == 2.0
    assert view["name"].tolist()[0] == "Kalimantan Tengah"


def test_neighbours_share_a_border():
    assert district_neighbours(districts())["62.02"] == ["62.01", "62.03"]


def test_history_row_ranks_overall_and_within_the_province():
    row = history_row(NOW, "62.01", "2025-12")
    assert (row["rank"], row["ranked"], row["rank_province"], row["ranked_province"]) == (2, 4, 2, 3)
    assert history_row(NOW, "63.02", "2025-12") is None
