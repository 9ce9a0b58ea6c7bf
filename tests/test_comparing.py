"""Ranking, summary and district API and pages, on hand-made datasets with hand-computed answers."""

import csv
import io
import time

import pytest
from openpyxl import load_workbook

from tests.pages import table_rows, tooltip_rows
from tests.test_app import add_dataset

# (code, input, participants, workers, coverage, target, source, as_of)
JUNE = [
    ("62.11", "Pulang Pisau", 30_000, 100_000, 30.0, 50.0, None, None),
    ("62.02", "Kotim", 50_000, 100_000, 50.0, 50.0, None, None),
    ("62.71", "Palangka Raya", 10, 20, 50.0, None, None, None),
]
DECEMBER = [
    ("62.11", "Pulang Pisau", 41_300, 100_000, 41.3, 61.0, "=cmd|' /C calc'!A0", None),
    ("62.02", "Kotim", 45_000, 100_000, 45.0, 50.0, None, None),
    ("62.01", "Kobar", None, None, 45.0, None, None, None),  # no counts: ranked, not summed
    ("63.03", "Banjar", 26_100, 100_000, 26.1, 29.47, None, None),
]


@pytest.fixture()
def client(app):
    add_dataset(app, JUNE, period="2030-06")
    add_dataset(app, DECEMBER, period="2030-12")
    return app.test_client()


def test_ranking_orders_by_coverage_with_ties_by_name(client):
    data = client.get("/api/ranking?scope=kalimantan&period=2030-12").get_json()
    rows = data["rows"]
    assert [r["code"] for r in rows[:4]] == ["62.01", "62.02", "62.11", "63.03"]  # a tie at 45%, by name
    assert [r["rank"] for r in rows[:4]] == [1, 1, 3, 4]
    assert len(rows) == 56 and rows[-1]["rank"] is None
    pulang_pisau = rows[2]
    assert pulang_pisau["gap_pct"] == -19.7 and pulang_pisau["uncovered_to_target"] == 19_700
    assert {
        "rank",
        "code",
        "name",
        "province",
        "coverage_pct",
        "level",
        "target_pct",
        "gap_pct",
        "uncovered_to_target",
        "participants",
        "workers",
    } <= set(pulang_pisau)
    assert "change_pct_points" not in pulang_pisau


def test_ranking_with_compare_gives_change_only_where_both_periods_have_data(client):
    rows = {r["code"]: r for r in client.get("/api/ranking?scope=62&period=2030-12&compare=2030-06").get_json()["rows"]}
    assert rows["62.11"]["change_pct_points"] == 11.3
    assert rows["62.02"]["change_pct_points"] == -5.0
    assert rows["62.01"]["change_pct_points"] is None  # only in December
    assert rows["62.71"]["change_pct_points"] is None  # only in June
    assert rows["62.11"]["level"] == "rendah"  # tables keep coverage levels on a change map


def test_summary_totals_are_weighted(client):
    data = client.get("/api/summary?scope=kalimantan&period=2030-12").get_json()
    # (41,300 + 45,000 + 26,100) / 300,000 = 37.47%; Kobar has no counts and is left out of both sums
    assert (data["participants"], data["workers"], data["coverage_pct"]) == (112_400, 300_000, 37.47)
    assert data["districts_without_figures"] == 53 and data["levels"]["tidak_ada_data"] == 52
    provinces = {p["code"]: p for p in data["provinces"]}
    assert provinces["62"]["coverage_pct"] == 43.15  # 86,300 / 200,000
    assert provinces["61"]["coverage_pct"] is None
    assert [d["code"] for d in data["best"]][:2] == ["62.01", "62.02"]


