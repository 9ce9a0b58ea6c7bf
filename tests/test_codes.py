"""Codes that are never misread: unknown codes count against a reading, old codes are only offered or confirmed by
the name, and a code column that holds no district codes does not block the names."""

import csv

import pandas as pd
import pytest

from app import ROOT
from geo.codes import BPS, BPS_HISTORIC, CodeError, foreign_form, parse_code, read_crosswalk, read_historic_codes
from geo.matching import match_district
from geo.uploads import ImportReport, analyse_file

CROSSWALK = pd.read_csv(ROOT / "data" / "kode_bps_kemendagri.csv", dtype=str)
KEMENDAGRI_OF_BPS = dict(zip(CROSSWALK["kode_bps"], CROSSWALK["kode_kemendagri"], strict=True))


def codes_file(codes: list[str]) -> bytes:
    return ("kode,cakupan\n" + "".join(f"{code},{40 + n}\n" for n, code in enumerate(codes))).encode()


# Kalimantan Timur as BPS coded it before Kalimantan Utara was split off (2012): 6406 Malinau, 6407 Bulungan,
# 6408 Nunukan, 6410 Tana Tidung and 6473 Tarakan are codes BPS no longer uses (data/kode_lama.md). Today's
# Kemendagri reading of 6407 is Kutai Barat, of 6408 Kutai Timur: the wrong districts the issue reported.
OLD_KALTIM = ["6401", "6402", "6403", "6404", "6405", "6406", "6407", "6408", "6409", "6410", "6471", "6472"]
OLD_KALTIM += ["6473", "6474"]
OLD_KALTIM_DISTRICTS = {"6406": "65.02", "6407": "65.01", "6408": "65.03", "6410": "65.04", "6473": "65.71"}


def right_district(code: str) -> str:
    return KEMENDAGRI_OF_BPS.get(code) or OLD_KALTIM_DISTRICTS[code]


@pytest.mark.parametrize(
    "codes",
    [
        OLD_KALTIM,  # the whole province, as an office would send it
        # the file: 6406, 6410 and 6473 exist in neither system today; before, they were left out of the
        # file's reading and the rest was read as Kemendagri (6407 on Kutai Barat, 6408 on Kutai Timur)
        ["6401", "6406", "6407", "6408", "6409", "6410", "6471", "6472", "6473", "6474"],
        ["6401", "6402", "6403", "6407", "6408", "6471"],  # a subset every code of which Kemendagri also knows
        ["6407"],
    ],
)
def test_old_bps_codes_of_kalimantan_utara_never_land_on_a_kalimantan_timur_district(index, codes):
    report = analyse_file(codes_file(codes), "kode.csv", index, "2025-10", source="uji")
    for row in report.rows:
        assert row.code in (None, right_district(row.input)), row.input
    bulungan = next(row for row in report.rows if row.input == "6407")
    assert bulungan.code is None and bulungan.reason == "code_system"
    assert ("65.01", BPS_HISTORIC) in {(s["code"], s["system"]) for s in bulungan.suggestions}
    assert not any("dibaca sebagai" in w.message for w in report.warnings)


def test_a_code_no_system_knows_counts_against_every_reading(index):
    codes = [*CROSSWALK["kode_bps"], "9901"]  # all 210 BPS codes, and one that exists nowhere
    report = analyse_file(codes_file(codes), "kode.csv", index, "2025-10", source="uji")
    expected = [*CROSSWALK["kode_kemendagri"], None]
    assert all(row.code in (None, code) for row, code in zip(report.rows, expected, strict=True))
    assert sum(row.reason == "code_system" for row in report.rows) == 99  # the codes whose readings differ
    assert not any("dibaca sebagai" in w.message for w in report.warnings)


@pytest.mark.parametrize(
    ("code", "name", "province", "expected", "message"),
    [
        ("6407", "Bulungan", None, "65.01", None),  # the name confirms the old code
        ("6407", "Kabupaten Bulungan", "Kalimantan Timur", "65.01", None),
        ("6407", "Kutai Barat", None, "64.07", None),  # the name confirms the Kemendagri reading
        ("6407", "Kabupaten Berau", None, None, "code_name_conflict"),
        ("6406", None, None, None, "historic_code"),  # only an old code: offered, never applied
        ("1472", "Batam", "Riau", "21.71", None),
        ("1472", None, None, None, "code_system"),  # Kemendagri 14.72 is Dumai; the old BPS code, Batam
    ],
)
def test_old_codes_match_only_with_the_name(index, code, name, province, expected, message):
    match = match_district(index, name=name, code=code, province=province)
    assert (match.code, match.message) == (expected, message)
    if expected in OLD_KALTIM_DISTRICTS.values():
        assert "kode BPS lama" in match.note


def test_an_old_code_in_a_column_headed_bps_is_offered_not_applied(index):
    data = b"kode_bps,cakupan\n6401,40\n6407,41\n"
    report = analyse_file(data, "kode.csv", index, "2025-10", source="uji")
    assert [row.code for row in report.rows] == ["64.01", None]
    assert report.rows[1].reason == "code_system"
    assert [(s["code"], s["system"]) for s in report.rows[1].suggestions] == [("65.01", BPS_HISTORIC)]


