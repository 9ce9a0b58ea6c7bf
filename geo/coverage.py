"""Read coverage spreadsheets (CSV, XLSX), recognise their columns, validate and match every row.

The result is an ImportReport (the typed draft): one entry per data row in file order, the rows excluded as
totals or notes with the reason, and problems that name the row, column and *kind* and say, in Bahasa
Indonesia, what to fix. `validate_report` is the one validation (duplicates, ranges, jumps, fractions,
source) run after reading and after every edit. Nothing here writes to the database.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from geo.codes import header_code_system
from geo.columns import (
    FIELD_LABELS,
    ColumnChoiceError,
    ColumnMap,
    denominator_of,
    find_column,
    map_columns,
    merged_ranges,
    required_columns,
    target_year_of,
)
from geo.matching import (
    CodeColumnNote,
    DistrictIndex,
    Match,
    RowInput,
    match_name,
    match_rows,
    normalize_words,
    resolve_province,
    split_jenis,
    whole_province,
)
from geo.numbers import format_count, format_percent, format_points
from geo.segments import CONTRIBUTION, COUNT_COLUMNS, SEGMENT_COLUMNS, segment_problems

COLUMN_LABELS = FIELD_LABELS
MATCH_MESSAGES = {
    "ambiguous": "Nama '{input}' cocok dengan lebih dari satu wilayah. Tulis 'Kabupaten' atau 'Kota', "
    "isi kolom provinsi, atau pakai kode Kemendagri.",
    "other_province": "Nama '{input}' ada, tetapi tidak di provinsi yang tertulis. Periksa kolom provinsi.",
    "unknown_name": "Wilayah '{input}' tidak dikenali di cakupan peta. Periksa ejaannya atau pakai kode "
    "Kemendagri (mis. 62.11).",
    "bad_code": "Kode '{input}' tidak berbentuk kode Kemendagri (62.11) atau BPS (6211).",
    "unknown_code": "Kode '{input}' tidak ada di cakupan peta.",
    "outside_area": "'{input}' berada di luar wilayah peta (Sumatera dan Kalimantan). Hapus baris ini, atau "
    "perbaiki nama/provinsinya bila memang wilayah Sumatera atau Kalimantan.",
    "code_system": "Kode '{input}' menunjuk wilayah berbeda sebagai kode BPS dan sebagai kode Kemendagri. "
    "Pilih salah satu saran, atau unggah lagi dengan sistem kode yang dipakai berkas.",
    "historic_code": "Kode '{input}' adalah kode BPS lama (sebelum pemekaran provinsi), bukan kode wilayah mana pun "
    "sekarang. Pilih saran bila benar, atau tulis nama wilayahnya di baris itu.",
    "code_name_conflict": "Kode, nama atau provinsi '{input}' menunjuk wilayah yang berbeda. Perbaiki salah satunya.",
    "empty": "Baris tanpa nama wilayah dan tanpa kode.",
    "province_name": "'{input}' adalah nama provinsi, bukan kabupaten/kota. Baris total provinsi tidak masuk "
    "peta kabupaten/kota: hapus baris ini.",
    "province_or_district": "'{input}' adalah nama provinsi dan juga nama kota. Tulis 'Kota {input}' bila yang "
    "dimaksud kotanya; hapus baris ini bila isinya total provinsi.",
}
MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "pebruari": 2,
    "maret": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "nop": 11,
    "desember": 12,
    "des": 12,
}
MAX_ROWS = 5_000
MAX_DECLARED_ROWS = 100_000
MAX_DECLARED_COLUMNS = 1_000
# A coverage table of every district of Indonesia unpacks to well under 1 MB; 12 MB leaves room for formatting
# and notes sheets and keeps openpyxl's parse of the largest accepted file to a few seconds and tens of MB
# (a workbook of ~110 KB unpacking to ~48 MB took 22–31 s and +300 MB under the old 50 MB bound).
MAX_UNPACKED_BYTES = 12_000_000
MAX_LINE_CHARACTERS = 100_000  # the csv module refuses a cell over 131,072 characters, in English
MAX_COLUMNS = 60
COVERAGE_MISMATCH_POINTS = 0.5


JUMP_POINTS = 20.0
MAX_SOURCE_CHARS = 500


def credit_sources(sources: Iterable[object]) -> str | None:
    """Who to credit for a set of figures as a whole: their one source, or how many sources (each figure shows
    its own). Never a file name."""
    distinct = sorted({str(source).strip() for source in sources if isinstance(source, str) and source.strip()})
    if len(distinct) > 1:
        return f"{len(distinct)} sumber (lihat tiap wilayah)"
    return distinct[0][:200] if distinct else None


class CoverageFileError(Exception):
    """The file cannot be read as a coverage table; the message says what to fix."""


class Kind(StrEnum):
    """What a problem is about; the web layer and the edits branch on this, never on the message text."""

    INPUT = "input"  # the upload's own fields (period, date): the upload is refused
    FILE = "file"  # the file as a whole (several sheets, no rows)
    PERIOD = "period"  # the period column
    PARSE = "parse"  # a cell that is not a number
    UNMATCHED = "unmatched"  # a row matched to no district (or to a province name as well)
    DUPLICATE = "duplicate"
    RANGE = "range"  # a number outside what is possible or plausible
    MISSING = "missing"  # no coverage and no counts to compute it
    MISMATCH = "mismatch"  # the written coverage disagrees with participants ÷ employed
    JUMP = "jump"  # a large change from the previous period
    FRACTION = "fraction"  # coverage written as fractions (0,3 for 30%)
    SOURCE = "source"  # no source for figures that would be published
    MATCH_NOTE = "match_note"  # how a row or the file was matched (a former province, codes read as BPS codes)
    SEGMENTS = "segments"  # segments that do not add up to the participants: a warning to review, never fixed
    # A column that looks like a figure and was not used: a warning that blocks publishing until an editor
    # assigns it to a field or confirms it is not needed (geo.columns).
    UNUSED_COLUMN = "unused_column"
    DENOMINATOR = "denominator"  # the file's coverage is a share of the labour force, not of the employed
    TARGET_YEAR = "target_year"  # targets without the year they are for: the review page asks


# Found while reading the file; they stay until their row is matched or dropped. validate_report recomputes
# every other kind from the rows as they are now.
READ_KINDS = frozenset({Kind.INPUT, Kind.FILE, Kind.PERIOD, Kind.PARSE, Kind.UNMATCHED, Kind.MATCH_NOTE})


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str | None
    message: str
    kind: Kind


class Exclusion(StrEnum):
    """Why a row of the file is not a district's figure."""

    TOTAL = "total"
    AVERAGE = "average"
    PROVINCE = "province"
    BLANK_NAME = "blank_name"
    NOTE = "note"
    DROPPED = "dropped"  # dropped by an editor during review


