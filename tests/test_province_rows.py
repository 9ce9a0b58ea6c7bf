"""A row is a province row only when its whole name is a province: a district written with its province (in
parentheses, after a comma or a dash) is that district, never the province's figure."""

import pytest

from geo.accounts import create_user
from geo.district_index import whole_province
from geo.matching import match_district
from geo.uploads import Exclusion, Kind, ReportEditError, analyse_file, classify_row, province_row_as_district
from tests.test_editor import PASSWORD, csrf, sign_in, upload, xlsx
from web.resources import get_resources


def one_row(name: str, province: str = "", code: str = "") -> bytes:
    return f'kode,wilayah,provinsi,cakupan\n{code},"{name}",{province},"41,5"\n'.encode()


@pytest.mark.parametrize(
    ("name", "province", "expected"),
    [
        ("Kabupaten Kapuas (Kalimantan Tengah)", "", "62.03"),
        ("Kab. Banjar (Kalimantan Selatan)", "", "63.03"),
        ("Kab. Banjar (Kalsel)", "", "63.03"),
        ("Bengkulu (Kota)", "", "17.71"),
        ("Kapuas, Kalimantan Tengah", "", "62.03"),
        ("Kab. Banjar - Kalimantan Selatan", "", "63.03"),
        ("Kapuas \u2013 Kalteng", "", "62.03"),
        ("Kota Jambi, Jambi", "", "15.71"),
        ("Kabupaten Kapuas (Kalimantan Tengah)", "Kalimantan Tengah", "62.03"),
        ("Kabupaten Kapuas (Kalimantan Tengah)", "Kalimantan Selatan", None),  # two provinces: unmatched
        ("Kapuas (Kalimantan Barat)", "", None),  # no Kapuas in Kalimantan Barat (Kapuas Hulu is another)
        ("Sampit (18)", "", None),  # a footnote's number, not Lampung (18); Sampit is a town, not a district
        ("Muko-Muko", "", "17.06"),  # a dash inside a name is no province after it
    ],
)
def test_a_district_with_its_province_is_that_district_never_the_province(index, name, province, expected):
    report = analyse_file(one_row(name, province), "x.csv", index, "2025-10", source="uji")
    assert report.province_figures() == []
    assert [entry.input for entry in report.excluded] == []
    assert [row.code for row in report.rows] == [expected]


@pytest.mark.parametrize(
    ("name", "code", "province"),
    [
        ("Kalimantan Tengah", "", "62"),
        ("Provinsi Jambi", "", "15"),
        ("PROV. KALTENG", "", "62"),
        ("Aceh (NAD)", "", "11"),
        ("Kalimantan Tengah (62)", "", "62"),
        ("", "62", "62"),
        ("Kalimantan Tengah", "62", "62"),
    ],
)
def test_a_whole_province_name_is_still_a_province_row(index, name, code, province):
    report = analyse_file(one_row(name, code=code), "x.csv", index, "2025-10", source="uji")
    assert [(entry.province, entry.coverage_pct) for entry in report.province_figures()] == [(province, 41.5)]
    assert report.rows == []


@pytest.mark.parametrize("code", ["11", "15", "62", "65"])
def test_a_database_id_that_equals_a_province_code_does_not_make_a_district_a_province(index, code):
    columns = {"code": 0, "name": 1, "coverage": 2}
    assert classify_row("Kabupaten Aceh Utara", code, [code, "Kabupaten Aceh Utara", "40"], columns, index) is None
    assert classify_row("", code, [code, "", "40"], columns, index) == Exclusion.PROVINCE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kalimantan Tengah", "62"),
        ("Nanggroe Aceh Darussalam (NAD)", "11"),
        ("Kabupaten Kapuas (Kalimantan Tengah)", None),
        ("Bengkulu (Kota)", None),
        ("Sampit (18)", None),
        ("Jambi (18)", None),  # two different provinces: not one
        ("Banjar, Kalsel", None),
    ],
)
def test_whole_province(index, text, expected):
    assert whole_province(index, text) == expected


def test_match_district_reads_the_province_after_a_comma(index):
    assert match_district(index, name="Kabupaten Solok, Sumatera Barat").code == "13.02"
    assert match_district(index, name="Solok, Sumatera Barat").code is None  # Kota or Kabupaten: still ambiguous


def test_an_editor_turns_a_province_row_back_into_a_district_row(index):
    data = b'wilayah,cakupan\nProvinsi Jambi,"30,5"\nKalimantan Tengah,"41,5"\nKota Solok,40\n'
    report = analyse_file(data, "x.csv", index, "2025-10", source="uji")
    assert [entry.province for entry in report.province_figures()] == ["15", "62"]
    province_row_as_district(report, 2, index)  # 'Provinsi Jambi' was a province row; now a row to match
    assert [entry.province for entry in report.province_figures()] == ["62"]
    row = next(row for row in report.rows if row.row == 2)
    assert (row.code, row.coverage_pct) == (None, 30.5)  # a province's name: unmatched, never guessed
    assert any(p.row == 2 and p.kind == Kind.UNMATCHED for p in report.errors)
    with pytest.raises(ReportEditError):
        province_row_as_district(report, 4, index)  # Kota Solok is no province row


@pytest.fixture()
def editor(app):
    with app.app_context():
        create_user(get_resources().engine, "penyunting", "editor", PASSWORD)
    return app


def test_review_lists_province_rows_with_their_figure_and_turns_one_back(editor):
    client = editor.test_client()
    sign_in(client, "penyunting")
    response = upload(
        client, xlsx([["", "Provinsi Kalimantan Tengah", 4130, 10000], ["6211", "Pulang Pisau", 4130, 10000]])
    )
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-row="3" data-reason="province"' in review and "41,3" in review
    draft_id = int(response.headers["Location"].rsplit("/", 1)[1])
    action = f"/kelola/draf/{draft_id}/baris/3/kabupaten"
    assert action in review
    assert client.post(action, data={"csrf_token": csrf(review)}).status_code == 302
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-reason="province"' not in review and action not in review
    assert client.post(action, data={}).status_code == 400  # CSRF
