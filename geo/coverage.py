"""Read coverage spreadsheets (CSV, XLSX), recognise their columns, validate and match every row.

The result is an ImportReport: one entry per data row in file order, plus errors and warnings that name
the row and column and say, in Bahasa Indonesia, what to fix. Nothing here writes to the database.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from geo.matching import DistrictIndex, match_district
from geo.numbers import format_percent, format_points

HEADER_ALIASES = {
    "code": ["kode", "kode_wilayah", "kode_kemendagri", "kode_bps", "kode_kab", "kode_kabkota", "code"],
    "name": [
        "wilayah",
        "kabupaten_kota",
        "kab_kota",
        "kabkota",
        "nama",
        "nama_wilayah",
        "nama_kabupaten_kota",
        "kabupaten",
        "kota",
        "district",
        "name",
        "regency",
    ],
    "province": ["provinsi", "province", "prov", "nama_provinsi"],
    "period": ["periode", "period", "bulan"],
    "participants": ["peserta", "peserta_aktif", "jumlah_peserta", "tk_aktif", "participants"],
    "workers": [
        "pekerja",
        "penduduk_bekerja",
        "jumlah_pekerja",
        "jumlah_penduduk_bekerja",
        "workers",
        "employed",
        "employed_population",
    ],
    "coverage": [
        "cakupan",
        "cakupan_persen",
        "persen_cakupan",
        "persentase",
        "persentase_cakupan",
        "ucj",
        "coverage",
        "coverage_pct",
        "coverage_percent",
    ],
    "target": ["target", "target_persen", "target_cakupan", "target_pct", "target_percent"],
    "source": ["sumber", "source", "sumber_data", "keterangan"],
    "as_of": ["tanggal", "tanggal_data", "per_tanggal", "as_of"],
}
COLUMN_LABELS = {
    "code": "kode",
    "name": "wilayah",
    "province": "provinsi",
    "period": "periode",
    "participants": "peserta",
    "workers": "pekerja",
    "coverage": "cakupan",
    "target": "target",
    "source": "sumber",
    "as_of": "tanggal",
}
MATCH_MESSAGES = {
    "ambiguous": "Nama '{input}' cocok dengan lebih dari satu wilayah. Tulis 'Kabupaten' atau 'Kota', "
    "isi kolom provinsi, atau pakai kode Kemendagri.",
    "other_province": "Nama '{input}' ada, tetapi tidak di provinsi yang tertulis. Periksa kolom provinsi.",
    "unknown_name": "Wilayah '{input}' tidak dikenali di cakupan peta. Periksa ejaannya atau pakai kode "
    "Kemendagri (mis. 62.11).",
    "bad_code": "Kode '{input}' tidak berbentuk kode Kemendagri (62.11) atau BPS (6211).",
    "unknown_code": "Kode '{input}' tidak ada di cakupan peta.",
    "code_name_conflict": "Kode dan nama '{input}' menunjuk wilayah yang berbeda. Perbaiki salah satunya.",
    "empty": "Baris tanpa nama wilayah dan tanpa kode.",
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
MAX_UNPACKED_BYTES = 50_000_000
MAX_COLUMNS = 60
HEADER_SEARCH_ROWS = 20
COVERAGE_MISMATCH_POINTS = 0.5


class CoverageFileError(Exception):
    """The file cannot be read as a coverage table; the message says what to fix."""


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str | None
    message: str


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
    source: str | None = None
    as_of: str | None = None


@dataclass
class ImportReport:
    period: str | None
    columns: dict[str, str]
    rows: list[RowResult]
    errors: list[Problem]
    warnings: list[Problem]
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.period is not None and bool(self.rows)

    def to_dict(self) -> dict:
        matched = sum(1 for row in self.rows if row.code)
        return {
            "ok": self.ok,
            "period": self.period,
            "columns": self.columns,
            "sheet": self.sheet,
            "sheets": self.sheets,
            "summary": {"rows": len(self.rows), "matched": matched, "unmatched": len(self.rows) - matched},
            "rows": [asdict(row) for row in self.rows],
            "errors": [asdict(problem) for problem in self.errors],
            "warnings": [asdict(problem) for problem in self.warnings],
        }

    def records(self) -> pd.DataFrame:
        """Return the matched rows as the table a dataset stores."""
        columns = ["code", "input", "participants", "workers", "coverage_pct", "target_pct", "source", "as_of"]
        return pd.DataFrame([{c: getattr(row, c) for c in columns} for row in self.rows if row.code], columns=columns)


def _pct(value: float) -> str:
    """A percentage in messages, as Indonesian readers write it: 112.5 -> '112,5%', 41.257 -> '41,26%'."""
    return format_percent(value, "id", decimals=2, trim=True)


def normalize_header(text: object) -> str:
    """'Penduduk Bekerja (jiwa)' -> 'penduduk_bekerja'; units in brackets and % signs are dropped."""
    text = re.sub(r"\(.*?\)|%", " ", str(text or "").lower())
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


HEADER_LOOKUP = {alias: key for key, aliases in HEADER_ALIASES.items() for alias in aliases}


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class Table:
    """The text cells of a file; for a workbook, the sheet they come from and every visible sheet's name."""

    rows: list[list[str]]
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)