EXCLUSION_MESSAGES = {
    Exclusion.TOTAL: "Baris jumlah/total, bukan satu kabupaten/kota.",
    Exclusion.AVERAGE: "Baris rata-rata, bukan satu kabupaten/kota.",
    Exclusion.PROVINCE: "Baris provinsi, bukan satu kabupaten/kota.",
    Exclusion.BLANK_NAME: "Baris berisi angka tanpa nama wilayah dan tanpa kode (biasanya baris jumlah).",
    Exclusion.NOTE: "Baris catatan tanpa angka cakupan.",
    Exclusion.DROPPED: "Dihapus penyunting saat memeriksa draf.",
}


# A province row of the area with a coverage figure is published as that province's figure (the province layer),
# in the same version as the districts, so history, restore and withdraw apply to it too.
PROVINCE_FIGURE_MESSAGE = "Angka provinsi: diterbitkan untuk lapisan provinsi, bukan sebagai kabupaten/kota."


@dataclass
class ExcludedRow:
    """A row of the file left out of the district figures, with the reason; province rows keep their figures
    and, when they name a province of the area and have a coverage, are published as that province's figure."""

    row: int
    input: str
    reason: Exclusion
    message: str
    province: str | None = None
    participants: int | None = None
    workers: int | None = None
    coverage_pct: float | None = None
    target_pct: float | None = None
    source: str | None = None  # the row's own `sumber` cell (a province figure's source; else the upload's)
    as_of: str | None = None


@dataclass
class RowResult:
    """One data row as understood: the match and the parsed figures."""

    row: int
    input: str
    code: str | None
    method: str | None
    name: str | None = None
    suggestions: list[dict] = field(default_factory=list)
    participants: int | None = None
    workers: int | None = None
    coverage_pct: float | None = None
    target_pct: float | None = None
    source: str | None = None  # the row's own `sumber` cell; the upload's source applies when it is empty
    as_of: str | None = None
    remarks: str | None = None  # a `keterangan` cell: shown in review, never published as a source
    coverage_given: bool = False  # coverage written in the file (not computed from the counts)
    reason: str | None = None  # why an unmatched row stays unmatched (geo.matching.REASONS)
    # Optional segments (geo.segments.SEGMENT_COLUMNS), as written; None where the file has no such cell.
    participants_pu: int | None = None
    participants_bpu: int | None = None
    participants_jakon: int | None = None
    participants_pmi: int | None = None
    vulnerable_regency: int | None = None
    vulnerable_province: int | None = None
    vulnerable_other: int | None = None
    contribution_monthly: int | None = None


@dataclass
class ImportReport:
    """The typed draft: every data row of the file accounted for as a row (matched or not) or excluded."""

    period: str | None
    columns: dict[str, str]
    rows: list[RowResult]
    errors: list[Problem]
    warnings: list[Problem]
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    excluded: list[ExcludedRow] = field(default_factory=list)
    data_rows: int = 0  # non-empty rows below the header: len(rows) + len(excluded)
    source: str | None = None  # given with the upload (form, API, CLI)
    as_of: str | None = None
    previous_period: str | None = None  # for the jump check
    previous_coverage: dict[str, float] = field(default_factory=dict)
    fractions_scaled: bool = False
    code_column: CodeColumnNote | None = None  # the code column was set aside: its rows matched by name
    column_map: ColumnMap | None = None  # every column of the file: the field it became, or why not
    table: list[list[str]] | None = None  # the cells as read, kept with the draft to analyse it again
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    code_system: str | None = None  # what the sender said the code column holds
    denominator: str | None = None  # geo.columns.Denominator.LABOUR_FORCE when the file's base is angkatan kerja
    target_year: str | None = None  # the year the targets are for: the target column's header, or the editor's answer

    @property
    def ok(self) -> bool:
        """Publishable: no errors, no unsettled figure column, a period, and something to publish."""
        unsettled = any(problem.kind == Kind.UNUSED_COLUMN for problem in self.warnings)
        return (
            not self.errors and not unsettled and self.period is not None and bool(self.rows or self.province_figures())
        )

    @property
    def refused(self) -> bool:
        """The upload's own fields are wrong (or no single period): no draft is kept."""
        return self.period is None or any(problem.kind == Kind.INPUT for problem in self.errors)

    @property
    def has_segments(self) -> bool:
        """Whether any row gives a segment (the review then shows them beside each row)."""
        return any(getattr(row, column) is not None for row in self.rows for column in SEGMENT_COLUMNS)

    def source_of(self, row: RowResult) -> str | None:
        return row.source or self.source

    def as_of_of(self, row: RowResult) -> str | None:
        return row.as_of or self.as_of

    def source_credit(self) -> str | None:
        """Who to credit for the figures as a whole (a dataset's title): never the file name."""
        return credit_sources(source for row in self.rows if row.code and (source := self.source_of(row)))

    def summary(self) -> dict[str, int]:
        matched = sum(1 for row in self.rows if row.code)
        return {
            "data_rows": self.data_rows,
            "rows": len(self.rows),
            "matched": matched,
            "unmatched": len(self.rows) - matched,
            "excluded": len(self.excluded),
            "rows_with_errors": len({p.row for p in self.errors if p.row is not None}),
        }

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "period": self.period,
            "columns": self.columns,
            "sheet": self.sheet,
            "sheets": self.sheets,
            "source": self.source,
            "as_of": self.as_of,
            "summary": self.summary(),
            "rows": [asdict(row) for row in self.rows],
            "excluded": [asdict(row) for row in self.excluded],
            "errors": [asdict(problem) for problem in self.errors],
            "warnings": [asdict(problem) for problem in self.warnings],
            "previous": {"period": self.previous_period, "coverage": self.previous_coverage},
            "fractions_scaled": self.fractions_scaled,
            "code_column": asdict(self.code_column) if self.code_column else None,
            "column_map": self.column_map.to_dict() if self.column_map else None,
            "denominator": self.denominator,
            "target_year": self.target_year,
        }

    def to_stored(self) -> dict:
        """The draft as stored: the report and the file's cells, so a new column map can analyse it again."""
        return self.to_dict() | {"table": self.table, "merges": self.merges, "code_system": self.code_system}

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        """Read a stored report back (drafts saved before kinds existed read their problems as parse errors)."""
        fields = set(RowResult.__dataclass_fields__)
        rows = [RowResult(**{k: v for k, v in row.items() if k in fields}) for row in data.get("rows", [])]
        excluded = [ExcludedRow(**{**row, "reason": Exclusion(row["reason"])}) for row in data.get("excluded", [])]
        previous = data.get("previous") or {}
        return cls(
            period=data.get("period"),
            columns=data.get("columns", {}),
            rows=rows,
            errors=[_problem(p, _legacy_kind(p, rows)) for p in data.get("errors", [])],
            warnings=[_problem(p, Kind.RANGE) for p in data.get("warnings", [])],
            sheet=data.get("sheet"),
            sheets=data.get("sheets", []),
            excluded=excluded,
            data_rows=data.get("summary", {}).get("data_rows", len(rows) + len(excluded)),
            source=data.get("source"),
            as_of=data.get("as_of"),
            previous_period=previous.get("period"),
            previous_coverage=previous.get("coverage") or {},
            fractions_scaled=data.get("fractions_scaled", False),
            code_column=_code_column(data.get("code_column")),
            column_map=ColumnMap.from_dict(data.get("column_map")),
            table=data.get("table"),
            merges=[tuple(merge) for merge in data.get("merges") or []],
            code_system=data.get("code_system"),
            denominator=data.get("denominator"),
            target_year=data.get("target_year"),
        )

    def province_figures(self) -> list[ExcludedRow]:
        """The province rows that are published as their province's figure (an area province, a coverage)."""
        return [
            row
            for row in self.excluded
            if row.reason == Exclusion.PROVINCE and row.province is not None and row.coverage_pct is not None
        ]

    def records(self) -> pd.DataFrame:
        """Return the matched rows as the table a dataset stores, each with its own source and date; a province
        row is stored under its two-digit province code (the province layer reads it, districts never do)."""
        columns = ["code", "input", "participants", "workers", "coverage_pct", "target_pct", "source", "as_of"]
        rows = [
            {
                "code": row.code,
                "input": row.input,
                "participants": row.participants,
                "workers": row.workers,
                "coverage_pct": row.coverage_pct,
                "target_pct": row.target_pct,
                "source": self.source_of(row),
                "as_of": self.as_of_of(row),
                "denominator": self.denominator,
                "target_year": self.target_year if row.target_pct is not None else None,
            }
            | {column: getattr(row, column) for column in SEGMENT_COLUMNS}
            for row in self.rows
            if row.code
        ] + [
            {
                "code": row.province,
                "input": row.input,
                "participants": row.participants,
                "workers": row.workers,
                "coverage_pct": row.coverage_pct,
                "target_pct": row.target_pct,
                "source": row.source or self.source,
                "as_of": row.as_of or self.as_of,
                "denominator": self.denominator,
                "target_year": self.target_year if row.target_pct is not None else None,
            }
            for row in self.province_figures()
        ]
        frame = pd.DataFrame(rows, columns=[*columns, "denominator", "target_year", *SEGMENT_COLUMNS])
        for column in SEGMENT_COLUMNS:  # integers with blanks, never floats (15000 stays 15000, not 15000.0)
            frame[column] = frame[column].astype("Int64")
        return frame


