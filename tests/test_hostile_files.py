"""Property-based tests: random and malformed files never crash the importer, never lose rows."""

import io
import zipfile
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from geo.uploads import CoverageFileError, Kind, analyse_file, drop_row

SETTINGS = settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["=1+1", "+SUM(A1)", "-5", "@cmd", "41,3", "3.302.762", "<img src=x onerror=alert(1)>", "Kotim", "62.11", ""]
    ),
)


def analyse_safely(data: bytes, name: str, index):
    """The importer may refuse a file with CoverageFileError; any other exception is a bug."""
    try:
        return analyse_file(data, name, index, period="2025-10")
    except CoverageFileError as error:
        assert str(error)  # always says what to fix
        return None


@SETTINGS
@given(data=st.binary(max_size=2000), name=st.sampled_from(["a.csv", "a.xlsx", "a.txt", "a"]))
def test_random_bytes_never_crash(index, data, name):
    analyse_safely(data, name, index)


@SETTINGS
@given(
    rows=st.lists(st.lists(CELL, min_size=0, max_size=5), max_size=20),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_random_tables_keep_every_row(index, rows, encoding, delimiter):
    lines = [delimiter.join(["wilayah", "cakupan", "peserta", "pekerja"])]
    lines += [
        delimiter.join(c.replace(delimiter, " ").replace("\n", " ").replace("\r", " ").replace('"', "") for c in row)
        for row in rows
    ]
    data = "\n".join(lines).encode(encoding, errors="replace")
    report = analyse_safely(data, "a.csv", index)
    if report is not None and report.columns.get("wilayah") == "wilayah":
        non_empty = [row for row in rows if any(c.strip() for c in row)]
        assert len(report.rows) + len(report.excluded) == len(non_empty) == report.data_rows  # every data row
        assert all(e.message for e in report.errors)


@SETTINGS
@given(
    rows=st.lists(
        st.lists(st.one_of(CELL, st.integers(-(10**9), 10**9), st.floats(allow_nan=True)), max_size=5), max_size=15
    )
)
def test_random_spreadsheets_never_crash(index, rows):
    book = Workbook()
    book.active.append(["kode", "wilayah", "cakupan"])
    for row in rows:
        try:
            book.active.append(row)
        except IllegalCharacterError:
            assume(False)  # Excel itself cannot store control characters: not a file anyone can send
    buffer = io.BytesIO()
    book.save(buffer)
    analyse_safely(buffer.getvalue(), "a.xlsx", index)


def test_spreadsheet_bomb_dimensions_are_refused(index):
    book = Workbook()
    book.active.append(["wilayah", "cakupan"])
    book.active.cell(row=1_048_576, column=16_384, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(CoverageFileError, match="baris"):
        analyse_file(buffer.getvalue(), "bom.xlsx", index, period="2025-10")


def test_zip_bomb_is_refused(index):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 60_000_000)
    with pytest.raises(CoverageFileError, match="terlalu besar"):
        analyse_file(buffer.getvalue(), "bom.xlsx", index, period="2025-10")


NAMES = st.sampled_from(
    [
        "Kotim",
        "Kab. Pulang Pisau",
        "Kota Palangka Raya",
        "Solok",
        "Jambi",
        "Kalimantan Tengah",
        "Provinsi Riau",
        "JUMLAH",
    ]
    + ["Total Kalteng", "Rata-rata", "Catatan: data sementara", "Bandung", "", "  ", "Kotawaringin Timur", "=1+1"]
)
CODES = st.sampled_from(["", "", "", "62.11", "6202", "62", "12.04", "99.99", "abc"])
NUMBERS = st.one_of(
    st.sampled_from(["", "-", "abc", "0,3031", "41,3", "3.302.762", "100.000", "0"]),
    st.integers(0, 2_000_000).map(str),
)


def _row_strategy():
    return st.tuples(CODES, NAMES, NUMBERS, NUMBERS, NUMBERS, st.sampled_from(["", "ket", "angka sementara"]))


def assert_every_row_accounted(report, expected_rows: list[int]) -> None:
    """Every non-empty row below the header is once a row (matched or unmatched) or once excluded."""
    reported = [row.row for row in report.rows]
    excluded = [entry.row for entry in report.excluded]
    assert sorted(reported + excluded) == expected_rows
    assert report.data_rows == len(expected_rows)
    summary = report.summary()
    assert summary["matched"] + summary["unmatched"] + summary["excluded"] == summary["data_rows"]
    unmatched_errors = {p.row for p in report.errors if p.kind == Kind.UNMATCHED}
    assert {row.row for row in report.rows if row.code is None} == unmatched_errors
    assert all(p.kind in Kind for p in report.errors + report.warnings)


@SETTINGS
@given(rows=st.lists(_row_strategy(), max_size=25), title=st.booleans())
def test_every_csv_row_is_matched_unmatched_excluded_or_an_error(index, rows, title):
    lines = (["Rekap cakupan;;;;;;"] if title else []) + ["kode;wilayah;peserta;pekerja;cakupan;keterangan"]
    lines += [";".join(cells) for cells in rows]
    report = analyse_file("\n".join(lines).encode(), "a.csv", index, period="2025-10", source="BPJS")
    offset = 2 if title else 1
    expected = [n + offset + 1 for n, cells in enumerate(rows) if any(c.strip() for c in cells)]
    assert_every_row_accounted(report, expected)
    # Dropping rows (district rows, and province rows published as figures) moves them to excluded, still accounted.
    for number in [row.row for row in report.rows] + [entry.row for entry in report.province_figures()]:
        drop_row(report, number)
        assert_every_row_accounted(report, expected)
    assert not report.rows and not [p for p in report.errors if p.row is not None]


@SETTINGS
@given(
    rows=st.lists(
        st.tuples(
            CODES,
            NAMES,
            st.one_of(st.none(), st.integers(0, 2_000_000)),
            st.one_of(st.none(), st.integers(1, 2_000_000)),
            st.one_of(st.none(), st.floats(0, 1.5).map(lambda v: round(v, 6)), st.sampled_from(["41,3", "abc"])),
            st.booleans(),
        ),
        max_size=20,
    )
)
def test_every_xlsx_row_is_accounted_and_percent_cells_read_as_shown(index, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["Rekap cakupan UCJ"])
    sheet.append(["kode", "wilayah", "peserta", "pekerja", "cakupan"])
    percent_cells = {}
    for code, name, participants, workers, coverage, as_percent in rows:
        sheet.append([code or None, name or None, participants, workers, coverage])
        if as_percent and isinstance(coverage, float):
            sheet.cell(row=sheet.max_row, column=5).number_format = "0.00%"
            percent_cells[sheet.max_row] = coverage
    buffer = io.BytesIO()
    book.save(buffer)
    report = analyse_file(buffer.getvalue(), "a.xlsx", index, period="2025-10", source="BPJS")
    expected = [
        n + 3
        for n, (code, name, *figures, _) in enumerate(rows)
        if code.strip() or name.strip() or any(f is not None for f in figures)
    ]
    assert_every_row_accounted(report, expected)
    for row in report.rows:
        if row.row in percent_cells:
            assert row.coverage_pct == float(Decimal(repr(percent_cells[row.row])) * 100)


def test_a_sheet_broken_part_way_is_an_error_not_a_shorter_table(index):
    book = Workbook()
    for number in range(200):
        book.active.append(["Kotim" if number == 0 else f"Baris {number}", number])
    buffer = io.BytesIO()
    book.save(buffer)
    source, target = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]  # cut in the middle of the rows
            out.writestr(item, content)
    with pytest.raises(CoverageFileError, match="sampai akhir"):
        analyse_file(target.getvalue(), "a.xlsx", index, period="2025-10")
