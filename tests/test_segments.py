"""Participant segments and who pays: read, reviewed, published, drawn, totalled, against hand computations."""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pandas as pd
import pytest

from geo.numbers import format_rupiah
from geo.samples import synthetic_records, synthetic_segments
from geo.segments import COUNT_COLUMNS, SEGMENT_COLUMNS, segment_figures, segment_problems, segment_totals
from geo.uploads import Kind, analyse_rows, parse_rupiah
from layers.charts import stacked_bar
from layers.choropleth import TooltipLabels, tooltip_content
from tests.databases import BOTH_DATABASES
from tests.test_uploads import auth, tokens, upload  # noqa: F401 - tokens is a fixture

PERIOD = "2025-08"
HEADER = (
    "Kode,Kabupaten/Kota,Peserta,Penduduk Bekerja,Penerima Upah (PU),Bukan Penerima Upah (BPU),Jasa Konstruksi,"
    "Pekerja Migran,Peserta Rentan APBD Kab/Kota,Peserta Rentan APBD Prov,Peserta Rentan Lain,"
    "Iuran per orang per bulan (Rp),Sumber\n"
)
# Kalimantan Timur: Penajam Paser Utara adds up; Samarinda's segments exceed its participants (a warning);
# Paser has no segments; Balikpapan gives PU only.
KALTIM = HEADER + (
    "64.09,Penajam Paser Utara,60.000,150.000,30.000,25.000,4.000,1.000,15.000,5.614,0,Rp16.800,BPJS Kaltim\n"
    "64.72,Kota Samarinda,200.000,400.000,150.000,50.000,10.000,2.000,0,3.000,1.000,Rp16.800,BPJS Kaltim\n"
    "64.01,Paser,30.000,100.000,,,,,,,,,BPJS Kaltim\n"
    "64.71,Kota Balikpapan,150.000,300.000,120.000,,,,,,,,BPJS Kaltim\n"
)
# By hand: shares of the employed (2 decimals), who pays of the vulnerable, budget = paid × contribution × 12.
PPU = {
    "participants_pu": 30000,
    "pu_pct": 20.0,  # 30.000 / 150.000
    "bpu_pct": 16.67,  # 25.000 / 150.000 = 16,666…
    "jakon_pct": 2.67,
    "pmi_pct": 0.67,
    "vulnerable": 20614,  # 15.000 + 5.614 + 0
    "vulnerable_pct": 13.74,  # 20.614 / 150.000 = 13,742…
    "vulnerable_regency_share_pct": 72.77,  # 15.000 / 20.614 = 72,766…
    "vulnerable_province_share_pct": 27.23,
    "vulnerable_other_share_pct": 0.0,
    "budget_regency_yearly": 3_024_000_000,  # 15.000 × 16.800 × 12
    "budget_province_yearly": 1_131_782_400,  # 5.614 × 16.800 × 12
    "contribution_monthly": 16800,
}


def rows_of(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.strip().split("\n")]


@pytest.mark.parametrize(
    ("value", "locale", "shown"),
    [
        (3_024_000_000, "id", "Rp3.024.000.000"),
        (1_234_567_890, "id", "Rp1.234.567.890"),
        (16_800, "id", "Rp16.800"),
        (0, "id", "Rp0"),
        (1_234_567_890, "en", "Rp1,234,567,890"),
        (None, "id", "–"),
        (pd.NA, "id", "–"),
    ],
)
def test_rupiah_is_written_the_indonesian_way(value, locale, shown):
    assert format_rupiah(value, locale) == shown


@pytest.mark.parametrize(
    ("text", "value"), [("Rp16.800", 16800), ("Rp 16.800,00", 16800), ("16800", 16800), ("rp.16.800", 16800)]
)
def test_contributions_are_read_with_or_without_rp(text, value):
    assert parse_rupiah(text) == value


def test_a_contribution_beyond_reason_is_refused():
    with pytest.raises(ValueError, match="Iuran"):
        parse_rupiah("168.000.000")