def _code_column(data: dict | None) -> CodeColumnNote | None:
    if not data:
        return None
    return CodeColumnNote(data.get("form"), data["unreadable"], data["written"], tuple(data.get("examples", ())))


def _legacy_kind(problem: dict, rows: list[RowResult]) -> Kind:
    """The kind of an error stored before kinds existed, from where it sits (never from its text): a name or
    code error on an unmatched row is that row's match; on a matched row, a duplicate, which validation
    recomputes; any other is kept as a parse error until its row is dropped."""
    if problem.get("row") is None:
        return Kind.FILE
    if problem.get("column") in ("wilayah", "kode"):
        matched = any(row.row == problem["row"] and row.code for row in rows)
        return Kind.DUPLICATE if matched else Kind.UNMATCHED
    return Kind.PARSE


def _problem(data: dict, old_default: Kind = Kind.PARSE) -> Problem:
    return Problem(data.get("row"), data.get("column"), data["message"], Kind(data.get("kind") or old_default))


def _pct(value: float) -> str:
    """A percentage in messages, as Indonesian readers write it: 112.5 -> '112,5%', 41.257 -> '41,26%'."""
    return format_percent(value, "id", decimals=2, trim=True)


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
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # merged header cells (geo.columns)


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


def find_columns(
    rows: list[list[str]],
    merges: Iterable[tuple[int, int, int, int]] = (),
    choices: dict[int, str | None] | None = None,
) -> ColumnMap:
    """The column map of a table (geo.columns), or CoverageFileError when it names no district or no figure."""
    try:
        column_map = map_columns(rows, merges, choices)
        required_columns(column_map)
    except ColumnChoiceError as error:
        raise CoverageFileError(str(error)) from error
    return column_map


def resolve_choices(
    rows: list[list[str]], merges: list[tuple[int, int, int, int]], columns: Iterable[tuple[str | None, str]]
) -> dict[int, str | None]:
    """{column index: field} from choices that name columns as written (or by letter or number)."""
    columns = list(columns)
    if not columns:
        return {}
    column_map = map_columns(rows, merges)
    try:
        return {find_column(column_map, reference).index: chosen for chosen, reference in columns}
    except ColumnChoiceError as error:
        raise CoverageFileError(str(error)) from error


MAX_COUNT = 1_000_000_000  # more people than Indonesia has: a typo, and more than a database column holds
MAX_PERCENT = 1_000.0  # above 100% is a warning (stale employment figures); above this, a typo


def parse_count(text: str) -> int:
    """Parse '3.302.762', '3,302,762', '3302762' or '3302762.0'; raise ValueError with a reason."""
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", cleaned):
        cleaned = re.sub(r"[.,]", "", cleaned)
    elif re.fullmatch(r"-?\d+([.,]0+)?", cleaned):
        cleaned = re.split(r"[.,]", cleaned)[0]
    else:
        raise ValueError(f"'{text}' bukan bilangan bulat. Tulis angka saja, mis. 3.302.762")
    value = int(cleaned)
    if value < 0:
        raise ValueError(f"'{text}' negatif. Jumlah orang tidak boleh negatif.")
    if value > MAX_COUNT:
        raise ValueError(f"'{text}' terlalu besar untuk jumlah orang di satu kabupaten/kota. Periksa angkanya.")
    return value


MAX_CONTRIBUTION = 10_000_000  # Rupiah a month for one person: more is a typo (the lowest BPU rate is Rp16.800)


def parse_rupiah(text: str) -> int:
    """Parse a monthly contribution in Rupiah: 'Rp16.800', 'Rp 16.800,00', '16800'; raise ValueError."""
    cleaned = re.sub(r"^rp\.?", "", text.strip().lower()).strip()
    cleaned = re.sub(r",00?$", "", cleaned)
    value = parse_count(cleaned)
    if value > MAX_CONTRIBUTION:
        raise ValueError(f"Iuran '{text}' per orang per bulan tidak mungkin. Tulis iuran sebulan, mis. 16.800.")
    return value


def parse_percent(text: str) -> float:
    """Parse '41,3', '41.3', '41,3%' (Indonesian or English decimal mark); raise ValueError with a reason."""
    cleaned = text.replace("%", "").replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." in cleaned:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        cleaned = cleaned.replace("." if decimal == "," else ",", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        raise ValueError(f"'{text}' bukan angka persen. Tulis mis. 41,3")
    value = float(cleaned)
    if value < 0:
        raise ValueError(f"'{text}' negatif. Persentase tidak boleh negatif.")
    if not math.isfinite(value) or value > MAX_PERCENT:
        raise ValueError(f"'{text}' bukan persentase yang mungkin. Tulis cakupan dalam persen, mis. 41,3")
    return value


