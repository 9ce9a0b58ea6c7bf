"""Reading messy coverage files: encodings, header rows, Indonesian numbers, and clear errors."""

import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook

from geo.uploads import (
    CoverageFileError,
    Exclusion,
    ImportReport,
    Kind,
    ReportEditError,
    analyse_file,
    check_as_of,
    check_period,
    drop_row,
    match_row,
    parse_count,
    parse_percent,
    parse_period,
    read_table,
    scale_fractions,
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


def kalteng_workbook() -> bytes:
    """A branch office's workbook: title rows, percent cells, a Keterangan column, total and note rows."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Cakupan UCJ Provinsi Kalimantan Tengah"])
    sheet.append(["Keadaan Desember 2025"])
    sheet.append(["No", "Kabupaten/Kota", "Peserta Aktif", "Penduduk Bekerja", "Cakupan", "Keterangan"])
    sheet.append([1, "Kotawaringin Timur", 60620, 200000, 0.3031, "data sementara"])
    sheet.append([2, "Pulang Pisau", None, None, 0.4125, None])
    sheet.append([3, "Kota Palangka Raya", None, None, 30.3, "format teks persen"])
    sheet.append([None, "JUMLAH", 100000, 300000, 0.3333, None])
    sheet.append([None, "Provinsi Kalimantan Tengah", 100000, 300000, 0.3333, None])
    sheet.append([None, None, 100000, 300000, None, None])
    sheet.append(["Sumber: BPJS Ketenagakerjaan Kanwil Kalimantan"])
    for row in (4, 5, 7, 8):
        sheet.cell(row=row, column=5).number_format = "0.00%"
    sheet.cell(row=6, column=5).number_format = '0.0"%"'  # a literal % sign: 30.3 is shown as typed
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_branch_workbook_is_read_as_shown_in_excel(index):
    report = analyse_file(kalteng_workbook(), "kalteng.xlsx", index, period="2025-12", source="BPJS Kanwil")
    assert report.ok, report.errors
    assert [(r.row, r.code, r.coverage_pct, r.remarks) for r in report.rows] == [
        (4, "62.02", 30.31, "data sementara"),
        (5, "62.11", 41.25, None),
        (6, "62.71", 30.3, "format teks persen"),
    ]
    assert [(e.row, e.reason) for e in report.excluded] == [
        (7, Exclusion.TOTAL),
        (8, Exclusion.PROVINCE),
        (9, Exclusion.BLANK_NAME),
        (10, Exclusion.NOTE),
    ]
    assert report.excluded[1].province == "62" and report.excluded[1].coverage_pct == 33.33
    assert report.summary() | {"rows_with_errors": 0} == {
        "data_rows": 7,
        "rows": 3,
        "matched": 3,
        "unmatched": 0,
        "excluded": 4,
        "rows_with_errors": 0,
    }
    records = report.records()
    assert set(records["source"]) == {"BPJS Kanwil"}  # remarks are never the source
    assert "data sementara" not in records.to_string()


def test_remarks_are_not_a_source_but_a_source_column_is(index):
    text = "wilayah;cakupan;keterangan\nKotim;30;angka BPS 2024\n"
    report = analyse_file(text.encode(), "a.csv", index, period="2025-10")
    assert [e.kind for e in report.errors] == [Kind.SOURCE] and report.rows[0].remarks == "angka BPS 2024"
    text = "wilayah;cakupan;sumber;tanggal\nKotim;30;BPS Kalteng;2025-09-30\nKobar;40;;\n"
    report = analyse_file(text.encode(), "a.csv", index, period="2025-10", source="BPJS", as_of="31 Oktober 2025")
    assert report.ok
    assert report.records()[["source", "as_of"]].values.tolist() == [
        ["BPS Kalteng", "2025-09-30"],
        ["BPJS", "2025-10-31"],
    ]
    assert report.source_credit() == "2 sumber (lihat tiap wilayah)"


@pytest.mark.parametrize(
    ("values", "counts", "warned"),
    [
        (["0,3031", "0,4125"], None, True),  # no counts: probably fractions
        (["0,3", "0,45"], [("300", "1000"), ("450", "1000")], True),  # the counts say 30% and 45%
        (["0,5", "0,45"], [("5", "1000"), ("45", "10000")], False),  # the counts agree: below 1%
        (["0,3", "41"], None, False),
        (["0", "0"], None, False),
    ],
)
def test_coverage_written_as_fractions_is_flagged_and_can_be_scaled(index, values, counts, warned):
    lines = ["wilayah;peserta;pekerja;cakupan"]
    for number, (name, value) in enumerate(zip(["Kotim", "Kobar"], values, strict=True)):
        participants, workers = counts[number] if counts else ("", "")
        lines.append(f"{name};{participants};{workers};{value}")
    report = analyse_file("\n".join(lines).encode(), "a.csv", index, period="2025-10", source="BPJS")
    assert any(w.kind == Kind.FRACTION for w in report.warnings) == warned
    if not warned:
        with pytest.raises(ReportEditError):
            scale_fractions(report)
        return
    before = [r.coverage_pct for r in report.rows]
    scale_fractions(report)
    assert [r.coverage_pct for r in report.rows] == [float(Decimal(repr(v)) * 100) for v in before]
    assert not [w for w in report.warnings if w.kind in (Kind.FRACTION, Kind.MISMATCH)]
    with pytest.raises(ReportEditError):
        scale_fractions(report)  # once only, even when the scaled values are still small


@pytest.mark.parametrize(
    "text",
    [
        'wilayah,cakupan\nKotim,30\n"Kobar,40\nKatingan,50\nSeruyan,60\n',  # swallows the rest of the file
        'wilayah,cakupan\nKotim,"30\nKobar,40\n',
        'wilayah;cakupan\nKotim;30\nKobar;"40\nKatingan;50\n',
        'wilayah,cakupan,catatan\nKotim,30,"dua\nbaris"\n',  # a line break in a cell reads as a row lost
    ],
)
def test_a_csv_that_cannot_be_read_to_its_end_is_an_error(index, text):
    with pytest.raises(CoverageFileError, match="tanda kutip"):
        analyse_file(text.encode(), "a.csv", index, period="2025-10", source="BPJS")


def test_quotes_that_close_are_read(index):
    text = 'wilayah,cakupan,sumber\n"Kotim","30","BPJS, Kanwil"\n'
    report = analyse_file(text.encode(), "a.csv", index, period="2025-10")
    assert report.ok and report.rows[0].source == "BPJS, Kanwil"


def short_dimension(data: bytes, ref: str) -> bytes:
    """The same workbook with its sheet's declared dimension rewritten (as some exporters write it)."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(rb'<dimension ref="[^"]+"', f'<dimension ref="{ref}"'.encode(), content)
                assert count == 1
            out.writestr(item, content)
    return target.getvalue()


