"""Read an uploaded CSV or XLSX file into rows of text cells, refusing what no coverage table needs.

Every limit here bounds the work a hostile file can cause (a zip bomb, a declared dimension of millions of
cells, a quote left open); a file that breaks part-way is an error, never a shorter table.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from geo.numbers import format_count
from geo.uploads.errors import CoverageFileError
from geo.uploads.header import merged_ranges

MAX_ROWS = 5_000
MAX_DECLARED_ROWS = 100_000
MAX_DECLARED_COLUMNS = 1_000
# A coverage table of every district of Indonesia unpacks to well under 1 MB; 12 MB leaves room for formatting
# and notes sheets and keeps openpyxl's parse of the largest accepted file to a few seconds and tens of MB
# (a workbook of ~110 KB unpacking to ~48 MB took 22–31 s and +300 MB under the old 50 MB bound).
MAX_UNPACKED_BYTES = 12_000_000
MAX_LINE_CHARACTERS = 100_000  # the csv module refuses a cell over 131,072 characters, in English
MAX_COLUMNS = 60


def _literal_free(number_format: str) -> str:
    """A number format without its quoted text and escaped characters: '0.0"%"' shows a typed 30.3 as 30.3%."""
    return re.sub(r'"[^"]*"|\\.', "", number_format)


def _cell_text(value: object, number_format: str | None = None) -> str:
    """A cell as the person sees it: a percent-formatted 0.3031 (shown 30,31%) is '30.31'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            return str(value)
        if number_format and "%" in _literal_free(number_format):
            return format((Decimal(repr(value)) * 100).normalize(), "f")
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
    return str(value).strip()


@dataclass
class Table:
    """The text cells of a file; for a workbook, the sheet they come from and every visible sheet's name."""

    rows: list[list[str]]
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # merged header cells (geo.uploads.header)


def read_table(data: bytes, filename: str, sheet: str | None = None) -> Table:
    """Read a CSV file, or one sheet of an XLSX file (the first visible one unless `sheet` names or numbers
    another), into rows of text cells; raise CoverageFileError if it cannot be read to its end."""
    if not data:
        raise CoverageFileError("Berkas kosong. Unggah berkas CSV atau XLSX yang berisi tabel cakupan.")
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx" or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, sheet)
    if suffix not in ("", ".csv", ".txt"):
        raise CoverageFileError(f"Jenis berkas '{suffix}' tidak didukung. Simpan sebagai CSV atau XLSX.")
    return Table(_read_csv(data))


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode Text" and some exports


def _utf16(data: bytes) -> str | None:
    """Text saved as UTF-16 (with its byte-order mark, or ASCII text with every other byte NUL), else None."""
    if data.startswith(UTF16_BOMS):
        encoding = "utf-16"
    elif len(data) >= 4 and data[1::2][:200].count(0) > 90 / 100 * len(data[1::2][:200]):
        encoding = "utf-16-le"
    elif len(data) >= 4 and data[0::2][:200].count(0) > 90 / 100 * len(data[0::2][:200]):
        encoding = "utf-16-be"
    else:
        return None
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise CoverageFileError(
            "Berkas ini tampak disimpan sebagai teks UTF-16 tetapi rusak. Simpan ulang sebagai CSV UTF-8."
        ) from error