def test_derived_figures_match_a_hand_computation():
    frame = pd.DataFrame(
        [
            {
                "code": "64.09",
                "participants": 60000,
                "workers": 150000,
                "participants_pu": 30000,
                "participants_bpu": 25000,
                "participants_jakon": 4000,
                "participants_pmi": 1000,
                "vulnerable_regency": 15000,
                "vulnerable_province": 5614,
                "vulnerable_other": 0,
                "contribution_monthly": 16800,
            },
            {"code": "64.01", "participants": 30000, "workers": 100000},
        ]
    )
    figures = segment_figures(frame)
    for column, expected in PPU.items():
        assert figures.at[0, column] == expected, column
    # No segments: unknown, never 0.
    assert figures.loc[1, list(PPU)].isna().all()


def test_a_missing_payer_leaves_who_pays_unknown_not_zero():
    frame = pd.DataFrame([{"participants": 100, "workers": 1000, "vulnerable_regency": 50, "vulnerable_province": 10}])
    figures = segment_figures(frame)
    assert pd.isna(figures.at[0, "vulnerable"]) and np.isnan(figures.at[0, "vulnerable_regency_share_pct"])
    assert figures.at[0, "budget_regency_yearly"] is pd.NA  # no contribution given


@pytest.mark.parametrize(
    ("row", "messages"),
    [
        (
            {
                "participants": 100,
                "participants_pu": 60,
                "participants_bpu": 30,
                "participants_jakon": 5,
                "participants_pmi": 5,
            },
            0,
        ),
        (
            {
                "participants": 100,
                "participants_pu": 60,
                "participants_bpu": 30,
                "participants_jakon": 5,
                "participants_pmi": 0,
            },
            1,
        ),
        ({"participants": 100, "participants_pu": 90, "participants_bpu": 20}, 1),  # partial, but already too many
        ({"participants": 100, "participants_pu": 90}, 0),  # partial and below the total
        ({"participants": 100, "vulnerable_regency": 80, "vulnerable_province": 30}, 1),
        ({"participants": None, "participants_pu": 5}, 1),
        ({"participants": 100}, 0),
    ],
)
def test_segments_that_do_not_add_up_are_named(row, messages):
    assert len(segment_problems(row)) == messages


def test_a_province_file_with_segment_columns_reads_every_segment_and_warns_where_they_exceed(index):
    report = analyse_rows(rows_of(KALTIM), index, PERIOD)
    assert report.ok, report.errors
    for key in ("peserta_pu", "peserta_bpu", "peserta_jakon", "peserta_pmi", "peserta_rentan_apbd_kabkota", "iuran"):
        assert key in report.columns
    by_code = {row.code: row for row in report.rows}
    ppu = by_code["64.09"]
    assert (ppu.participants_pu, ppu.vulnerable_province, ppu.contribution_monthly) == (30000, 5614, 16800)
    assert by_code["64.01"].participants_pu is None  # blank cells stay unknown
    segment_warnings = [w for w in report.warnings if w.kind == Kind.SEGMENTS]
    assert [(w.row, w.column) for w in segment_warnings] == [(3, "segmen")]
    assert "212.000" in segment_warnings[0].message and "200.000" in segment_warnings[0].message
    records = report.records()
    assert records.loc[records["code"] == "64.09", "vulnerable_regency"].item() == 15000
    assert str(records["participants_pu"].dtype) == "Int64"


def test_a_file_without_segments_has_no_segment_columns_or_warnings(index):
    report = analyse_rows(rows_of("kode,wilayah,peserta,pekerja\n64.09,PPU,60000,150000"), index, PERIOD, "BPJS")
    assert report.ok and not [w for w in report.warnings if w.kind == Kind.SEGMENTS]
    assert report.records()[SEGMENT_COLUMNS].isna().all().all()


def test_an_edit_revalidates_the_segment_warning(index):
    from geo.uploads import drop_row

    report = analyse_rows(rows_of(KALTIM), index, PERIOD)
    drop_row(report, 3)
    assert not [w for w in report.warnings if w.kind == Kind.SEGMENTS]