def read_table(data: bytes, filename: str, sheet: str | None = None) -> Table:
    """Read a CSV file, or one sheet of an XLSX file (the first visible one unless `sheet` names or numbers
    another), into rows of text cells; raise CoverageFileError if it cannot be read."""
    if not data:
        raise CoverageFileError("Berkas kosong. Unggah berkas CSV atau XLSX yang berisi tabel cakupan.")
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx" or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, sheet)
    if suffix not in ("", ".csv", ".txt"):
        raise CoverageFileError(f"Jenis berkas '{suffix}' tidak didukung. Simpan sebagai CSV atau XLSX.")
    return Table(_read_csv(data))


def _decode(data: bytes) -> str:
    if b"\x00" in data:  # anywhere: PostgreSQL refuses NUL in text, and no CSV has one
        raise CoverageFileError("Berkas ini bukan teks CSV (berisi data biner). Simpan sebagai CSV atau XLSX.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _read_csv(data: bytes) -> list[list[str]]:
    # Old Mac and some Excel exports end lines with a bare carriage return.
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), dialect)):
            if number > MAX_ROWS:
                raise CoverageFileError(f"Berkas lebih dari {MAX_ROWS} baris. Satu berkas cukup untuk satu periode.")
            rows.append([cell.strip() for cell in row[:MAX_COLUMNS]])
    except csv.Error as error:
        raise CoverageFileError(f"Berkas CSV tidak dapat dibaca ({error}). Simpan ulang sebagai CSV UTF-8.") from error
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
            f"Isi berkas XLSX terlalu besar ({unpacked // 1_000_000} MB setelah dibuka). "
            "Simpan hanya tabel cakupan di lembar pertama."
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
    rows = []
    try:  # a read-only sheet parses its XML only now, row by row
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)):
            if number > MAX_ROWS:
                raise CoverageFileError(
                    f"Lembar kerja lebih dari {MAX_ROWS} baris. Satu berkas cukup untuk satu periode."
                )
            rows.append([_cell_text(value) for value in row])
    except (ParseError, ValueError, KeyError, TypeError) as error:
        raise CoverageFileError(
            f"Lembar '{sheet.title}' rusak dan tidak dapat dibaca. Buka di Excel, simpan ulang sebagai .xlsx."
        ) from error
    return Table(rows, sheet.title, names)


def _read_xlsx(data: bytes, wanted: str | None = None) -> Table:
    with _open_workbook(data) as book:
        sheet, names = _choose_sheet(book, wanted)
        return _sheet_table(sheet, names)