def test_a_workbook_declaring_fewer_rows_than_it_has_is_read_to_its_end(index):
    book = Workbook()
    book.active.append(["wilayah", "cakupan"])
    for name in ["Kotim", "Kobar", "Katingan", "Seruyan", "Lamandau"]:
        book.active.append([name, 30])
    buffer = io.BytesIO()
    book.save(buffer)
    report = analyse_file(short_dimension(buffer.getvalue(), "A1:B2"), "a.xlsx", index, period="2025-10", source="x")
    assert report.ok and [r.code for r in report.rows] == ["62.02", "62.01", "62.06", "62.07", "62.09"]


@pytest.mark.parametrize(
    ("name", "code", "outcome"),
    [
        ("Kalimantan Tengah", "", Exclusion.PROVINCE),
        ("Kalteng", "", Exclusion.PROVINCE),
        ("PROVINSI JAMBI", "", Exclusion.PROVINCE),
        ("Kalimantan Tengah", "62", Exclusion.PROVINCE),
        ("", "62.00", Exclusion.PROVINCE),
        ("Jumlah Kalimantan Tengah", "", Exclusion.TOTAL),
        ("TOTAL", "", Exclusion.TOTAL),
        ("Grand Total", "", Exclusion.TOTAL),
        ("Rata-rata", "", Exclusion.AVERAGE),
        ("", "", Exclusion.BLANK_NAME),
        ("Kotim", "", None),
        ("Kota Jambi", "", None),
        ("Kotabaru", "", None),
    ],
)
def test_total_province_and_note_rows_are_recognised(index, name, code, outcome):
    text = f"kode;wilayah;cakupan\n{code};{name};30\n"
    report = analyse_file(text.encode(), "a.csv", index, period="2025-10", source="x")
    assert [e.reason for e in report.excluded] == ([outcome] if outcome else [])
    assert len(report.rows) + len(report.excluded) == report.data_rows == 1


def test_a_bare_province_name_that_is_also_a_city_stays_unmatched(index):
    report = analyse_file(b"wilayah;cakupan\nJambi;30\n", "a.csv", index, period="2025-10", source="x")
    [row] = report.rows
    assert row.code is None and [s["code"] for s in row.suggestions] == ["15.71"]
    assert [(e.kind, e.row) for e in report.errors] == [(Kind.UNMATCHED, 2)]
    match_row(report, 2, "15.71")
    assert report.ok and report.rows[0].name == "Kota Jambi"


def test_dropping_either_of_two_duplicates_leaves_a_publishable_draft(index):
    text = "wilayah;cakupan\nKotim;30\nKobar;40\nKotawaringin Timur;31\n"
    for drop in (2, 4):
        report = analyse_file(text.encode(), "a.csv", index, period="2025-10", source="x")
        assert [(e.row, e.kind) for e in report.errors] == [(4, Kind.DUPLICATE)]
        report = ImportReport.from_dict(report.to_dict())  # as a stored draft
        drop_row(report, drop)
        assert report.ok and report.summary()["excluded"] == 1
        assert report.excluded[0].reason == Exclusion.DROPPED and report.excluded[0].row == drop