def test_totals_are_weighted_and_follow_the_completeness_rule():
    frame = pd.DataFrame(
        {
            "workers": [150000, 400000, 100000, 300000, 50000],
            "participants_pu": [30000, 150000, None, 120000, None],
            "vulnerable_regency": [15000, 0, None, None, None],
            "vulnerable_province": [5614, 3000, None, None, None],
            "vulnerable_other": [0, 1000, None, None, None],
            "contribution_monthly": [16800, 16800, None, None, None],
        }
    )
    totals = segment_totals(frame)
    assert segment_totals(segment_figures(frame)) == totals  # a joined frame's derived columns are read as they are
    pu = totals["segments"]["pu"]
    # Σ PU ÷ Σ employed of the districts with both: 300.000 / 850.000, not the mean of 20%, 37,5% and 40%.
    assert (pu["count"], pu["of"], pu["pct"]) == (300000, 850000, round(300000 / 850000 * 100, 2))
    assert pu["districts_in_totals"] == 3 and pu["complete"] is False  # 3 of 5 < 80%
    regency = totals["payers"]["kabkota"]
    assert (regency["count"], regency["of"], regency["pct"]) == (15000, 24614, 60.94)
    assert totals["budget_regency_yearly"] == 3_024_000_000 and totals["districts_with_budget"] == 2
    full = segment_totals(frame.assign(participants_pu=[1, 1, 1, 1, None]))
    assert full["segments"]["pu"]["complete"] is True  # 4 of 5 = 80%


def test_the_tooltip_shows_the_breakdown_and_the_yearly_budget_escaped():
    row = segment_figures(
        pd.DataFrame(
            [
                {
                    "name": "<b>Penajam</b>",
                    "province": "Kalimantan Timur",
                    "participants": 60000,
                    "workers": 150000,
                    "coverage_pct": 40.0,
                    "target_pct": None,
                    "gap_pct": None,
                    "rank": 1,
                    "participants_pu": 30000,
                    "vulnerable_regency": 15000,
                    "vulnerable_province": 5614,
                    "vulnerable_other": 0,
                    "contribution_monthly": 16800,
                }
            ]
        )
    ).to_dict("records")[0]
    labels = TooltipLabels(
        "Cakupan", "Peserta", "Pekerja", "Target", "Gap", "Tingkat", "Peringkat", "Sumber", "–", "{rank}/{total}"
    )
    assert not any("Rp" in text for _, text in tooltip_content(row, labels, "Sedang", 10, "id").rows)  # as before
    tip = tooltip_content(row, labels, "Sedang", 10, "id", segments=True)
    assert ("Segmen (% pekerja)", "PU 20,0%") in tip.rows  # only the segments given
    assert ("20.614 pekerja rentan dibayar", "kab/kota 72,8% · provinsi 27,2% · lain 0,0%") in tip.rows
    assert ("Anggaran APBD kab/kota per tahun", "Rp3.024.000.000") in tip.rows
    assert ("Anggaran APBD provinsi per tahun", "Rp1.131.782.400") in tip.rows
    assert tip.title.startswith("<b>Penajam")  # plain text, set with textContent
    assert not any("BPU" in text for _, text in tip.rows)  # not given: not shown as 0


def test_a_district_without_segments_has_no_segment_lines():
    row = segment_figures(
        pd.DataFrame(
            [
                {
                    "name": "Paser",
                    "province": "Kaltim",
                    "participants": 1,
                    "workers": 2,
                    "coverage_pct": 50.0,
                    "target_pct": None,
                    "gap_pct": None,
                    "rank": 1,
                }
            ]
        )
    )
    labels = TooltipLabels(
        "Cakupan", "Peserta", "Pekerja", "Target", "Gap", "Tingkat", "Peringkat", "Sumber", "–", "{rank}/{total}"
    )
    tip = tooltip_content(row.to_dict("records")[0], labels, "Sedang", 1, "id", segments=True)
    assert not any("Rp" in text for _, text in tip.rows)


