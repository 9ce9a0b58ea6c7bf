"""Property-based tests: random and malformed files never crash the importer, never lose rows."""

import io
import zipfile

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from geo.coverage import CoverageFileError, analyse_file

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
