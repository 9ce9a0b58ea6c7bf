"""The province layer: one row per province, published province figures, incomplete provinces never coloured."""

import csv
import re

import pytest

from app import ROOT
from tests.conftest import SHARED_SOURCE
from tests.pages import rows_labelled

RESEARCH = SHARED_SOURCE.parent / "coverage" / "published_ucj_research.csv"
BUNDLED = ROOT / "data" / "coverage" / "provinsi.csv"


def layer(client, query):
    data = client.get(f"/api/coverage.geojson?layer=provinsi&{query}").get_json()
    return {f["properties"]["code"]: f["properties"] for f in data["features"]}


def test_bundled_province_figures_are_copied_from_the_sources_as_printed():
    with RESEARCH.open(encoding="utf-8") as handle:
        research = list(csv.DictReader(handle))
    with BUNDLED.open(encoding="utf-8") as handle:
        bundled = list(csv.DictReader(handle))
    assert len(bundled) == 13 and {r["provinsi"] for r in bundled}.isdisjoint({"Sumatera Barat", "Kepulauan Riau"})
    for row in bundled:
        same = [r for r in research if r["province"] == row["provinsi"] and r["source_url"] == row["sumber"]]
        assert any(r["metric"] == "coverage_percent" and r["value"] == row["cakupan"] for r in same), row
        assert all(
            any(r["value"] == row[column] for r in same) for column in ("peserta", "pekerja", "target") if row[column]
        ), row
        assert row["tanggal"] and not row["tanggal"].startswith("date")


def test_default_province_layer_shows_the_published_figures(shared_app):
    client = shared_app.test_client()
    provinces = layer(client, "scope=kalimantan-sumatera")
    assert len(provinces) == 15  # one feature per province, drawn from the province outlines
    riau = provinces["14"]
    assert riau["name"] == "Riau" and riau["coverage_pct"] == 31.91 and riau["basis"] == "terbitan"
    assert riau["as_of"] == "30 Juli 2025" and riau["source"].startswith("https://m.situsriau.com/")
    assert riau["gap_pct"] == -23.14  # 31.91 − 55.05
    for code in ("13", "21"):  # no exact province figure, one or two districts: not coloured
        assert provinces[code]["basis"] == "tidak_lengkap" and provinces[code]["coverage_pct"] is None
        assert provinces[code]["level"] == "tidak_ada_data"
    page = client.get("/?layer=provinsi&period=2025-10").get_data(as_text=True)  # the compilation as published
    assert "13 dari 15 provinsi" in page  # the legend counts provinces
    ranks = [re.fullmatch(r"(\d+) dari (\d+)", text).groups() for text in rows_labelled(page, "Peringkat")]
    assert sorted(int(rank) for rank, _ in ranks) == list(range(1, 14)) and {of for _, of in ranks} == {"13"}


def test_the_terbaru_province_layer_leaves_out_figures_older_than_the_window(shared_app):
    """Kalimantan Selatan's and Kalimantan Timur's figures are of Maret 2023: more than 24 months before the
    series' newest period, so the default (terbaru) province layer does not colour them as current."""
    client = shared_app.test_client()
    provinces = layer(client, "scope=kalimantan-sumatera")
    assert provinces["14"]["coverage_pct"] == 31.91 and provinces["14"]["basis"] == "terbitan"
    for code in ("63", "64"):
        assert provinces[code]["basis"] != "terbitan" and provinces[code]["level"] == "tidak_ada_data"
    assert "11 dari 15 provinsi" in client.get("/?layer=provinsi").get_data(as_text=True)
    assert layer(client, "scope=kalimantan&window=36")["64"]["coverage_pct"] == 70.86  # a wider window takes it


@pytest.mark.parametrize(("query", "ranked"), [("series=contoh", 15), ("scope=kalimantan&series=contoh", 5)])
def test_province_ranks_count_the_provinces_shown(shared_app, query, ranked):
    client = shared_app.test_client()
    provinces = layer(client, query)
    assert len(provinces) == ranked and all(p["basis"] == "total_kabupaten" for p in provinces.values())
    scope = "kalimantan" if "kalimantan" in query else "kalimantan-sumatera"
    page = client.get(f"/map/{scope}?series=contoh&layer=provinsi").get_data(as_text=True)
    ranks = [re.fullmatch(r"(\d+) dari (\d+)", text).groups() for text in rows_labelled(page, "Peringkat")]
    assert sorted(int(rank) for rank, _ in ranks) == list(range(1, ranked + 1))
    assert {of for _, of in ranks} == {str(ranked)}


def test_load_samples_loads_the_province_figures_once(app):
    runner = app.test_cli_runner()
    assert "already loaded" in runner.invoke(args=["coverage", "load-samples"]).output
    assert layer(app.test_client(), "scope=kalimantan&period=2025-10")["64"]["coverage_pct"] == 70.86