def _next_month(today: date) -> str:
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return f"{year:04d}-{month:02d}"


WIT = timezone(timedelta(hours=9))  # Indonesia's easternmost time zone: no Indonesian date is later


def _today() -> date:
    return datetime.now(WIT).date()


def _not_later_than_next_month(period: str, text: str, today: date | None) -> str:
    latest = _next_month(today or _today())
    if period > latest:
        raise ValueError(
            f"Periode '{str(text).strip()[:20]}' belum tiba: periode paling akhir yang boleh diunggah {latest}. "
            "Periksa tahunnya (mis. 2025-10, bukan 2052-10)."
        )
    return period


def parse_period(text: str, today: date | None = None) -> str:
    """Return 'YYYY-MM' from a period cell: '2025-10', '2025/10', '10/2025', 'Oktober 2025', 'Okt 2025' or a
    date; refuse months later than next month."""
    cleaned = str(text).strip().lower()
    if found := re.fullmatch(r"(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2})?", cleaned):
        year, month = int(found.group(1)), int(found.group(2))
    elif found := re.fullmatch(r"(\d{1,2})[-/.](\d{4})", cleaned):
        year, month = int(found.group(2)), int(found.group(1))
    elif (found := re.fullmatch(r"([a-z]+)\.?\s+(\d{4})", cleaned)) and found.group(1) in MONTHS:
        year, month = int(found.group(2)), MONTHS[found.group(1)]
    else:
        raise ValueError(f"Periode '{text}' tidak dikenali. Tulis dalam bentuk TTTT-BB, mis. 2025-10.")
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValueError(f"Periode '{text}' tidak masuk akal. Tulis dalam bentuk TTTT-BB, mis. 2025-10.")
    return _not_later_than_next_month(f"{year:04d}-{month:02d}", text, today)


def check_period(text: str, today: date | None = None) -> str:
    """The period an editor types (form, API, CLI): exactly TTTT-BB, a real month, not later than next month."""
    cleaned = str(text).strip()
    if not re.fullmatch(r"\d{4}-\d{2}", cleaned):
        raise ValueError(f"Periode '{cleaned[:20]}' tidak berbentuk TTTT-BB. Tulis mis. 2025-10.")
    return parse_period(cleaned, today)


def check_as_of(text: str, today: date | None = None) -> str:
    """The date of the data as typed with an upload: '2025-10-31', '31/10/2025', '31 Oktober 2025', 'Oktober 2025'
    or '2025'; return it as ISO text (2025-10-31, 2025-10, 2025). Refuse dates after today."""
    cleaned = str(text).strip().lower()
    day = None
    if found := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", cleaned):
        year, month, day = int(found.group(1)), int(found.group(2)), int(found.group(3))
    elif found := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", cleaned):
        year, month, day = int(found.group(3)), int(found.group(2)), int(found.group(1))
    elif (found := re.fullmatch(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})", cleaned)) and found.group(2) in MONTHS:
        year, month, day = int(found.group(3)), MONTHS[found.group(2)], int(found.group(1))
    elif (found := re.fullmatch(r"([a-z]+)\.?\s+(\d{4})", cleaned)) and found.group(1) in MONTHS:
        year, month = int(found.group(2)), MONTHS[found.group(1)]
    elif found := re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?", cleaned):
        year, month = int(found.group(1)), int(found.group(2) or 0)
    else:
        raise ValueError(f"Tanggal data '{text[:40]}' tidak dikenali. Tulis mis. 2025-10-31 atau 31 Oktober 2025.")
    try:
        when = date(year, month or 1, day or 1)
    except ValueError as error:
        raise ValueError(f"Tanggal data '{text[:40]}' tidak ada di kalender. Periksa hari dan bulannya.") from error
    if when > (today or _today()) or year < 2000:
        raise ValueError(f"Tanggal data '{text[:40]}' tidak mungkin (di masa depan atau sebelum 2000).")
    return when.isoformat() if day else f"{year:04d}-{month:02d}" if month else f"{year:04d}"


def _period_of(
    rows: list[tuple[int, list[str]]], columns: dict[str, int], override: str | None, errors: list[Problem]
) -> str | None:
    if override:
        try:
            return check_period(override)
        except ValueError as error:
            errors.append(Problem(None, "periode", str(error), Kind.INPUT))
            return None
    if "period" not in columns:
        errors.append(
            Problem(
                None,
                "periode",
                "Periode belum diisi. Pilih periode (TTTT-BB) atau isi kolom 'periode'.",
                Kind.INPUT,
            )
        )
        return None
    seen = {}
    for number, cells in rows:
        text = cells[columns["period"]] if columns["period"] < len(cells) else ""
        if text:
            try:
                seen.setdefault(parse_period(text), number)
            except ValueError as error:
                errors.append(Problem(number, "periode", str(error), Kind.PERIOD))
    if len(seen) > 1:
        errors.append(
            Problem(
                None,
                "periode",
                f"Berkas berisi lebih dari satu periode ({', '.join(sorted(seen))}). Pisahkan per periode.",
                Kind.PERIOD,
            )
        )
        return None
    return next(iter(seen), None)


def _cell(cells: list[str], columns: dict[str, int], key: str) -> str:
    index = columns.get(key)
    return cells[index].strip() if index is not None and index < len(cells) else ""


FIGURES = {"participants": parse_count, "workers": parse_count, "coverage": parse_percent, "target": parse_percent}
TOTAL_WORDS = {"jumlah", "total", "subtotal", "grandtotal", "totals"}
AVERAGE_WORDS = {"rata", "ratarata", "rerata", "average", "mean", "median"}
PROVINCE_WORDS = {"provinsi", "prov", "propinsi", "province"}
NOTE_WORDS = {"catatan", "keterangan", "ket", "sumber", "source", "note", "notes", "diolah", "ttd"}


def _figures(cells: list[str], columns: dict[str, int]) -> tuple[dict[str, float | int | None], list[Problem]]:
    """The numeric cells of a row parsed, and a problem for each that is not a number (row numbers left 0)."""
    values: dict[str, float | int | None] = {}
    problems = []
    for key, parser in FIGURES.items():
        text = _cell(cells, columns, key)
        values[key] = None
        if text and text != "-":
            try:
                values[key] = parser(text)
            except ValueError as error:
                problems.append(Problem(0, COLUMN_LABELS[key], str(error), Kind.PARSE))
    return values, problems