def test_historic_codes_file_refuses_a_code_still_in_use(tmp_path):
    crosswalk = read_crosswalk(ROOT / "data" / "kode_bps_kemendagri.csv")
    path = tmp_path / "kode_lama.csv"
    path.write_text("sistem,kode,kode_kemendagri,nama,sampai,catatan\nbps,6402,65.01,Bulungan,2012,x\n")
    with pytest.raises(CodeError):
        read_historic_codes(path, crosswalk)
    loaded = read_historic_codes(ROOT / "data" / "kode_lama.csv", crosswalk)
    assert all(code not in crosswalk.bps_to_kemendagri for _, code in loaded.historic)
    assert {old.kemendagri for old in loaded.historic.values()} <= set(crosswalk.bps_to_kemendagri.values())


@pytest.mark.parametrize(
    ("text", "digits", "system", "form"),
    [
        ("ID1107", "1107", BPS, None),  # OCHA/HDX COD-AB ADM2_PCODE: BPS digits behind 'ID'
        ("id6211", "6211", BPS, None),
        ("IDN.13.1_1", None, None, "gadm"),  # GADM GID_2
        ("IDN.13_1", None, None, "gadm"),
        ("ID.KB.BE", None, None, "hasc"),  # HASC_2
        ("CGK10000", None, None, None),  # a courier's branch code: no district code, no known scheme
        ("361", None, None, None),  # a database id
    ],
)
def test_foreign_code_forms(text, digits, system, form):
    code = parse_code(text)
    assert (code.digits if code else None, code.system if code else None) == (digits, system)
    assert foreign_form(text) == form


def test_hdx_pcodes_read_as_bps_codes(index):
    data = "kode,cakupan\n"
    data += "".join(f"ID{code},40\n" for code in CROSSWALK["kode_bps"])
    report = analyse_file(data.encode(), "hdx.csv", index, "2025-10", source="uji")
    assert [row.code for row in report.rows] == CROSSWALK["kode_kemendagri"].tolist()
    assert report.code_column is None


# A real public table whose code column is a database/courier id (RajaOngkir's city_id order):
# rudi-krsoftware/open-retail database/14_data-kabupaten.sql @4596672 (m_kabupaten), the 207 rows of Sumatra and
# Kalimantan; province names as RajaOngkir writes them. Expected codes: tests/data/kabupaten_id_basis_data.csv.
with open(ROOT / "tests" / "data" / "kabupaten_id_basis_data.csv", encoding="utf-8") as handle:
    DATABASE_IDS = list(csv.DictReader(handle))


def id_file(code_of) -> bytes:
    lines = ["kode,wilayah,provinsi,cakupan"]
    lines += [f'{code_of(n, row)},"{row["wilayah"]}",{row["provinsi"]},40' for n, row in enumerate(DATABASE_IDS)]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    ("code_of", "form"),
    [
        (lambda n, row: row["kabupaten_id"], None),  # the table's own ids, as published
        (lambda n, row: f"IDN.{n // 20 + 1}.{n % 20 + 1}_1", "gadm"),  # the same rows with GADM-form ids
        (lambda n, row: f"ID.{'ABCDEFGHIJ'[n // 26 % 10]}{'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[n % 26]}.XX", "hasc"),
    ],
)
def test_an_unreadable_code_column_leaves_the_names_to_decide(index, code_of, form):
    report = analyse_file(id_file(code_of), "ids.csv", index, "2025-10", source="uji")
    expected = [row["expected"] for row in DATABASE_IDS]
    wrong = [row.input for row, code in zip(report.rows, expected, strict=True) if row.code not in (None, code)]
    matched = sum(row.code == code for row, code in zip(report.rows, expected, strict=True))
    assert wrong == []
    assert matched / len(expected) >= 0.98
    assert report.code_column is not None and report.code_column.form == form
    assert report.code_column.unreadable == len(expected)
    assert any("Kolom kode tidak dipakai" in w.message for w in report.warnings)
    again = ImportReport.from_dict(report.to_dict())
    assert again.code_column == report.code_column
    # The column map says so beside the code column (and keeps saying it when the draft is read back).
    (code_column,) = [c for c in report.column_map.columns if c.field == "code"]
    assert code_column.set_aside == report.code_column.message
    assert [c.set_aside for c in again.column_map.columns if c.field == "code"] == [report.code_column.message]


def test_a_readable_code_in_an_unreadable_column_still_checks_the_name(index):
    data = b"kode,wilayah,cakupan\nIDN.13.1_1,Kabupaten Pulang Pisau,40\nIDN.13.2_1,Kota Solok,40\n6211,Kota Medan,40\n"
    report = analyse_file(data, "ids.csv", index, "2025-10", source="uji")
    assert [row.code for row in report.rows] == ["62.11", "13.72", None]
    assert report.rows[2].reason == "code_name_conflict"


def test_a_mostly_readable_code_column_is_kept(index):
    data = b"kode,wilayah,cakupan\n62.11,Kabupaten Pulang Pisau,40\n62.02,Kotim,40\nIDN.13.1_1,Kota Solok,40\n"
    report = analyse_file(data, "ids.csv", index, "2025-10", source="uji")
    assert [row.code for row in report.rows] == ["62.11", "62.02", None]
    assert report.code_column is None


def test_the_files_reading_is_still_checked_against_each_rows_province(index):
    rows = "".join(f"{code},,40\n" for code in CROSSWALK["kode_bps"] if code != "1204")
    data = f"kode,provinsi,cakupan\n1204,Kalimantan Tengah,40\n{rows}".encode()  # BPS 1204 is Tapanuli Tengah
    report = analyse_file(data, "kode.csv", index, "2025-10", source="uji")
    assert any("dibaca sebagai kode BPS" in w.message for w in report.warnings)
    assert report.rows[0].code is None and report.rows[0].reason == "code_name_conflict"