def test_the_stacked_bar_splits_the_width_by_count():
    bar = stacked_bar(
        [
            ("pu", "PU", 30000),
            ("bpu", "BPU", 25000),
            ("jakon", "Jakon", 4000),
            ("pmi", "PMI", 1000),
            ("pu", "nol", 0),
            ("pmi", "kosong", None),
        ],
        "id",
        width=600,
    )
    assert [p.name for p in bar.parts] == ["PU", "BPU", "Jakon", "PMI"]
    assert [p.width for p in bar.parts] == [300.0, 250.0, 40.0, 10.0] and [p.x for p in bar.parts] == [0, 300, 550, 590]
    assert bar.parts[0].value == "30.000 (50,0%)"
    assert stacked_bar([("pu", "PU", 0)], "id") is None


def test_sample_segments_add_up_to_the_participants_and_are_deterministic(districts):
    records = synthetic_records(districts, 1)
    parts = records[["participants_pu", "participants_bpu", "participants_jakon", "participants_pmi"]].sum(axis=1)
    assert (parts == records["participants"]).all()
    assert (records[COUNT_COLUMNS] >= 0).all().all()
    vulnerable = records[["vulnerable_regency", "vulnerable_province", "vulnerable_other"]].sum(axis=1)
    assert (vulnerable <= records["participants_bpu"]).all()
    assert synthetic_segments("64.09", 1000, False) == synthetic_segments("64.09", 1000, False)
    assert records["vulnerable_regency"].eq(0).any() and records["vulnerable_regency"].gt(0).any()


def _features(client, query):
    data = client.get(f"/api/coverage.geojson?scope=kalimantan-timur&period={PERIOD}{query}").get_json()
    return {f["properties"]["code"]: f["properties"] for f in data["features"]}


@BOTH_DATABASES
def test_a_segment_file_reviews_publishes_and_colours_the_segment_and_who_pays_views(app, tokens):  # noqa: F811
    client, token = app.test_client(), tokens["editor"]
    page = client.get("/map/kalimantan-timur").get_data(as_text=True)
    assert 'value="pu"' not in page and 'value="pembiayaan"' not in page  # no segments in the data: not offered
    draft = upload(client, token, KALTIM, PERIOD).get_json()
    assert draft["ok"], draft["errors"]
    assert [(w["row"], w["kind"]) for w in draft["warnings"] if w["kind"] == "segments"] == [(3, "segments")]
    response = client.post(f"/api/uploads/{draft['id']}/publish", headers=auth(token))
    assert response.status_code == 201, response.get_json()

    props = _features(client, "&series=utama")
    ppu = props["64.09"]
    for column, expected in PPU.items():
        assert ppu[column] == pytest.approx(expected), column
    assert ppu["origin_draft_id"] == draft["id"]
    assert props["64.01"]["pu_pct"] is None and props["64.01"]["participants_pu"] is None  # never 0
    assert props["64.74"]["participants_pu"] is None  # Bontang, not in the file

    pu = _features(client, "&view=pu")
    assert (pu["64.09"]["level"], pu["64.09"]["fill"]) == ("sedang", "#74a9cf")  # 20% is 20–35%
    assert (pu["64.72"]["level"], pu["64.71"]["level"]) == ("tinggi", "tinggi")  # 37,5% and 40%
    assert pu["64.01"]["level"] == "tidak_ada_data"
    pays = _features(client, "&view=pembiayaan")
    assert pays["64.09"]["level"] == "kabkota_terbanyak"  # 72,77% paid by the regency
    assert pays["64.72"]["level"] == "kabkota_sedikit"  # 0 of 4.000: a real 0, coloured
    assert pays["64.71"]["level"] == "tidak_ada_data"  # PU only: who pays unknown

    page = client.get(f"/map/kalimantan-timur?period={PERIOD}&view=pu").get_data(as_text=True)
    assert 'value="pu" selected' in page and 'value="pembiayaan"' in page and 'value="jakon"' in page
    assert "Peserta penerima upah (PU)" in page and "Rp3.024.000.000" in page  # legend title, tooltip
    assert "hanya 3 dari 10 kabupaten/kota punya angka segmen ini" in page  # PU total: 3 of 10 < 80%

    summary = client.get(f"/api/summary?scope=kalimantan-timur&period={PERIOD}").get_json()["segments"]
    assert summary["segments"]["pu"]["pct"] == round(300000 / 850000 * 100, 2)
    assert summary["segments"]["pu"]["complete"] is False
    assert summary["payers"]["kabkota"]["pct"] == 60.94 and summary["budget_regency_yearly"] == 3_024_000_000

    ranked = client.get(f"/api/ranking?scope=kalimantan-timur&period={PERIOD}&segment=pu").get_json()["rows"]
    assert [(r["code"], r["rank"]) for r in ranked[:3]] == [("64.71", 1), ("64.72", 2), ("64.09", 3)]
    assert ranked[3]["rank"] is None
    assert client.get(f"/api/ranking?scope=kalimantan-timur&period={PERIOD}&segment=x").status_code in (400, 404)
    csv = client.get(f"/api/coverage.csv?scope=kalimantan-timur&period={PERIOD}").get_data(as_text=True)
    assert "budget_regency_yearly" in csv.splitlines()[0] and "3024000000" in csv

    district = client.get("/district/64.09").get_data(as_text=True)
    assert 'class="chart stacked"' in district
    assert "Penerima upah (PU): 30.000 (50,0%)" in district  # of the 60.000 participants
    assert "APBD kabupaten/kota: 15.000 (72,8%)" in district
    assert "Rp3.024.000.000" in district and "Rp1.131.782.400" in district and "Rp16.800" in district