def classify_row(
    name: str,
    code: str,
    cells: list[str],
    columns: dict[str, int],
    index: DistrictIndex,
    province_level: bool = False,
) -> Exclusion | None:
    """Return why a row is a total, average, province or note row rather than a district, or None.

    In a province-level file (its only name column is `provinsi`) every named row is a province: `Jambi` there
    is the province, never Kota Jambi.
    """
    words = normalize_words(name)
    joined = "".join(words)
    figures = any(_cell(cells, columns, key) not in ("", "-") for key in FIGURES)
    note = bool(words) and not figures and (words[0] in NOTE_WORDS or name.lstrip().startswith(("*", "#", "(")))
    if code:
        found = re.fullmatch(r"(\d{2})(?:\.0+)?", code.strip())
        if found and found.group(1) in set(index.provinces_of.values()) and (not words or whole_province(index, name)):
            return Exclusion.PROVINCE  # a province's code, and no name or the province's own
        return None  # a district code, or a district's name: the matcher decides (and reports what fits nothing)
    if not words:
        return Exclusion.BLANK_NAME if figures else Exclusion.NOTE
    if TOTAL_WORDS & set(words) or joined in TOTAL_WORDS:
        return Exclusion.TOTAL
    if AVERAGE_WORDS & set(words) or joined.startswith("ratarata"):
        return Exclusion.AVERAGE
    if province_level:
        return Exclusion.NOTE if note else Exclusion.PROVINCE
    if whole_province(index, name) is not None and not index.by_key.get(split_jenis(name)[1]):
        # the whole name is a province, and no district's ('Kalimantan Tengah', 'Kalteng', 'Provinsi Jambi');
        # 'Kabupaten Kapuas (Kalimantan Tengah)' or 'Banjar, Kalsel' is a district, checked against that province
        return Exclusion.PROVINCE
    if words[0] in PROVINCE_WORDS and len(words) > 1 and not _names_district(index, name):
        return Exclusion.PROVINCE  # 'Provinsi ...' with a spelling the index lacks: still no district's figure
    if note:
        return Exclusion.NOTE
    return None


def _names_district(index: DistrictIndex, name: str) -> bool:
    """Whether the matcher would find a district in `name` (so it is not set aside as a province row)."""
    return match_name(index, name, None).code is not None


def _excluded_row(
    number: int, name: str, code: str, reason: Exclusion, cells: list[str], columns: dict[str, int], index
) -> ExcludedRow:
    values, _ = _figures(cells, columns)
    province = None
    if reason == Exclusion.PROVINCE:
        province = whole_province(index, name) or (code.strip()[:2] if code.strip()[:2].isdigit() else None)
        if province not in index.area_provinces:
            province = None  # a province outside the map's area: set aside, never published
    coverage = values["coverage"]
    if coverage is None and values["participants"] is not None and values["workers"]:
        coverage = round(values["participants"] / values["workers"] * 100, 2)
    published = province is not None and coverage is not None
    return ExcludedRow(
        row=number,
        input=name or code or " ".join(cell for cell in cells if cell)[:80],
        reason=reason,
        message=PROVINCE_FIGURE_MESSAGE if published else EXCLUSION_MESSAGES[reason],
        province=province,
        participants=values["participants"],
        workers=values["workers"],
        coverage_pct=coverage,
        target_pct=values["target"],
        source=_cell(cells, columns, "source")[:MAX_SOURCE_CHARS] or None,
        as_of=_cell(cells, columns, "as_of")[:80] or None,
    )


def _province_named(index: DistrictIndex, name: str, match: Match) -> bool:
    """A bare province name that is also a district's ('Jambi', 'Bengkulu'): it may be the province's total."""
    return bool(name) and match.code is not None and match.method != "code" and whole_province(index, name) is not None


def analyse_rows(
    rows: list[list[str]],
    index: DistrictIndex,
    period: str | None = None,
    source: str | None = None,
    as_of: str | None = None,
    code_system: str | None = None,
    merges: Iterable[tuple[int, int, int, int]] = (),
    choices: dict[int, str | None] | None = None,
) -> ImportReport:
    """Recognise columns; set aside total, province and note rows; match every other row and validate.

    `code_system` (bps/kemendagri) says what the code column holds; by default its header says, or the codes.
    `merges` are a workbook's merged cells; `choices` an editor's column map ({column index: field or None}).
    """
    merges = list(merges)
    column_map = find_columns(rows, merges, choices)
    columns = required_columns(column_map)
    header = column_map.header_rows[-1] - 1
    data = [(number + 1, cells) for number, cells in enumerate(rows) if number > header and any(cells)]
    errors: list[Problem] = []
    found_period = _period_of(data, columns, period, errors)
    excluded: list[ExcludedRow] = []
    kept: list[tuple[int, list[str], str, str]] = []
    province_level = columns.get("name") is not None and columns.get("name") == columns.get("province")
    for number, cells in data:
        name, code = _cell(cells, columns, "name"), _cell(cells, columns, "code")
        reason = classify_row(name, code, cells, columns, index, province_level)
        if reason is None:
            kept.append((number, cells, name, code))
            continue
        excluded.append(_excluded_row(number, name, code, reason, cells, columns, index))
        if province_level and reason == Exclusion.PROVINCE and resolve_province(index, name) is None:
            errors.append(
                Problem(
                    number,
                    "provinsi",
                    f"Provinsi '{name}' tidak dikenali. Tulis nama provinsi (mis. Kalimantan Tengah) atau kodenya "
                    "(62).",
                    Kind.UNMATCHED,
                )
            )
    # The matching step, once per file: a bare code may be read by what the whole file's codes fit.
    inputs = [RowInput(name, code, _cell(cells, columns, "province")) for _, cells, name, code in kept]
    header_system = header_code_system(column_map.columns[columns["code"]].header) if "code" in columns else None
    matched = match_rows(index, inputs, code_system or header_system)
    notes = matched.notes + ([matched.code_column.message] if matched.code_column else [])
    if "code" in columns:
        column_map.columns[columns["code"]].code_system = code_system or header_system
        # The matcher set the column aside (GADM, HASC or other ids): the map says so beside the column.
        column_map.columns[columns["code"]].set_aside = matched.code_column.message if matched.code_column else None
    warnings = [Problem(None, "kode", note, Kind.MATCH_NOTE) for note in notes]
    results = [
        _row_result(number, cells, name, code, match, columns, index, errors, warnings)
        for (number, cells, name, code), match in zip(kept, matched.matches, strict=True)
    ]
    report = ImportReport(
        found_period,
        column_map.labels(),
        results,
        errors,
        warnings,
        excluded=excluded,
        data_rows=len(data),
        source=source,
        as_of=as_of,
        code_column=matched.code_column,
        column_map=column_map,
        table=rows,
        merges=merges,
        code_system=code_system,
        denominator=denominator_of(column_map),
        target_year=target_year_of(column_map),
    )
    validate_report(report)
    return report