def find_columns(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    """Return (header row index, {field: column index}) for the row that names the most known columns."""
    best_row, best = -1, {}
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for column, cell in enumerate(row):
            key = HEADER_LOOKUP.get(normalize_header(cell))
            if key and key not in found:
                found[key] = column
        if len(found) > len(best):
            best_row, best = number, found
    if "name" not in best and "code" not in best:
        raise CoverageFileError(
            "Kolom wilayah tidak ditemukan. Beri judul kolom 'wilayah' (atau 'kabupaten_kota', 'nama') "
            "dan/atau 'kode' di baris judul."
        )
    if "coverage" not in best and not {"participants", "workers"} <= set(best):
        raise CoverageFileError(
            "Kolom angka tidak ditemukan. Perlu kolom 'cakupan' (persen), atau 'peserta' dan 'pekerja' "
            "(penduduk bekerja) agar cakupan dapat dihitung."
        )
    return best_row, best


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


def parse_period(text: str) -> str:
    """Return 'YYYY-MM' from '2025-10', '2025/10', '10/2025', 'Oktober 2025' or 'Okt 2025'."""
    cleaned = str(text).strip().lower()
    if found := re.fullmatch(r"(\d{4})[-/.](\d{1,2})", cleaned):
        year, month = int(found.group(1)), int(found.group(2))
    elif found := re.fullmatch(r"(\d{1,2})[-/.](\d{4})", cleaned):
        year, month = int(found.group(2)), int(found.group(1))
    elif (found := re.fullmatch(r"([a-z]+)\.?\s+(\d{4})", cleaned)) and found.group(1) in MONTHS:
        year, month = int(found.group(2)), MONTHS[found.group(1)]
    else:
        raise ValueError(f"Periode '{text}' tidak dikenali. Tulis dalam bentuk TTTT-BB, mis. 2025-10.")
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValueError(f"Periode '{text}' tidak masuk akal. Tulis dalam bentuk TTTT-BB, mis. 2025-10.")
    return f"{year:04d}-{month:02d}"


def _period_of(
    rows: list[tuple[int, list[str]]], columns: dict[str, int], override: str | None, errors: list[Problem]
) -> str | None:
    if override:
        try:
            return parse_period(override)
        except ValueError as error:
            errors.append(Problem(None, "periode", str(error)))
            return None
    if "period" not in columns:
        errors.append(
            Problem(None, "periode", "Periode belum diisi. Pilih periode (TTTT-BB) atau isi kolom 'periode'.")
        )
        return None
    seen = {}
    for number, cells in rows:
        text = cells[columns["period"]] if columns["period"] < len(cells) else ""
        if text:
            try:
                seen.setdefault(parse_period(text), number)
            except ValueError as error:
                errors.append(Problem(number, "periode", str(error)))
    if len(seen) > 1:
        errors.append(
            Problem(
                None,
                "periode",
                f"Berkas berisi lebih dari satu periode ({', '.join(sorted(seen))}). Pisahkan per periode.",
            )
        )
        return None
    return next(iter(seen), None)


def _cell(cells: list[str], columns: dict[str, int], key: str) -> str:
    index = columns.get(key)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _parse_figures(
    result: RowResult, cells: list[str], columns: dict[str, int], errors: list[Problem], warnings: list[Problem]
) -> None:
    parsers = {"participants": parse_count, "workers": parse_count, "coverage": parse_percent, "target": parse_percent}
    values: dict[str, float | int | None] = {}
    for key, parser in parsers.items():
        text = _cell(cells, columns, key)
        values[key] = None
        if text and text != "-":
            try:
                values[key] = parser(text)
            except ValueError as error:
                errors.append(Problem(result.row, COLUMN_LABELS[key], str(error)))
    result.participants, result.workers = values["participants"], values["workers"]
    result.target_pct, result.coverage_pct = values["target"], values["coverage"]
    if result.workers == 0:
        errors.append(Problem(result.row, "pekerja", "Jumlah pekerja 0: cakupan tidak dapat dihitung."))
    computed = None
    if result.participants is not None and result.workers:
        computed = result.participants / result.workers * 100
        if result.participants > result.workers:
            warnings.append(
                Problem(result.row, "peserta", "Peserta lebih banyak daripada pekerja. Periksa kedua angka.")
            )
    if result.coverage_pct is None and computed is not None:
        result.coverage_pct = round(computed, 2)
    elif computed is not None and abs(computed - result.coverage_pct) > COVERAGE_MISMATCH_POINTS:
        warnings.append(
            Problem(
                result.row,
                "cakupan",
                f"Cakupan tertulis {_pct(result.coverage_pct)} berbeda dari peserta/pekerja = {_pct(computed)}.",
            )
        )
    if result.coverage_pct is None and not any(p.row == result.row for p in errors):
        errors.append(Problem(result.row, "cakupan", "Cakupan kosong. Isi 'cakupan', atau 'peserta' dan 'pekerja'."))
    elif result.coverage_pct is not None and result.coverage_pct > 100:
        warnings.append(Problem(result.row, "cakupan", f"Cakupan {_pct(result.coverage_pct)} di atas 100%."))


def analyse_rows(rows: list[list[str]], index: DistrictIndex, period: str | None = None) -> ImportReport:
    """Recognise columns, match every data row and validate its figures."""
    header, columns = find_columns(rows)
    data = [(number + 1, cells) for number, cells in enumerate(rows) if number > header and any(cells)]
    errors: list[Problem] = []
    warnings: list[Problem] = []
    found_period = _period_of(data, columns, period, errors)
    results: list[RowResult] = []
    first_row_of: dict[str, int] = {}
    for number, cells in data:
        name, code = _cell(cells, columns, "name"), _cell(cells, columns, "code")
        match = match_district(
            index, name=name or None, code=code or None, province=_cell(cells, columns, "province") or None
        )
        result = RowResult(
            row=number,
            input=name or code,
            code=match.code,
            method=match.method,
            name=index.names.get(match.code) if match.code else None,
            suggestions=[asdict(s) for s in match.suggestions],
            source=_cell(cells, columns, "source") or None,
            as_of=_cell(cells, columns, "as_of") or None,
        )
        if match.code is None:
            column = "kode" if match.message in ("bad_code", "unknown_code") else "wilayah"
            errors.append(Problem(number, column, MATCH_MESSAGES[match.message].format(input=result.input)))
        elif match.code in first_row_of:
            errors.append(
                Problem(
                    number,
                    "wilayah",
                    f"'{result.input}' sama dengan baris {first_row_of[match.code]}"
                    f" ({result.name}). Satu wilayah hanya boleh satu baris.",
                )
            )
        else:
            first_row_of[match.code] = number
        _parse_figures(result, cells, columns, errors, warnings)
        results.append(result)
    if not results:
        errors.append(Problem(None, None, "Tidak ada baris data di bawah baris judul."))
    labels = {COLUMN_LABELS[key]: rows[header][index] for key, index in columns.items()}
    return ImportReport(found_period, labels, results, errors, warnings)


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
                find_columns(table.rows)
            except CoverageFileError:
                continue
            return table
    return first


def analyse_file(
    data: bytes, filename: str, index: DistrictIndex, period: str | None = None, sheet: str | None = None
) -> ImportReport:
    """Read and analyse one uploaded or local file: the chosen sheet of a workbook, or its first table."""
    table = read_table(data, filename, sheet)
    several = len(table.sheets) > 1
    if several and not sheet:
        table = _first_table_with_columns(data, filename, table)
    others = ", ".join(f"'{name}'" for name in table.sheets if name != table.sheet)
    try:
        report = analyse_rows(table.rows, index, period)
    except CoverageFileError as error:
        if several:
            raise CoverageFileError(f"{error} Lembar yang dibaca: '{table.sheet}'; lembar lain: {others}.") from error
        raise
    report.sheet, report.sheets = table.sheet, table.sheets
    if several and not sheet:
        report.warnings.insert(
            0,
            Problem(
                None,
                None,
                f"Berkas ini punya {len(table.sheets)} lembar; yang dibaca '{table.sheet}'. "
                f"Bila datanya di lembar lain ({others}), unggah lagi dengan nama lembarnya.",
            ),
        )
    return report


JUMP_POINTS = 20.0


def jump_warnings(rows: list[dict], previous: pd.DataFrame, previous_period: str) -> list[dict]:
    """Warn for coverage that moved more than JUMP_POINTS points from the previous period (often a typo)."""
    before = previous.dropna(subset=["coverage_pct"]).set_index("code")["coverage_pct"]
    warnings = []
    for row in rows:
        code, value = row.get("code"), row.get("coverage_pct")
        if code in before.index and value is not None and abs(value - before[code]) > JUMP_POINTS:
            warnings.append(
                {
                    "row": row["row"],
                    "column": "cakupan",
                    "message": f"Cakupan berubah {format_points(value - before[code], 'id')} dari {previous_period} "
                    f"({_pct(before[code])} → {_pct(value)}). Periksa angkanya.",
                }
            )
    return warnings