def _decode(data: bytes) -> str:
    text = _utf16(data)
    if text is not None:
        if "\x00" in text:
            raise CoverageFileError(
                "Berkas teks UTF-16 ini berisi karakter NUL (kode 0). Simpan ulang sebagai CSV UTF-8."
            )
        return text
    if b"\x00" in data:  # anywhere: PostgreSQL refuses NUL in text, and no CSV has one
        raise CoverageFileError("Berkas ini bukan teks CSV (berisi data biner). Simpan sebagai CSV atau XLSX.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _most_used_delimiter(head: str) -> type[csv.Dialect]:
    """When the sniffer gives up (a title row with fewer separators), the separator used most wins."""
    counts = {delimiter: head.count(delimiter) for delimiter in ",;\t|"}
    best = max(counts, key=counts.get)

    class Chosen(csv.excel):
        delimiter = best if counts[best] else ","

    return Chosen


def _read_csv(data: bytes) -> list[list[str]]:
    # Old Mac and some Excel exports end lines with a bare carriage return.
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARACTERS:
            raise CoverageFileError(
                f"Baris {number} berisi {format_count(len(line), 'id')} karakter (paling banyak "
                f"{format_count(MAX_LINE_CHARACTERS, 'id')}). Sebuah sel tabel cakupan berisi nama "
                "atau angka saja: hapus teks panjang itu, lalu unggah lagi."
            )
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = _most_used_delimiter(text[:8192])
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    line = 0
    try:
        for number, row in enumerate(reader):
            if number > MAX_ROWS:
                raise CoverageFileError(f"Berkas lebih dari {MAX_ROWS} baris. Satu berkas cukup untuk satu periode.")
            # One record spanning several lines is a quote left open: it swallows the rows after it, and a
            # shorter table would be read as if complete.
            if reader.line_num != line + 1 or any("\n" in cell for cell in row):
                raise CoverageFileError(
                    f'Baris {line + 1} membuka tanda kutip (") yang tidak ditutup (atau sebuah sel berisi ganti '
                    f"baris), sehingga baris {line + 1}–{reader.line_num} terbaca sebagai satu baris. Hapus tanda "
                    "kutip itu atau tutup pasangannya, lalu unggah lagi."
                )
            line = reader.line_num
            rows.append([cell.strip() for cell in row[:MAX_COLUMNS]])
    except csv.Error as error:
        raise CoverageFileError(
            f"Berkas CSV tidak dapat dibaca sampai akhir (baris {reader.line_num}). "
            "Periksa tanda kutip di baris itu, lalu simpan ulang sebagai CSV UTF-8."
        ) from error
    return rows


def _check_zip(data: bytes) -> None:
    """Refuse an XLSX that would unpack to far more than any coverage table needs (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise CoverageFileError("Berkas XLSX rusak. Simpan ulang dari Excel sebagai .xlsx.") from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise CoverageFileError(
            f"Isi berkas XLSX terlalu besar ({unpacked // 1_000_000} MB setelah dibuka; paling besar "
            f"{MAX_UNPACKED_BYTES // 1_000_000} MB). Simpan hanya tabel cakupan (tanpa gambar, format atau lembar "
            "lain) ke buku kerja baru, atau simpan sebagai CSV, lalu unggah lagi."
        )


def _choose_sheet(book: Workbook, wanted: str | None) -> tuple[ReadOnlyWorksheet, list[str]]:
    visible = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"] or book.worksheets
    if not wanted or not wanted.strip():
        return visible[0], [sheet.title for sheet in visible]
    key = wanted.strip().casefold()
    for sheet in book.worksheets:
        if sheet.title.strip().casefold() == key:
            return sheet, [s.title for s in visible]
    if key.isdigit() and 1 <= int(key) <= len(visible):
        return visible[int(key) - 1], [s.title for s in visible]
    names = ", ".join(f"'{sheet.title}'" for sheet in visible)
    raise CoverageFileError(f"Lembar '{wanted.strip()[:60]}' tidak ada di berkas ini. Lembar yang ada: {names}.")


@contextmanager
def _open_workbook(data: bytes) -> Iterator[Workbook]:
    _check_zip(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for broken files
        raise CoverageFileError("Berkas XLSX tidak dapat dibuka. Simpan ulang dari Excel sebagai .xlsx.") from error
    try:
        yield book
    finally:
        book.close()


def _sheet_table(sheet: ReadOnlyWorksheet, names: list[str]) -> Table:
    # The declared dimensions can claim millions of cells (a "spreadsheet bomb"); never trust them to size work.
    if (sheet.max_row or 0) > MAX_DECLARED_ROWS or (sheet.max_column or 0) > MAX_DECLARED_COLUMNS:
        raise CoverageFileError(
            f"Lembar '{sheet.title}' mengaku berukuran {sheet.max_row} baris × {sheet.max_column} kolom. "
            "Hapus baris/kolom kosong di luar tabel, lalu simpan ulang."
        )
    # Nor to bound it: a declared dimension smaller than the data would silently drop the rows below it.
    # Read every row there is; the row and column limits below bound the work.
    sheet.reset_dimensions()
    rows = []
    try:  # a read-only sheet parses its XML only now, row by row
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS)):
            if number > MAX_ROWS:
                raise CoverageFileError(
                    f"Lembar kerja lebih dari {MAX_ROWS} baris. Satu berkas cukup untuk satu periode."
                )
            rows.append([_cell_text(cell.value, cell.number_format) for cell in row])
    except CoverageFileError:
        raise
    except Exception as error:  # XML that breaks part-way: an error, never a shorter table
        raise CoverageFileError(
            f"Lembar '{sheet.title}' rusak dan tidak dapat dibaca sampai akhir. Buka di Excel, lalu simpan ulang "
            "sebagai .xlsx."
        ) from error
    return Table(rows, sheet.title, names, merged_ranges(sheet))


def _read_xlsx(data: bytes, wanted: str | None = None) -> Table:
    with _open_workbook(data) as book:
        sheet, names = _choose_sheet(book, wanted)
        return _sheet_table(sheet, names)