def _row_result(
    number: int,
    cells: list[str],
    name: str,
    code: str,
    match: Match,
    columns: dict[str, int],
    index: DistrictIndex,
    errors: list[Problem],
    warnings: list[Problem],
) -> RowResult:
    result = RowResult(
        row=number,
        input=name or code,
        code=match.code,
        method=match.method,
        name=index.names.get(match.code) if match.code else None,
        suggestions=[asdict(s) for s in match.suggestions],
        source=_cell(cells, columns, "source")[:MAX_SOURCE_CHARS] or None,
        as_of=_cell(cells, columns, "as_of")[:80] or None,
        remarks=_cell(cells, columns, "remarks")[:MAX_SOURCE_CHARS] or None,
        reason=match.reason,
    )
    if match.note:
        warnings.append(Problem(number, "provinsi", match.note, Kind.MATCH_NOTE))
    if _province_named(index, name, match):
        errors.append(
            Problem(
                number,
                "wilayah",
                f"'{name}' adalah nama provinsi dan juga {result.name}. Tulis '{result.name}' untuk kota/kabupaten; "
                f"baris provinsi tulis 'Provinsi {name}'.",
                Kind.UNMATCHED,
            )
        )
        result.suggestions = [{"code": match.code, "name": result.name, "score": 100.0}]
        result.code = result.method = result.name = None
        result.reason = "ambiguous"
    elif match.code is None:
        column = "kode" if match.message in ("bad_code", "unknown_code", "code_system", "historic_code") else "wilayah"
        errors.append(Problem(number, column, MATCH_MESSAGES[match.message].format(input=result.input), Kind.UNMATCHED))
    values, problems = _figures(cells, columns)
    errors.extend(Problem(number, p.column, p.message, p.kind) for p in problems)
    result.participants, result.workers = values["participants"], values["workers"]
    result.coverage_pct, result.target_pct = values["coverage"], values["target"]
    result.coverage_given = result.coverage_pct is not None
    for column in SEGMENT_COLUMNS:
        text = _cell(cells, columns, column)
        if text and text != "-":
            try:
                setattr(result, column, parse_rupiah(text) if column == CONTRIBUTION else parse_count(text))
            except ValueError as error:
                errors.append(Problem(number, COLUMN_LABELS[column], str(error), Kind.PARSE))
    if result.coverage_pct is None and result.participants is not None and result.workers:
        result.coverage_pct = round(result.participants / result.workers * 100, 2)
    return result


def _computed(row: RowResult) -> float | None:
    if row.participants is None or not row.workers:
        return None
    return row.participants / row.workers * 100


def _check_row(row: RowResult, has_error: bool, errors: list[Problem], warnings: list[Problem]) -> None:
    """Ranges and consistency of one row's figures."""
    computed = _computed(row)
    if row.workers == 0:
        errors.append(Problem(row.row, "pekerja", "Jumlah pekerja 0: cakupan tidak dapat dihitung.", Kind.RANGE))
        has_error = True
    if computed is not None and row.participants > row.workers:
        warnings.append(
            Problem(row.row, "peserta", "Peserta lebih banyak daripada pekerja. Periksa kedua angka.", Kind.RANGE)
        )
    if row.coverage_given and computed is not None and abs(computed - row.coverage_pct) > COVERAGE_MISMATCH_POINTS:
        warnings.append(
            Problem(
                row.row,
                "cakupan",
                f"Cakupan tertulis {_pct(row.coverage_pct)} berbeda dari peserta/pekerja = {_pct(computed)}.",
                Kind.MISMATCH,
            )
        )
    if row.coverage_pct is None and not has_error:
        errors.append(
            Problem(row.row, "cakupan", "Cakupan kosong. Isi 'cakupan', atau 'peserta' dan 'pekerja'.", Kind.MISSING)
        )
    elif row.coverage_pct is not None and row.coverage_pct > 100:
        warnings.append(Problem(row.row, "cakupan", f"Cakupan {_pct(row.coverage_pct)} di atas 100%.", Kind.RANGE))
    figures = {"participants": row.participants} | {column: getattr(row, column) for column in COUNT_COLUMNS}
    warnings.extend(Problem(row.row, "segmen", message, Kind.SEGMENTS) for message in segment_problems(figures))


def _fraction_warning(report: ImportReport) -> Problem | None:
    """Coverage written as fractions (0,3031 for 30,31%): every written value ≤ 1 while the counts say otherwise."""
    given = [row for row in report.rows if row.coverage_given and row.coverage_pct is not None]
    if report.fractions_scaled or not given or any(row.coverage_pct > 1 for row in given):
        return None
    if not any(row.coverage_pct > 0 for row in given):
        return None
    computed = [value for row in given if (value := _computed(row)) is not None]
    if computed and all(value <= 1 for value in computed):
        return None  # the counts agree: coverage really is below 1%
    return Problem(
        None,
        "cakupan",
        "Semua nilai cakupan 1 atau kurang (mis. 0,3031). Bila itu pecahan (0,3031 = 30,31%), pilih "
        "'Ini pecahan, kalikan 100'; bila memang di bawah 1%, biarkan.",
        Kind.FRACTION,
    )


def validate_report(report: ImportReport) -> ImportReport:
    """The one validation, after reading and after every edit: ranges, duplicates, jumps, fractions, source.

    Problems found while reading (READ_KINDS) stay; every other kind is recomputed from the rows as they are.
    """
    errors = [p for p in report.errors if p.kind in READ_KINDS]
    warnings = [p for p in report.warnings if p.kind in READ_KINDS]
    flagged = {p.row for p in errors}
    first_row_of: dict[str, int] = {}
    for row in report.rows:
        _check_row(row, row.row in flagged, errors, warnings)
        if row.code and row.code in first_row_of:
            errors.append(
                Problem(
                    row.row,
                    "wilayah",
                    f"'{row.input}' sama dengan baris {first_row_of[row.code]} ({row.name}). Satu wilayah hanya "
                    "boleh satu baris: hapus salah satunya.",
                    Kind.DUPLICATE,
                )
            )
        elif row.code:
            first_row_of[row.code] = row.row
        before = report.previous_coverage.get(row.code) if row.code else None
        if before is not None and row.coverage_pct is not None and abs(row.coverage_pct - before) > JUMP_POINTS:
            warnings.append(
                Problem(
                    row.row,
                    "cakupan",
                    f"Cakupan berubah {format_points(row.coverage_pct - before, 'id')} dari {report.previous_period} "
                    f"({_pct(before)} → {_pct(row.coverage_pct)}). Periksa angkanya.",
                    Kind.JUMP,
                )
            )
    provinces = report.province_figures()
    first_row_of_province: dict[str, int] = {}
    for row in provinces:
        if row.province in first_row_of_province:
            errors.append(
                Problem(
                    row.row,
                    "wilayah",
                    f"'{row.input}' sama dengan baris {first_row_of_province[row.province]}. Satu provinsi hanya "
                    "boleh satu baris: perbaiki berkasnya lalu unggah lagi.",
                    Kind.DUPLICATE,
                )
            )
        else:
            first_row_of_province[row.province] = row.row
        if row.coverage_pct > 100:
            warnings.append(Problem(row.row, "cakupan", f"Cakupan {_pct(row.coverage_pct)} di atas 100%.", Kind.RANGE))
    if not report.rows and not provinces:
        errors.append(Problem(None, None, _no_rows_message(report), Kind.MISSING))
    if (fraction := _fraction_warning(report)) is not None:
        warnings.insert(0, fraction)
    warnings[:0] = column_problems(report)
    unsourced = [row.row for row in report.rows if row.code and not report.source_of(row)]
    unsourced += [row.row for row in provinces if not (row.source or report.source)]
    if unsourced:
        listed = ", ".join(map(str, unsourced[:10])) + (" …" if len(unsourced) > 10 else "")
        errors.append(
            Problem(
                None,
                "sumber",
                f"Sumber data belum diisi (baris {listed}). Isi 'Sumber data' saat mengunggah, atau beri kolom "
                "'sumber' di berkas; nama berkas tidak dipakai sebagai sumber.",
                Kind.SOURCE,
            )
        )
    key = _problem_order
    report.errors, report.warnings = sorted(errors, key=key), sorted(warnings, key=key)
    return report


