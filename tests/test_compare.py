"""Weighted totals, rankings, change between periods: checked against figures computed by hand."""

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from app import ROOT
from geo.compare import (
    coverage_paths,
    district_neighbours,
    history_row,
    province_frame,
    ranking,
    summary,
    weighted_totals,
)
from geo.join import apply_levels, join_coverage
from geo.levels import read_schemes
from geo.store import PROVINCE_COLUMNS, RECORD_COLUMNS

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


def provinces():
    return gpd.GeoDataFrame(
        {"kode_prov": ["63", "62", "11"], "provinsi": ["Kalimantan Selatan", "Kalimantan Tengah", "Aceh"]}
        | {"pulau": ["Kalimantan", "Kalimantan", "Sumatera"]},
        geometry=[box(3, 0, 5, 1), box(0, 0, 3, 1), box(9, 9, 10, 10)],
        crs=4326,
    )


def figures(*rows):
    """Province figures as the store gives them; a row without its last column (target_year) says no year."""
    return pd.DataFrame([(*row, None)[: len(PROVINCE_COLUMNS)] for row in rows], columns=PROVINCE_COLUMNS)


def province_layer(now=NOW, published=None, previous=None):
    frame = join_coverage(districts(), now, "2025-12", SCHEMES["cakupan"])
    layer = province_frame(provinces(), frame, figures() if published is None else published, previous)
    return apply_levels(layer, SCHEMES["cakupan"]).set_index("code")


# Kalimantan Tengah with counts everywhere (share 100%); with one district's counts missing (share 2/3)
ALL_COUNTS = records([("62.01", 30_000, 100_000, 30.0, 50.0), ("62.02", 90_000, 100_000, 90.0, 50.0)])
ALL_COUNTS = pd.concat([ALL_COUNTS, records([("62.03", 10_000, 100_000, 10.0, None)])], ignore_index=True)


def test_province_frame_has_one_row_per_province_of_the_scope_from_its_outline():
    layer = province_layer(ALL_COUNTS)
    assert layer.index.tolist() == ["62", "63"]  # Aceh is not in the districts' scope
    assert layer.loc["62", "name"] == "Kalimantan Tengah" and layer.loc["62", "geometry"].equals(box(0, 0, 3, 1))


def test_a_province_with_counts_for_its_whole_employed_population_gets_the_weighted_total():
    layer = province_layer(ALL_COUNTS)
    # (30,000 + 90,000 + 10,000) / 300,000 = 43.33%
    assert (layer.loc["62", "participants"], layer.loc["62", "workers"]) == (130_000, 300_000)
    assert layer.loc["62", "coverage_pct"] == 43.33 and layer.loc["62", "basis"] == "total_kabupaten"
    assert layer.loc["62", "level"] == "rendah" and layer.loc["62", "rank"] == 1


def test_a_province_whose_districts_hold_too_little_is_incomplete_and_never_coloured():
    layer = province_layer()  # 62.03 has no employed figure, so the province total cannot be shown to be 80%
    assert layer["basis"].tolist() == ["tidak_lengkap", "tidak_lengkap"]
    assert layer["coverage_pct"].isna().all() and (layer["level"] == "tidak_ada_data").all()
    assert layer["rank"].isna().all()


def test_a_published_province_figure_wins_and_ranks_count_provinces():
    published = figures(("63", "Kalimantan Selatan", None, None, 34.25, 70.0, "https://x.go.id/a", "Maret 2023"))
    layer = province_layer(ALL_COUNTS, published)
    assert layer.loc["63", "coverage_pct"] == 34.25 and layer.loc["63", "basis"] == "terbitan"
    assert layer.loc["63", "source"] == "https://x.go.id/a" and layer.loc["63", "as_of"] == "Maret 2023"
    assert layer.loc["63", "gap_pct"] == -35.75  # coverage − target, the same definition as districts
    assert layer["rank"].tolist() == [1, 2]  # Kalimantan Tengah 43.33% first, of the two provinces


def test_province_change_needs_a_value_in_both_periods():
    earlier = join_coverage(
        districts(), ALL_COUNTS.assign(participants=ALL_COUNTS["participants"] // 2), "x", SCHEMES["cakupan"]
    )
    layer = province_layer(ALL_COUNTS, previous=(earlier, figures()))
    assert layer.loc["62", "previous_coverage_pct"] == 21.67 and layer.loc["62", "change_pct_points"] == 21.66
    assert np.isnan(layer.loc["63", "change_pct_points"])


def test_neighbours_share_a_border():
    assert district_neighbours(districts())["62.02"] == ["62.01", "62.03"]


def test_history_row_ranks_overall_and_within_the_province():
    row = history_row(NOW, "62.01", "2025-12")
    assert (row["rank"], row["ranked"], row["rank_province"], row["ranked_province"]) == (2, 4, 2, 3)
    assert history_row(NOW, "63.02", "2025-12") is None


def test_history_row_ranks_districts_only_when_a_version_carries_province_figures():
    province = NOW.iloc[[0]].assign(code="62", coverage_pct=99.0)  # uploaded province figure, highest of all
    row = history_row(pd.concat([NOW, province], ignore_index=True), "62.01", "2025-12")
    assert (row["rank"], row["ranked"], row["rank_province"], row["ranked_province"]) == (2, 4, 2, 3)


def test_coverage_paths_run_oldest_first_and_skip_missing_figures():
    june = pd.DataFrame({"code": ["62.11", "62.02"], "coverage_pct": [30.0, None]})
    december = pd.DataFrame({"code": ["62.11", "62.02"], "coverage_pct": [32.5, 12.0]})
    paths = coverage_paths([("2025-12", december), ("2025-06", june)])
    assert paths == {"62.11": [("2025-06", 30.0), ("2025-12", 32.5)], "62.02": [("2025-12", 12.0)]}


def test_chosen_codes_keep_the_order_given_once_each_and_report_the_unknown_as_written():
    from geo.compare import chosen_codes

    known = {"62.11", "62.02", "13.11"}
    # From a link (`kode=62.11,6202`: a BPS-style run of digits is read as 62.02) and from the form (one per field)
    assert chosen_codes(["62.11, 6202", "62.11"], known) == (["62.11", "62.02"], [])
    assert chosen_codes(["13.11", "99.99", "<b>x</b>"], known) == (["13.11"], ["99.99", "<b>x</b>"])
    assert chosen_codes([], known) == ([], [])


def test_compared_rows_keep_a_district_without_a_figure_and_plain_values():
    from geo.compare import compared_rows

    records = pd.DataFrame(
        {
            "code": ["62.01"],
            "coverage_pct": [np.float64(41.25)],
            "target_pct": [np.nan],
            "participants": [np.int64(3302)],
            "workers": [np.int64(8005)],
            "source": ["BPJS Kalteng"],
            "as_of": [None],
        }
    )
    rows = compared_rows(records, districts(), ["62.02", "62.01"])
    assert [r["code"] for r in rows] == ["62.02", "62.01"]
    assert rows[0] == {
        "code": "62.02",
        "name": "Kabupaten B",
        "province": "Kalimantan Tengah",
        **dict.fromkeys(("coverage_pct", "target_pct", "participants", "workers", "source", "as_of")),
    }
    assert rows[1]["coverage_pct"] == 41.25 and type(rows[1]["participants"]) is int and rows[1]["target_pct"] is None