def test_a_stored_report_reads_back_equal(index):
    report = analyse_file(kalteng_workbook(), "k.xlsx", index, period="2025-12", source="B", as_of="2025-12-31")
    report.previous_period, report.previous_coverage = "2025-10", {"62.02": 10.0}
    validate_report(report)
    assert any(w.kind == Kind.JUMP for w in report.warnings)
    again = ImportReport.from_dict(json.loads(json.dumps(report.to_stored())))
    assert again == report


TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "result"),
    [("2026-12", "2026-12"), (" 2025-10 ", "2025-10"), ("2027-01", "belum tiba"), ("2099-01", "belum tiba")]
    + [("2025-1", "TTTT-BB"), ("2025/10", "TTTT-BB"), ("Oktober 2025", "TTTT-BB"), ("2025-13", "TTTT-BB")],
)
def test_the_period_an_editor_types(text, result):
    if "-" in result and result[0].isdigit():
        assert check_period(text, TODAY) == result
    else:
        with pytest.raises(ValueError, match=result):
            check_period(text, TODAY)


def test_a_period_column_after_next_month_is_refused():
    assert parse_period("Desember 2026", TODAY) == "2026-12"
    with pytest.raises(ValueError, match="belum tiba"):
        parse_period("Januari 2027", TODAY)


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("2025-10-31", "2025-10-31"),
        ("31/10/2025", "2025-10-31"),
        ("31 Oktober 2025", "2025-10-31"),
        ("Okt 2025", "2025-10"),
        ("2025", "2025"),
        ("2026-11-25", None),
        ("31/02/2025", None),
        ("kemarin", None),
    ],
)
def test_the_date_of_the_data(text, result):
    if result:
        assert check_as_of(text, TODAY) == result
    else:
        with pytest.raises(ValueError, match="Tanggal data"):
            check_as_of(text, TODAY)


LEGACY_DRAFT = {  # a report stored before problems had kinds (drafts are kept as JSON, not migrated)
    "ok": False,
    "period": "2025-10",
    "columns": {"wilayah": "wilayah", "cakupan": "cakupan"},
    "summary": {"rows": 3, "matched": 3, "unmatched": 0},
    "rows": [
        {"row": 2, "input": "Kotim", "code": "62.02", "method": "alias", "name": "Kotim", "coverage_pct": 30.0},
        {"row": 3, "input": "Pulang Pisau", "code": "62.11", "method": "name", "name": "PP", "coverage_pct": 41.0},
        {"row": 4, "input": "Kotim", "code": "62.02", "method": "alias", "name": "Kotim", "coverage_pct": 31.0},
    ],
    "errors": [{"row": 4, "column": "wilayah", "message": "'Kotim' sama dengan baris 2 (Kotim)."}],
    "warnings": [],
}


def test_a_draft_stored_before_kinds_can_still_be_fixed():
    report = ImportReport.from_dict(json.loads(json.dumps(LEGACY_DRAFT)))
    assert [(e.row, e.kind) for e in report.errors] == [(4, Kind.DUPLICATE)]
    report.source = "BPJS"
    drop_row(report, 2)
    assert report.ok and report.data_rows == 3 and [r.row for r in report.rows] == [3, 4]


def test_a_file_of_only_totals_says_so(index):
    report = analyse_file(b"wilayah;cakupan\nJUMLAH;30\nRata-rata;40\n", "a.csv", index, period="2025-10")
    assert not report.ok and not report.rows and len(report.excluded) == 2
    assert [(e.kind, e.row) for e in report.errors] == [(Kind.MISSING, None)]
    assert "semua 2 baris data dikecualikan" in report.errors[0].message


def test_a_province_row_beside_the_totals_is_that_provinces_figure(index):
    data = b"wilayah;cakupan\nJUMLAH;30\nProvinsi Riau;40\n"
    report = analyse_file(data, "a.csv", index, period="2025-10", source="BPJS Riau")
    assert report.ok and not report.rows
    assert report.records()[["code", "coverage_pct", "source"]].values.tolist() == [["14", 40.0, "BPJS Riau"]]


def test_a_province_level_file_reads_every_row_as_a_province(index):
    text = "provinsi,cakupan\nJambi,30\nKalimantn Tengah,31\nJawa Timur,40\n"
    report = analyse_file(text.encode(), "provinsi.csv", index, "2025-08", source="BPJS")
    assert {row.province: row.coverage_pct for row in report.province_figures()} == {"15": 30.0}  # never Kota Jambi
    assert [(problem.row, problem.kind) for problem in report.errors] == [(3, Kind.UNMATCHED)]  # a typo is an error
    assert report.records()["code"].tolist() == ["15"]  # Jawa Timur is outside the map: set aside, not published
