"""Reading messy coverage files: encodings, header rows, Indonesian numbers, and clear errors."""

import io

import pytest
from openpyxl import Workbook

from geo.coverage import (
    CoverageFileError,
    analyse_file,
    Kind,
    parse_count,
    parse_percent,
    parse_period,
    read_table,
    validate_report,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [("3.302.762", 3302762), ("3,302,762", 3302762), ("3302762", 3302762), ("69590.0", 69590), ("1 234", 1234)],
)
def test_counts(text, value):
    assert parse_count(text) == value


@pytest.mark.parametrize("text", ["-5", "12,5", "abc", "=1+2", "3.30.762", "1e5", "1000000001", "9" * 30])
def test_bad_counts_say_why(text):
    with pytest.raises(ValueError, match="'"):
        parse_count(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("41,3", 41.3), ("41.3", 41.3), ("41,3%", 41.3), ("41.30 %", 41.3), ("1.000,0", 1000.0), ("100", 100.0)],
)
def test_percents(text, value):
    assert parse_percent(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["-1", "empat puluh", "=A1*100", "nan", "inf", "1.000,1", "1" + "0" * 26])
def test_bad_percents(text):
    with pytest.raises(ValueError):
        parse_percent(text)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2025-10", "2025-10"),
        ("2025/3", "2025-03"),
        ("10/2025", "2025-10"),
        ("Oktober 2025", "2025-10"),
        ("Okt 2025", "2025-10"),
        ("Des. 2024", "2024-12"),
    ],
)
def test_periods(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize("text", ["2025-13", "Oktober", "25-10", "1999-01", "kemarin"])
def test_bad_periods(text):
    with pytest.raises(ValueError, match="TTTT-BB"):
        parse_period(text)


MESSY_CSV = """wilayah;provinsi;peserta;pekerja;cakupan
KAB. PULANG PISAU;Kalimantan Tengah;41.300;100.000;
Kab Tanah Bumbu;Kalsel;;;35,5
Solok;Sumatera Barat;1.000;2.000;
Kotim;;5.000;4.000;
Kab Tanah Bumbu;;;;36
Kabupaten Bandung;Jawa Barat;1;2;
"""


def test_messy_csv_report(index):
    report = analyse_file(MESSY_CSV.encode("utf-8-sig"), "data.csv", index, period="2025-10")
    rows = {row.row: row for row in report.rows}
    assert [r.row for r in report.rows] == [2, 3, 4, 5, 6, 7]
    assert (rows[2].code, rows[2].method, rows[2].coverage_pct) == ("62.11", "name", 41.3)
    assert (rows[3].code, rows[3].coverage_pct) == ("63.10", 35.5)
    assert rows[4].code is None and {s["code"] for s in rows[4].suggestions} == {"13.02", "13.72"}
    assert rows[5].code == "62.02"
    assert rows[7].code is None
    errors = {(e.row, e.column) for e in report.errors}
    assert {(4, "wilayah"), (6, "wilayah"), (7, "wilayah")} <= errors  # ambiguous, duplicate, outside
    assert any(w.row == 5 and "lebih banyak" in w.message for w in report.warnings)
    assert not report.ok
    data = report.to_dict()
    assert set(data["rows"][0]) >= {"row", "input", "code", "method", "suggestions"}
    assert data["summary"] == {
        "data_rows": 6,
        "rows": 6,
        "matched": 4,
        "unmatched": 2,
        "excluded": 0,
        "rows_with_errors": 3,
    }
    assert [e["kind"] for e in data["errors"]] == ["source", "unmatched", "duplicate", "unmatched"]


def test_warnings_write_numbers_the_indonesian_way(index):
    text = "kode;cakupan;peserta;pekerja\n62.11;112,5;1.125;1.000\n62.02;40;1.000;3.000\n"
    report = analyse_file(text.encode(), "data.csv", index, period="2025-10")
    messages = [w.message for w in report.warnings]
    assert "Cakupan 112,5% di atas 100%." in messages
    assert "Cakupan tertulis 40% berbeda dari peserta/pekerja = 33,33%." in messages
    report.previous_period, report.previous_coverage = "2025-09", {"62.11": 41.25}
    [jump] = [w for w in validate_report(report).warnings if w.kind == Kind.JUMP]
    assert jump.message == "Cakupan berubah +71,2 poin dari 2025-09 (41,25% → 112,5%). Periksa angkanya."


def test_windows_1252_names_are_read(index):
    text = "kode;wilayah;cakupan\n62.11;Kabupaten Pulang Pisau – ‘Kalteng’;41,3\n"
    report = analyse_file(text.encode("cp1252"), "data.csv", index, period="2025-10", source="BPJS")
    assert report.ok and report.rows[0].input == "Kabupaten Pulang Pisau – ‘Kalteng’"


def test_xlsx_with_title_rows_above_the_header(index):
    book = Workbook()
    sheet = book.active
    sheet.append(["Cakupan UCJ Kalimantan Tengah"])
    sheet.append(["per Oktober 2025"])
    sheet.append(["Kode", "Kabupaten/Kota", "Peserta Aktif", "Penduduk Bekerja (jiwa)", "Periode"])
    sheet.append(["6211", "Pulang Pisau", 41300, 100000, "2025-10"])
    sheet.append([6202, "Kotim", 20000, 80000, "2025-10"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = analyse_file(buffer.getvalue(), "cakupan.xlsx", index, source="BPJS")
    assert report.ok, report.errors
    assert report.period == "2025-10"
    assert [(r.code, r.coverage_pct) for r in report.rows] == [("62.11", 41.3), ("62.02", 25.0)]


def workbook(*sheets: tuple[str, list, str]) -> bytes:
    """An XLSX with named sheets: (title, rows, state)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows, state in sheets:
        sheet = book.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


NOTES = ("Catatan", [["Sumber: BPJS Ketenagakerjaan"], ["Diolah oleh Kanwil"]], "visible")
OCTOBER = ("Okt", [["wilayah", "cakupan"], ["Kotim", 30]], "visible")
NOVEMBER = ("Nov 2025", [["wilayah", "cakupan"], ["Kotim", 35]], "visible")
OLD = ("Lama", [["wilayah", "cakupan"], ["Kotim", 10]], "hidden")


def test_a_workbook_is_read_from_its_first_table_and_says_so(index):
    report = analyse_file(workbook(NOTES, OLD, OCTOBER, NOVEMBER), "a.xlsx", index, period="2025-10", source="BPJS")
    assert report.ok and report.rows[0].coverage_pct == 30.0
    assert (report.sheet, report.sheets) == ("Okt", ["Catatan", "Okt", "Nov 2025"])  # hidden sheets are not listed
    assert "yang dibaca 'Okt'" in report.warnings[0].message and "'Nov 2025'" in report.warnings[0].message


@pytest.mark.parametrize(("sheet", "coverage"), [("nov 2025", 35.0), (" Nov 2025 ", 35.0), ("3", 35.0), ("Lama", 10.0)])
def test_a_sheet_can_be_chosen_by_name_or_number(index, sheet, coverage):
    report = analyse_file(workbook(NOTES, OLD, OCTOBER, NOVEMBER), "a.xlsx", index, period="2025-10", sheet=sheet)
    assert report.rows[0].coverage_pct == coverage and not report.warnings


def test_unknown_or_tableless_sheets_get_a_message_naming_the_sheets(index):
    data = workbook(NOTES, OCTOBER)
    with pytest.raises(
        CoverageFileError, match="Lembar 'Des' tidak ada di berkas ini. Lembar yang ada: 'Catatan', 'Okt'"
    ):
        analyse_file(data, "a.xlsx", index, sheet="Des")
    with pytest.raises(CoverageFileError, match="Lembar yang dibaca: 'Catatan'; lembar lain: 'Okt'"):
        analyse_file(data, "a.xlsx", index, sheet="Catatan")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "a.csv", "kosong"),
        (b"\x00\x01\x02binary", "a.csv", "biner"),
        (b"foo,bar\n1,2\n", "a.csv", "Kolom wilayah"),
        (b"wilayah,provinsi\nKotim,Kalteng\n", "a.csv", "Kolom angka"),
        (b"PK\x03\x04broken", "a.xlsx", "XLSX"),
        (b"wilayah,cakupan\n", "a.pdf", "tidak didukung"),
    ],
)
def test_unreadable_files_say_what_to_fix(index, content, name, message):
    with pytest.raises(CoverageFileError, match=message):
        analyse_file(content, name, index)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("Kotim,-5,100,", "peserta", "negatif"),
        ("Kotim,abc,100,", "peserta", "bukan bilangan bulat"),
        ("Kotim,5,0,", "pekerja", "0"),
        ("Kotim,,,", "cakupan", "kosong"),
        ("Kotim,,,=HYPERLINK(1)", "cakupan", "bukan angka"),
    ],
)
def test_bad_values_name_row_and_column(index, row, column, message):
    report = analyse_file(
        f"wilayah,peserta,pekerja,cakupan\n{row}\n".encode(), "a.csv", index, period="2025-10", source="BPJS"
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, column)]
    assert message in report.errors[0].message


def test_period_must_be_given_once(index):
    text = "wilayah,cakupan,periode\nKotim,30,2025-10\nKobar,40,2025-11\n"
    report = analyse_file(text.encode(), "a.csv", index)
    assert any("lebih dari satu periode" in e.message for e in report.errors)
    report = analyse_file(b"wilayah,cakupan\nKotim,30\n", "a.csv", index)
    assert any(e.column == "periode" for e in report.errors)


def test_csv_row_limit(index):
    with pytest.raises(CoverageFileError, match="baris"):
        read_table(("wilayah,cakupan\n" + "Kotim,1\n" * 6000).encode(), "a.csv")


def test_old_mac_line_endings(index):
    report = analyse_file(b"wilayah,cakupan\rKotim,30\rKobar,40\r", "a.csv", index, period="2025-10", source="x")
    assert report.ok and [r.code for r in report.rows] == ["62.02", "62.01"]