LABOUR_FORCE_MESSAGE = (
    "Penyebut berkas ini angkatan kerja (termasuk penganggur), bukan penduduk bekerja. Cakupan yang tertulis "
    "diterbitkan apa adanya dengan tanda 'penyebut: angkatan kerja'; cakupan tidak dihitung ulang dari angkatan kerja."
)


def column_problems(report: ImportReport) -> list[Problem]:
    """A warning for each figure-like column left unused (blocks publishing until settled), and the labour-force
    denominator when the file has one."""
    if report.column_map is None:
        return []
    problems = [
        Problem(
            None,
            column.header or column.letter,
            f"Kolom {column.letter} '{column.header or '(tanpa judul)'}' tampak berisi angka tetapi tidak dipakai "
            f"({column.reason}). Tetapkan kolom ini ke salah satu bidang, atau konfirmasi bahwa tidak diperlukan.",
            Kind.UNUSED_COLUMN,
        )
        for column in report.column_map.unsettled()
    ]
    if report.denominator:
        problems.append(Problem(None, "angkatan_kerja", LABOUR_FORCE_MESSAGE, Kind.DENOMINATOR))
    targets = [row for row in report.rows if row.code and row.target_pct is not None]
    if targets and not report.target_year:
        problems.append(Problem(None, "target", target_year_question(report.period), Kind.TARGET_YEAR))
    return problems


def target_year_question(period: str | None) -> str:
    """What the review page asks when the targets do not say their year."""
    year = period[:4] if period else "periode ini"
    return (
        f"Target di berkas ini tidak menyebut tahunnya. Isi 'Tahun target' di atas (mis. {year} atau tahun "
        f"berikutnya), atau beri judul kolom dengan tahunnya ('Target {year}'). Tanpa tahun, laju menuju target "
        f"dihitung ke Desember {year} dan halaman wilayah menyebutnya sebagai anggapan."
    )


def _no_rows_message(report: ImportReport) -> str:
    if not report.excluded:
        return "Tidak ada baris data di bawah baris judul."
    return (
        f"Tidak ada baris kabupaten/kota untuk diterbitkan: semua {len(report.excluded)} baris data dikecualikan "
        "(jumlah, provinsi, catatan, atau dihapus). Periksa daftar baris yang dikecualikan."
    )


def _problem_order(problem: Problem) -> tuple[int, int]:
    return (0, 0) if problem.row is None else (1, problem.row)


class ReportEditError(ValueError):
    """An edit that does not apply to this draft; the message says why."""


def _row(report: ImportReport, number: int) -> RowResult:
    for row in report.rows:
        if row.row == number:
            return row
    raise ReportEditError(f"Baris {number} tidak ada di draf ini.")


def drop_row(report: ImportReport, number: int) -> ImportReport:
    """Leave one row out (a district row, or a province figure row): it is listed as excluded (dropped) and the
    draft is validated again."""
    province = next((entry for entry in report.province_figures() if entry.row == number), None)
    if province is not None:
        province.reason, province.message = Exclusion.DROPPED, EXCLUSION_MESSAGES[Exclusion.DROPPED]
        report.errors = [p for p in report.errors if p.row != number]
        report.warnings = [p for p in report.warnings if p.row != number]
        return validate_report(report)
    row = _row(report, number)
    report.rows.remove(row)
    report.excluded.append(
        ExcludedRow(
            row=row.row,
            input=row.input,
            reason=Exclusion.DROPPED,
            message=EXCLUSION_MESSAGES[Exclusion.DROPPED],
            participants=row.participants,
            workers=row.workers,
            coverage_pct=row.coverage_pct,
            target_pct=row.target_pct,
        )
    )
    report.excluded.sort(key=lambda entry: entry.row)
    report.errors = [p for p in report.errors if p.row != number]
    report.warnings = [p for p in report.warnings if p.row != number]
    return validate_report(report)


def province_row_as_district(report: ImportReport, number: int, index: DistrictIndex) -> ImportReport:
    """An editor's 'bukan baris provinsi': a row set aside as a province row becomes a district row, matched by
    its name as any row is (unmatched, with suggestions, when the name fits no one district), and the draft is
    validated again. Its figures move with it; it is no longer the province's figure."""
    entry = next((e for e in report.excluded if e.row == number and e.reason == Exclusion.PROVINCE), None)
    if entry is None:
        raise ReportEditError(f"Baris {number} bukan baris provinsi di draf ini.")
    match = match_rows(index, [RowInput(entry.input, None, None)]).matches[0]
    row = RowResult(
        row=number,
        input=entry.input,
        code=match.code,
        method=match.method,
        name=index.names.get(match.code) if match.code else None,
        suggestions=[asdict(s) for s in match.suggestions],
        participants=entry.participants,
        workers=entry.workers,
        coverage_pct=entry.coverage_pct,
        target_pct=entry.target_pct,
        source=entry.source,
        as_of=entry.as_of,
        reason=match.reason,
    )
    computed = _computed(row)
    row.coverage_given = row.coverage_pct is not None and (computed is None or round(computed, 2) != row.coverage_pct)
    report.excluded.remove(entry)
    report.rows = sorted([*report.rows, row], key=lambda r: r.row)
    report.errors = [p for p in report.errors if p.row != number]
    report.warnings = [p for p in report.warnings if p.row != number]
    if match.code is None:
        message = MATCH_MESSAGES.get(match.message or "", MATCH_MESSAGES["unknown_name"]).format(input=entry.input)
        report.errors.append(Problem(number, "wilayah", message, Kind.UNMATCHED))
    return validate_report(report)


def match_row(report: ImportReport, number: int, code: str) -> ImportReport:
    """Match an unmatched row by hand to one of its suggestions, then validate again."""
    row = _row(report, number)
    chosen = {s["code"]: s["name"] for s in row.suggestions}
    if row.code is not None or code not in chosen:
        raise ReportEditError("Pilih salah satu saran untuk baris ini.")
    row.code, row.name, row.method, row.suggestions, row.reason = code, chosen[code], "manual", [], None
    report.errors = [p for p in report.errors if not (p.row == number and p.kind == Kind.UNMATCHED)]
    return validate_report(report)