def test_district_api(client):
    data = client.get("/api/district/62.11").get_json()
    periods = {p["period"]: p for p in data["periods"]}
    assert periods["2030-06"]["coverage_pct"] == 30.0 and periods["2030-12"]["coverage_pct"] == 41.3
    assert periods["2030-12"]["rank"] == 3 and periods["2030-12"]["rank_province"] == 3
    assert "62.71" in {n["code"] for n in data["neighbours"]}
    assert client.get("/api/district/6211").status_code == 404  # the API takes the Kemendagri form


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/district/99.99", 404),
        ("/api/ranking?scope=atlantis", 400),
        ("/api/ranking?segment=atlantis", 400),
        ("/api/summary?period=2000-01", 404),
        ("/district/99.99", 404),
        ("/api/ranking?compare=1999-01", 404),
    ],
)
def test_unknown_things_answer_with_a_message(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert "Traceback" not in response.get_data(as_text=True)


def test_ranking_downloads(client):
    text = client.get("/api/ranking.csv?scope=62&period=2030-12").get_data(as_text=True)
    assert text.splitlines()[1].startswith("1,62.01,Kabupaten Kotawaringin Barat")
    assert "'=cmd" in text  # a formula in the data is written as text
    book = load_workbook(io.BytesIO(client.get("/api/ranking.xlsx?scope=62&period=2030-12").data))
    rows = list(book.active.values)
    assert rows[0][:3] == ("rank", "code", "name") and rows[1][1] == "62.01"
    assert any(isinstance(v, str) and v.startswith("'=cmd") for row in rows for v in row)


def test_pages(client):
    map_page = client.get("/map/kalimantan?period=2030-12&compare=2030-06").get_data(as_text=True)
    assert (
        "Perubahan cakupan" in map_page and "Perubahan sejak Juni 2030" in map_page
    )  # a period in words, not its code
    assert "62.11" in table_rows(map_page) and "37,5%" in map_page  # weighted total in the strip
    district = client.get("/district/62.11").get_data(as_text=True)
    assert "Kabupaten Pulang Pisau" in district and "<svg" in district and "41,3%" in district
    assert client.get("/map/kalimantan/berdampingan?period=2030-12&compare=2030-06").status_code == 200
    province_layer = client.get("/map/kalimantan?period=2030-12&layer=provinsi").get_data(as_text=True)
    # Kalimantan Tengah's and Selatan's districts with counts hold too few of their employed: not coloured
    assert "0 dari 5 provinsi" in province_layer and "data tidak lengkap" in province_layer


def test_compare_page(client):
    page = client.get("/bandingkan?kode=62.11,6202&period=2030-12")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Pulang Pisau" in text and "Kotawaringin Timur" in text and "<svg" in text
    too_many = client.get("/bandingkan?kode=" + ",".join(f"62.0{i}" for i in range(1, 8)))
    assert too_many.status_code == 400 and "2 sampai 6" in too_many.get_data(as_text=True)
    unknown = client.get("/bandingkan?kode=62.11&kode=99.99")
    assert unknown.status_code == 400 and "99.99" in unknown.get_data(as_text=True)


def test_ranking_and_summary_answer_in_under_50_ms_once_warm(shared_app):
    client = shared_app.test_client()
    for url in ("/api/ranking?series=contoh&compare=2025-06", "/api/summary?series=contoh"):
        client.get(url)
        start = time.perf_counter()
        for _ in range(10):
            assert client.get(url).status_code == 200
        assert (time.perf_counter() - start) / 10 < 0.05, url


def test_gap_to_target_is_the_same_number_in_every_format(client):
    """coverage − target, negative = behind: Pulang Pisau 41.3 − 61.0 = −19.7, Banjar 26.1 − 29.47 = −3.37."""
    expected = {"62.11": -19.7, "63.03": -3.37}
    query = "scope=kalimantan&period=2030-12"
    geojson = {
        f["properties"]["code"]: f["properties"]["gap_pct"]
        for f in client.get(f"/api/coverage.geojson?{query}").get_json()["features"]
    }
    coverage_csv, ranking_csv = (
        list(
            csv.DictReader(io.StringIO(client.get(f"/api/{name}.csv?{query}").get_data(as_text=True).lstrip("\ufeff")))
        )
        for name in ("coverage", "ranking")
    )
    ranking_json = {r["code"]: r["gap_pct"] for r in client.get(f"/api/ranking?{query}").get_json()["rows"]}
    page = client.get("/map/kalimantan?period=2030-12").get_data(as_text=True)
    for code, gap in expected.items():
        district = client.get(f"/api/district/{code}").get_json()["periods"]
        assert geojson[code] == ranking_json[code] == district[-1]["gap_pct"] == gap
        assert float(next(r for r in coverage_csv if r["code"] == code)["gap_pct"]) == gap
        assert float(next(r for r in ranking_csv if r["code"] == code)["gap_pct"]) == gap
        shown = f"{gap:.1f}".replace(".", ",") + " poin"  # "-19,7 poin" in tooltip, table and district page
        assert table_rows(page)[code]["gap"] == shown  # the table's row of this district
        assert shown in client.get(f"/district/{code}").get_data(as_text=True)
    assert ["Terhadap target", "-19,7 poin"] in tooltip_rows(page)["62.11"]  # the tooltip
    assert "+19,7" not in page and "19,7 poin" not in page.replace("-19,7 poin", "")
