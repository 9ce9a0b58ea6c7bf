"""The bundled published figures (data/coverage/terbitan.csv): curated from the research files by one command,
copied as printed, each with its date, period, source and (for the recent file) its sentence."""

import csv
import importlib.util
import re

import pytest

from app import ROOT
from tests.conftest import SHARED_SOURCE

RESEARCH = SHARED_SOURCE.parent / "coverage" / "published_ucj_research.csv"
RECENT = SHARED_SOURCE.parent / "coverage" / "published_ucj_research_2026-12.csv"
BUNDLED = ROOT / "data" / "coverage" / "terbitan.csv"
MONTHS = "januari februari maret april mei juni juli agustus september oktober november desember".split()


def _curation():
    spec = importlib.util.spec_from_file_location("curate_published", ROOT / "scripts" / "curate_published.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _printed(value: str) -> str:
    """A value as an Indonesian page prints it: 15.65 -> '15,65'."""
    return value.replace(".", ",")


def test_the_bundled_file_is_what_the_script_makes_from_both_research_files():
    assert _curation().district_rows(RESEARCH, RECENT) == _rows(BUNDLED)


def test_recent_figures_are_exact_dated_percentages_copied_with_their_sentence():
    research = _rows(RECENT)
    bundled = _rows(BUNDLED)
    quoted = [row for row in bundled if row["kutipan"]]
    assert len(quoted) == 10
    for row in quoted:
        (source,) = [
            r
            for r in research
            if (r["quote"], r["code"], r["url"]) == (row["kutipan"], row["kode"], row["sumber"])
            and r["metric"].startswith("ucj_pct")
        ]
        assert "approx" not in source["metric"] and source["value"] == row["cakupan"], row
        assert source["as_of"].startswith(row["tanggal"]), row
        assert re.search(rf"\b{re.escape(_printed(row['cakupan']))}\s*(%|persen)", row["kutipan"]), row
        for column, metric in (("peserta", "participants"), ("pekerja", "employed"), ("target", "target_pct")):
            if row[column]:
                assert any(
                    r["value"] == row[column] and r["metric"].startswith(metric) and r["url"] == row["sumber"]
                    for r in research
                ), (row, column)
    left_out = {"12.71", "16.09", "19.01", "64.71", "14.06", "64.01"}  # conflict, ambiguous, undated, not UCJ
    assert left_out.isdisjoint({row["kode"] for row in bundled})


@pytest.mark.parametrize("row", _rows(BUNDLED), ids=lambda row: row["kode"])
def test_every_figure_has_its_source_date_and_the_month_it_describes(row):
    assert row["sumber"].startswith("https://") and row["tanggal"]
    year = row["tanggal"][-4:]
    named = [i for i, month in enumerate(MONTHS, 1) if re.search(rf"\b{month}\b", row["tanggal"], re.I)]
    assert row["periode"] == (f"{year}-{named[0]:02d}" if named else "")
    assert row["cakupan"] or (row["peserta"] and row["pekerja"])  # a percentage, or both counts to make it


def test_the_default_map_and_the_readme_count_the_bundled_districts(client):
    bundled = _rows(BUNDLED)
    rows = client.get("/api/ranking?scope=kalimantan-sumatera").get_json()["rows"]
    shown = {r["code"] for r in rows if r["coverage_pct"] is not None}

    # The default is the terbaru view: a figure more than 24 months older than the series' period (2025-10) is
    # data lama, kept with its old value but never coloured. A figure dated by year alone counts as its December.
    def month(row):
        return row["periode"] or f"{row['tanggal'][-4:]}-12"

    def months_before(period, later="2025-10"):
        return (int(later[:4]) - int(period[:4])) * 12 + int(later[5:]) - int(period[5:])

    old = {row["kode"] for row in bundled if months_before(month(row)) > 24}
    assert shown == {row["kode"] for row in bundled} - old
    assert {r["code"] for r in rows if r["stale"]} == old
    for row in bundled:
        (district,) = [r for r in rows if r["code"] == row["kode"]]
        if row["kode"] in old:
            assert district["stale_coverage_pct"] is not None
            continue
        assert district["source"] == row["sumber"] and district["as_of"] == row["tanggal"]
    years = sorted({row["tanggal"][-4:] for row in bundled})
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{len(bundled)} kabupaten/kota" in readme and f"{years[0]}–{years[-1]}" in readme