@BOTH_DATABASES
def test_segments_survive_a_merge_and_a_file_without_them(app, tokens):  # noqa: F811
    client, token = app.test_client(), tokens["editor"]
    first = upload(client, token, KALTIM, PERIOD).get_json()
    client.post(f"/api/uploads/{first['id']}/publish", headers=auth(token))
    later = upload(client, token, "kode,wilayah,peserta,pekerja,sumber\n64.01,Paser,31000,100000,BPJS\n", PERIOD)
    assert client.post(f"/api/uploads/{later.get_json()['id']}/publish", headers=auth(token)).status_code == 201
    props = _features(client, "")
    assert props["64.09"]["budget_regency_yearly"] == 3_024_000_000 and props["64.09"]["origin_draft_id"] == first["id"]
    assert props["64.01"]["participants"] == 31000 and props["64.01"]["participants_pu"] is None
    assert not math.isnan(props["64.72"]["pu_pct"])


def test_the_review_page_shows_segments_and_the_warning_and_still_publishes(people):
    from openpyxl import Workbook

    from tests.test_editor import sign_in
    from tests.test_editor import upload as upload_page

    book = Workbook()
    book.active.append(["Kepesertaan per segmen, Kalimantan Timur"])  # a title row above the header
    for line in KALTIM.strip().split("\n"):
        cells = line.split(",")
        # Thousands typed as numbers, as Excel keeps them; the contribution stays text ('Rp16.800').
        book.active.append([int(c.replace(".", "")) if re.fullmatch(r"\d{1,3}(\.\d{3})+", c) else c for c in cells])
    data = io.BytesIO()
    book.save(data)
    client = people.test_client()
    sign_in(client, "penyunting")
    response = upload_page(client, data.getvalue(), period=PERIOD)
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<th>Segmen</th>" in review and "PU 30.000 · BPU 25.000 · Jakon 4.000 · PMI 1.000" in review
    assert "Rentan: kab/kota 15.000 · prov 5.614 · lain 0" in review and "Iuran Rp16.800/bulan" in review
    assert review.count('data-kind="segments"') == 1 and "Terbitkan" in review  # a warning, not an error


@pytest.fixture()
def people(app):
    from geo.accounts import create_user
    from tests.test_editor import PASSWORD
    from web.resources import get_resources

    with app.app_context():
        create_user(get_resources().engine, "penyunting", "editor", PASSWORD)
    return app


def test_the_summary_strip_gives_the_segment_total_of_the_scope(client):
    totals = client.get("/api/summary?series=contoh&scope=kalimantan").get_json()["segments"]
    page = client.get("/map/kalimantan?series=contoh&view=pembiayaan").get_data(as_text=True)
    strip = page[page.index('class="summary-strip"') : page.index("</section>", page.index('class="summary-strip"'))]
    assert format_rupiah(totals["budget_regency_yearly"], "id") in strip
    assert f"{totals['payers']['kabkota']['pct']:.1f}%".replace(".", ",") in strip