def scale_fractions(report: ImportReport) -> ImportReport:
    """'Ini pecahan, kalikan 100': written coverage (and targets, when all ≤ 1) × 100, then validate again."""
    if not any(p.kind == Kind.FRACTION for p in report.warnings):
        raise ReportEditError("Nilai cakupan draf ini tidak tampak sebagai pecahan; tidak ada yang dikalikan.")
    targets = [row.target_pct for row in report.rows if row.target_pct is not None]
    scale_targets = bool(targets) and all(value <= 1 for value in targets)
    for row in report.rows:
        if row.coverage_given and row.coverage_pct is not None:
            row.coverage_pct = _times_100(row.coverage_pct)
        if scale_targets and row.target_pct is not None:
            row.target_pct = _times_100(row.target_pct)
    report.fractions_scaled = True
    return validate_report(report)


def _times_100(value: float) -> float:
    """0.3031 -> 30.31 exactly as written (not 30.310000000000002)."""
    return float(Decimal(repr(value)) * 100)


def set_provenance(
    report: ImportReport, source: str | None, as_of: str | None, target_year: str | None = None
) -> ImportReport:
    """Give (or change) the upload's source, date and (when given) the year its targets are for; validate again."""
    report.source = (source or "").strip()[:MAX_SOURCE_CHARS] or None
    report.as_of = check_as_of(as_of) if as_of and as_of.strip() else None
    if target_year is not None:
        report.target_year = check_target_year(target_year, report.period)
    return validate_report(report)


def check_target_year(text: str, period: str | None) -> str | None:
    """'2026' -> '2026' (blank -> None); a year before the figures' own or far beyond them is refused in words."""
    year = str(text).strip()
    if not year:
        return None
    if not re.fullmatch(r"(?:19|20)\d{2}", year):
        raise ReportEditError(f"Tahun target '{year[:20]}' bukan tahun: tulis empat angka, mis. 2026.")
    own = int(period[:4]) if period else None
    if own is not None and not own <= int(year) <= own + 10:
        raise ReportEditError(
            f"Tahun target {year} tidak cocok dengan periode {period}: target berlaku untuk tahun {own} sampai "
            f"{own + 10}."
        )
    return year


def remap_columns(report: ImportReport, index: DistrictIndex, choices: dict[int, str | None]) -> ImportReport:
    """The draft analysed again from its cells with the editor's column choices over the earlier ones; rows
    dropped or matched by hand are dropped and matched again where they still can be."""
    if report.table is None:
        raise ReportEditError("Draf ini disimpan sebelum ada peta kolom: unggah lagi berkasnya untuk mengubah kolom.")
    earlier = report.column_map.choices() if report.column_map else {}
    fresh = analyse_rows(
        report.table,
        index,
        report.period,
        report.source,
        report.as_of,
        report.code_system,
        report.merges,
        earlier | choices,
    )
    fresh.sheet, fresh.sheets = report.sheet, report.sheets
    fresh.target_year = fresh.target_year or report.target_year  # the editor's answer, unless a header now says
    fresh.warnings[:0] = [problem for problem in report.warnings if problem.kind == Kind.FILE]
    for entry in report.excluded:
        if entry.reason == Exclusion.DROPPED and any(row.row == entry.row for row in fresh.rows):
            drop_row(fresh, entry.row)
    for row in report.rows:
        if row.method == "manual" and row.code:
            with suppress(ReportEditError):
                match_row(fresh, row.row, row.code)
    if report.fractions_scaled and any(problem.kind == Kind.FRACTION for problem in fresh.warnings):
        scale_fractions(fresh)
    return validate_report(fresh)


def _first_table_with_columns(data: bytes, filename: str, first: Table) -> Table:
    """The first sheet whose header names a district and a figure column (a workbook often opens with notes).

    The workbook is opened once for all its sheets: opening it per sheet made time grow with the square of
    the sheet count.
    """
    with _open_workbook(data) as book:
        sheets = {sheet.title: sheet for sheet in book.worksheets}
        for name in first.sheets:
            table = first if name == first.sheet else _sheet_table(sheets[name], first.sheets)
            try:
                find_columns(table.rows, table.merges)
            except CoverageFileError:
                continue
            return table
    return first


def analyse_file(
    data: bytes,
    filename: str,
    index: DistrictIndex,
    period: str | None = None,
    sheet: str | None = None,
    source: str | None = None,
    as_of: str | None = None,
    code_system: str | None = None,
    columns: Iterable[tuple[str | None, str]] = (),
) -> ImportReport:
    """Read and analyse one uploaded or local file: the chosen sheet of a workbook, or its first table.

    `columns` are the sender's column map over what the header says: (field or None for 'not needed', the
    column's header as written, letter or number), as `--kolom target="Target (%)"` gives them.

    `source` and `as_of` are the upload's provenance (form, API, CLI); each row's own `sumber`/`tanggal` cell
    takes precedence.
    """
    table = read_table(data, filename, sheet)
    several = len(table.sheets) > 1
    if several and not sheet:
        table = _first_table_with_columns(data, filename, table)
    others = ", ".join(f"'{name}'" for name in table.sheets if name != table.sheet)
    given_source = (source or "").strip()[:MAX_SOURCE_CHARS] or None
    problems = []
    try:
        given_as_of = check_as_of(as_of) if as_of and as_of.strip() else None
    except ValueError as error:
        given_as_of = None
        problems.append(Problem(None, "tanggal", str(error), Kind.INPUT))
    try:
        choices = resolve_choices(table.rows, table.merges, columns)
        report = analyse_rows(table.rows, index, period, given_source, given_as_of, code_system, table.merges, choices)
    except CoverageFileError as error:
        if several:
            raise CoverageFileError(f"{error} Lembar yang dibaca: '{table.sheet}'; lembar lain: {others}.") from error
        raise
    report.errors[:0] = problems
    report.sheet, report.sheets = table.sheet, table.sheets
    if several and not sheet:
        report.warnings.insert(
            0,
            Problem(
                None,
                None,
                f"Berkas ini punya {len(table.sheets)} lembar; yang dibaca '{table.sheet}'. "
                f"Bila datanya di lembar lain ({others}), unggah lagi dengan nama lembarnya.",
                Kind.FILE,
            ),
        )
    return report


@dataclass(frozen=True)
class Flagged:
    """A problem as the review shows it beside its row: 'error' blocks publishing, 'warning' does not."""

    severity: str
    column: str | None
    message: str
    kind: Kind


def problems_by_row(report: ImportReport) -> dict[int | None, list[Flagged]]:
    """Every error and warning grouped by row number (None for the file as a whole)."""
    grouped: dict[int | None, list[Flagged]] = {}
    for severity, problems in (("error", report.errors), ("warning", report.warnings)):
        for p in problems:
            grouped.setdefault(p.row, []).append(Flagged(severity, p.column, p.message, p.kind))
    return grouped
