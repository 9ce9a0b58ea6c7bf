"""Find a coverage table's header and account for every column of it: the column map.

A header is read as people write it: over one to four rows (a group title merged over its sub-columns, the
unit in a row of its own, a numbered row `(1) (2) (3)`), with units, years and line breaks in the cells. Each
column's words are recognised by rules (`recognise_header`), not only by an exact list. Every column ends up
either as the field it became or *diabaikan* with the reason; a column that looks like a figure and was not
used is `unsettled` until an editor assigns it or confirms it is not needed (geo.coverage turns that into a
problem that blocks publishing).

Angkatan kerja (the labour force, which includes the unemployed) is its own field, never `workers`
(penduduk bekerja): coverage is never computed from it, and a file whose only denominator is the labour force
is marked so (geo.coverage carries the mark into the published figures).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum

from openpyxl.utils.cell import range_boundaries
from openpyxl.xml.functions import iterparse

HEADER_SEARCH_ROWS = 20
MAX_HEADER_ROWS = 4

# The fields a column can become, with the label the review and the CLI use (and `--kolom LABEL=...` takes).
FIELD_LABELS = {
    "name": "wilayah",
    "code": "kode",
    "province": "provinsi",
    "period": "periode",
    "participants": "peserta",
    "workers": "pekerja",
    "labour_force": "angkatan_kerja",
    "coverage": "cakupan",
    "target": "target",
    "source": "sumber",
    "as_of": "tanggal",
    "remarks": "keterangan",
    "participants_pu": "peserta_pu",
    "participants_bpu": "peserta_bpu",
    "participants_jakon": "peserta_jakon",
    "participants_pmi": "peserta_pmi",
    "vulnerable_regency": "peserta_rentan_apbd_kabkota",
    "vulnerable_province": "peserta_rentan_apbd_prov",
    "vulnerable_other": "peserta_rentan_lain",
    "contribution_monthly": "iuran",
}
FIELD_BY_LABEL = {label: key for key, label in FIELD_LABELS.items()} | {key: key for key in FIELD_LABELS}
IGNORE_LABELS = frozenset({"abaikan", "diabaikan", "-", "tidak_dipakai"})
FIGURE_FIELDS = frozenset(FIELD_LABELS) - {"name", "code", "province", "period", "source", "as_of", "remarks"}

# Exact spellings that the rules below do not reach (kept from the first importer: files that worked keep working).
EXACT_HEADERS = {
    "tk_aktif": "participants",
    "bps": "code",
    "kemendagri": "code",
    "ket": "remarks",
    "iuran_rentan": "contribution_monthly",
}


class Unused(StrEnum):
    """Why a column was not used."""

    EMPTY = "empty"  # no header and no values
    NUMBERING = "numbering"  # No., nomor urut
    UNKNOWN = "unknown"  # a header the rules do not know
    NOT_PUBLISHED = "not_published"  # known, but not a figure the map publishes (tahun, TPT, target peserta)
    DUPLICATE = "duplicate"  # a second column for a field another column already gives
    CONFIRMED = "confirmed"  # an editor confirmed it is not needed
    REASSIGNED = "reassigned"  # an editor gave its field to another column


SETTLED = frozenset({Unused.EMPTY, Unused.NUMBERING, Unused.CONFIRMED, Unused.REASSIGNED})


@dataclass(frozen=True)
class HeaderWords:
    """A header cell's words, normalised, with what was stripped from it kept: unit, year, `s.d. <month>`."""

    words: tuple[str, ...]
    unit: str | None = None  # '%', 'jiwa', 'orang', 'rp'
    year: str | None = None
    until: str | None = None  # 'oktober' in 'Capaian s.d. Oktober'


UNIT_WORDS = {"persen": "%", "jiwa": "jiwa", "orang": "orang", "rp": "rp", "rupiah": "rp"}
MONTH_WORDS = {
    "januari",
    "februari",
    "pebruari",
    "maret",
    "april",
    "mei",
    "juni",
    "juli",
    "agustus",
    "september",
    "oktober",
    "november",
    "desember",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "agu",
    "agt",
    "sep",
    "okt",
    "nov",
    "des",
}
SPELLINGS = {"propinsi": "provinsi", "prov": "provinsi", "kab": "kabupaten", "kabkota": "kabupaten", "kec": "kecamatan"}


def header_words(text: object) -> HeaderWords:
    """'Target UCJ\\n(%)' -> words ('target', 'ucj'), unit '%'; 'Capaian s.d. Oktober 2025' -> ('capaian',),
    year '2025', until 'oktober'."""
    raw = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    unit = "%" if "%" in raw else None
    until = None
    if found := re.search(r"\b(?:s\s*[./]\s*d\s*\.?|sd|sampai\s+dengan|hingga)\s+([a-z]+)", raw):
        if found.group(1) in MONTH_WORDS:
            until = found.group(1)
        raw = raw[: found.start()] + " " + raw[found.end() :]
    years = re.findall(r"\b(?:19|20)\d{2}\b", raw)
    raw = re.sub(r"\b(?:19|20)\d{2}\b", " ", raw)
    raw = re.sub(r"\(\s*\d{1,2}\s*\)", " ", raw)  # a column number '(3)' in the header cell
    words = []
    for word in re.sub(r"[^a-z0-9]+", " ", raw).split():
        if word in UNIT_WORDS:
            unit = unit or UNIT_WORDS[word]
            if word != "persen":  # 'persen' is a unit and a word that says what the column is
                continue
        words.append(SPELLINGS.get(word, word))
    return HeaderWords(tuple(words), unit, years[-1] if years else None, until)


NUMBERING_WORDS = {"no", "nomor", "urut", "nourut"}
NAME_WORDS = {"wilayah", "kabupaten", "kota", "daerah", "district", "regency", "regencies", "kabupatenkota"}
PROVINCE_WORDS = {"provinsi", "province"}
CODE_WORDS = {"kode", "code", "kd", "pcode", "bps", "kemendagri", "kemdagri", "dagri", "id"}
SOURCE_WORDS = {"sumber", "source"}
# A quote of the source (`kutipan`, the bundled published figures) is kept as a remark too.
REMARK_WORDS = {"keterangan", "ket", "catatan", "remarks", "notes", "note", "kutipan", "quote"}
DATE_WORDS = {"tanggal", "tgl", "date", "as", "posisi"}
PERIOD_WORDS = {"periode", "period", "bulan"}
COUNT_WORDS = {"peserta", "pekerja", "tk", "tenaga", "jiwa", "orang", "penduduk", "jumlah", "participants"}
PERCENT_WORDS = {"persen", "persentase", "prosentase", "presentase", "cakupan", "ucj", "coverage", "pct", "percent"}
PERCENT_WORDS |= {"rasio"}
COVERAGE_WORDS = {
    "cakupan",
    "ucj",
    "coverage",
    "capaian",
    "realisasi",
    "persentase",
    "prosentase",
    "presentase",
    "persen",
    "pct",
}
PARTICIPANT_WORDS = {"peserta", "participants", "kepesertaan", "terdaftar", "terlindungi"}
ACTIVE_WORDS = {"aktif", "terdaftar", "terlindungi", "peserta"}
WORKER_WORDS = {"bekerja", "pekerja", "employed", "workers", "employment"}
NOT_PUBLISHED_WORDS = {
    "pengangguran": "pengangguran, bukan penduduk bekerja",
    "penganggur": "pengangguran, bukan penduduk bekerja",
    "menganggur": "pengangguran, bukan penduduk bekerja",
    "belum": "yang belum terlindungi/terdaftar, bukan peserta",
    "pertumbuhan": "pertumbuhan, bukan cakupan",
    "laju": "pertumbuhan, bukan cakupan",
    "jenis": "kategori (teks), bukan angka",
    "kategori": "kategori (teks), bukan angka",
    "uraian": "uraian (teks), bukan angka",
    "tpt": "tingkat pengangguran, bukan cakupan",
    "tpak": "tingkat partisipasi angkatan kerja, bukan cakupan",
    "perusahaan": "jumlah perusahaan, bukan peserta",
    "nonaktif": "peserta nonaktif, bukan peserta aktif",
}
# Known columns that are no figure: matched on the whole header ('Tahun', 'Satuan'), never on one word of it.
NOT_FIGURE_HEADERS = {
    ("satuan",): "satuan",
    ("tahun",): "tahun (periode dipilih saat mengunggah atau dari kolom periode)",
    ("tahun", "data"): "tahun (periode dipilih saat mengunggah atau dari kolom periode)",
}


@dataclass(frozen=True)
class Recognised:
    """What a header's words say a column is: a field, or a reason it is known but not used."""

    field: str | None
    reason: str | None = None

    @classmethod
    def unused(cls, reason: str) -> Recognised:
        return cls(None, reason)


def recognise_header(own: HeaderWords, group: HeaderWords | None = None, values: str | None = None) -> Recognised:
    """The field a column's header names, by rules over its words.

    `own` is the column's own (lowest) header cell, `group` the titles above it (a merged group title, a
    vertically merged cell), `values` what its data cells hold ('percent', 'count' or None). The column's own
    words decide where they are specific; the group decides what a generic sub-header (`Capaian`, `Target`,
    `Jumlah`, `%`) means.
    """
    group = group or HeaderWords(())
    s, g = set(own.words), set(group.words)
    a = s | g
    unit = own.unit or group.unit
    if not a:
        return Recognised(None)
    joined = "_".join(own.words)
    if joined in EXACT_HEADERS:
        return Recognised(EXACT_HEADERS[joined])
    if s and s <= NUMBERING_WORDS:
        return Recognised.unused("nomor urut")
    if own.words in NOT_FIGURE_HEADERS:
        return Recognised.unused(NOT_FIGURE_HEADERS[own.words])
    identity = _identity(s or g)
    if identity is not None:
        return identity
    for word, reason in NOT_PUBLISHED_WORDS.items():
        if word in s or (not s and word in g):
            return Recognised.unused(reason)
    segment = _segment(a)
    if segment is not None:
        if (unit == "%" or a & (COVERAGE_WORDS - {"realisasi"})) and segment != "contribution_monthly":
            return Recognised.unused("cakupan satu segmen (persen), bukan cakupan UCJ")
        return Recognised(segment)
    if {"non", "aktif"} <= s:
        return Recognised.unused(NOT_PUBLISHED_WORDS["nonaktif"])
    percent = unit == "%" or bool(a & PERCENT_WORDS)
    counts = bool(a & COUNT_WORDS) or unit in ("jiwa", "orang")
    if "target" in a or "sasaran" in a:
        if (counts or values == "count") and not percent:
            return Recognised.unused("target jumlah orang, bukan target cakupan (persen)")
        return Recognised("target")
    if "angkatan" in s or (not s & WORKER_WORDS and "angkatan" in g):
        if percent or "tingkat" in a or "partisipasi" in a:
            return Recognised.unused("persentase angkatan kerja, bukan cakupan")
        return Recognised("labour_force")
    if s & {"bekerja"} and a & PERCENT_WORDS - {"cakupan", "ucj", "coverage"}:
        return Recognised.unused("persentase penduduk bekerja, bukan cakupan")
    own_counts = bool(s & COUNT_WORDS) and own.unit != "%" and not s & PERCENT_WORDS
    # Words that say 'percent' on their own; a generic 'Capaian', 'Realisasi' is decided by the values too.
    # ('115.625' may be a percentage or 115 625 people: the values never override a percent header.)
    strong = unit == "%" or bool(a & (PERCENT_WORDS - {"rasio"}))
    if a & COVERAGE_WORDS or unit == "%":
        if own_counts or (values == "count" and not strong):
            if a & PARTICIPANT_WORDS or (s & {"tk", "tenaga"} and s & ACTIVE_WORDS):
                return Recognised("participants")
            if s & WORKER_WORDS or {"tenaga", "kerja"} <= s:
                return Recognised("workers")
            return Recognised.unused("berisi jumlah, bukan persen cakupan")
        return Recognised("coverage")
    words = s or g
    if "potensi" in words:  # BPJS's 'potensi peserta/pekerja': the employed population it counts against
        return Recognised("workers")
    if words & PARTICIPANT_WORDS or (words & {"tk", "tenaga"} and words & ACTIVE_WORDS):
        return Recognised("participants")
    if words & WORKER_WORDS or {"tenaga", "kerja"} <= words:
        return Recognised("workers")
    return Recognised(None)


def _identity(words: set[str]) -> Recognised | None:
    """The columns that say which district and what about it: code, name, province, source, remarks, dates."""
    if words & {"rentan", "iuran"}:  # 'Rentan sumber lain', 'Iuran per bulan': segments (geo.segments)
        return None
    if words & CODE_WORDS and not words & (COUNT_WORDS | COVERAGE_WORDS):
        if words & (PERIOD_WORDS | {"tahun"}):
            return Recognised.unused("kode bulan/tahun, bukan kode wilayah")
        if words & PROVINCE_WORDS and not words & NAME_WORDS:
            return Recognised.unused("kode provinsi (provinsi dibaca dari kolom nama provinsi)")
        return Recognised("code")
    if words & SOURCE_WORDS:
        return Recognised("source")
    if words & REMARK_WORDS:
        return Recognised("remarks")
    if words & DATE_WORDS and not words & COUNT_WORDS:
        return Recognised("as_of")
    if words & PERIOD_WORDS:
        return Recognised("period")
    if words & (COUNT_WORDS | COVERAGE_WORDS | WORKER_WORDS | {"target", "angkatan", "rentan", "iuran"}):
        return None
    if words & PROVINCE_WORDS and not words & NAME_WORDS:
        return Recognised("province")
    if words & NAME_WORDS or words == {"nama"} or words == {"name"}:
        return Recognised("name")
    return None


def _segment(words: set[str]) -> str | None:
    if "iuran" in words:
        return "contribution_monthly"
    if "rentan" in words:
        if words & {"provinsi"}:
            return "vulnerable_province"
        if words & {"kabupaten", "kota"}:
            return "vulnerable_regency"
        if words & {"lain", "lainnya"}:
            return "vulnerable_other"
        return None
    if words & {"bpu", "pbpu"} or {"bukan", "penerima", "upah"} <= words:
        return "participants_bpu"
    if "pu" in words or {"penerima", "upah"} <= words:
        return "participants_pu"
    if "jakon" in words or {"jasa", "konstruksi"} <= words:
        return "participants_jakon"
    if "pmi" in words or "migran" in words:
        return "participants_pmi"
    return None


@dataclass
class Column:
    """One column of the file in the column map: the field it became, or why not."""

    index: int  # 0-based position in the file
    header: str  # as written: the header rows' cells of this column, joined with ' / '
    field: str | None = None
    unused: Unused | None = None
    reason: str | None = None  # why unused, in Bahasa Indonesia
    figure_like: bool = False  # numbers or percentages in its cells, or figure words in its header
    unit: str | None = None
    year: str | None = None
    chosen: bool = False  # set by an editor (review, `--kolom`, API `kolom`)
    code_system: str | None = None  # a code column's system when the sender or its header says (else the codes)
    set_aside: str | None = None  # why the matcher read none of its codes (GADM, HASC, ids): names decided

    @property
    def letter(self) -> str:
        """The spreadsheet's column letter: 0 -> A, 27 -> AB."""
        number, letters = self.index + 1, ""
        while number:
            number, rest = divmod(number - 1, 26)
            letters = chr(65 + rest) + letters
        return letters

    @property
    def label(self) -> str | None:
        return FIELD_LABELS.get(self.field) if self.field else None

    @property
    def unsettled(self) -> bool:
        """Looks like a figure, was not used, and no editor has settled it."""
        return self.field is None and self.figure_like and self.unused not in SETTLED


@dataclass
class ColumnMap:
    """Every column of the file accounted for; `header_rows` are the 1-based rows the header was read from."""

    header_rows: list[int]
    columns: list[Column]
    province_level: bool = False  # no district name or code column: the province column names every row

    def indexes(self) -> dict[str, int]:
        """{field: column index} for the columns in use."""
        return {column.field: column.index for column in self.columns if column.field}

    def labels(self) -> dict[str, str]:
        """{field label: header as written} (the report's older `columns` entry)."""
        return {FIELD_LABELS[column.field]: column.header for column in self.columns if column.field}

    def unsettled(self) -> list[Column]:
        return [column for column in self.columns if column.unsettled]

    def choices(self) -> dict[int, str | None]:
        """What editors chose, by column: a field, or None for 'not needed'."""
        return {column.index: column.field for column in self.columns if column.chosen}

    def to_dict(self) -> dict:
        return {
            "header_rows": self.header_rows,
            "columns": [asdict(column) | {"letter": column.letter, "label": column.label} for column in self.columns],
            "province_level": self.province_level,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> ColumnMap | None:
        if not data:
            return None
        known = set(Column.__dataclass_fields__)
        columns = [
            Column(**{k: v for k, v in item.items() if k in known} | {"unused": _unused(item.get("unused"))})
            for item in data.get("columns", [])
        ]
        return cls(list(data.get("header_rows", [])), columns, bool(data.get("province_level")))


def _unused(value: str | None) -> Unused | None:
    return Unused(value) if value else None


class ColumnChoiceError(ValueError):
    """A column choice that names no field or no column of the file; the message lists the valid ones."""


def parse_choice(text: str) -> tuple[str | None, str]:
    """`target="Target (%)"` -> ('target', 'Target (%)'); `abaikan=F` -> (None, 'F'). Raise ColumnChoiceError."""
    label, separator, column = str(text).partition("=")
    if not separator or not column.strip():
        raise ColumnChoiceError(f"'{text}' tidak berbentuk BIDANG=KOLOM, mis. target=\"Target (%)\".")
    return field_of_label(label), column.strip().strip('"').strip("'")


def parse_choices(lines: Iterable[str]) -> tuple[tuple[str | None, str], ...]:
    """The sender's column map, one `BIDANG=KOLOM` per line (form) or per value (API, CLI); blank lines skipped."""
    return tuple(parse_choice(line) for line in lines if line and line.strip())


def field_of_label(label: str) -> str | None:
    """A field from its label ('target', 'peserta', 'angkatan_kerja'), or None for 'abaikan'."""
    key = re.sub(r"[^a-z0-9]+", "_", str(label).strip().lower()).strip("_")
    if key in IGNORE_LABELS or str(label).strip() == "-":
        return None
    if key not in FIELD_BY_LABEL:
        valid = ", ".join([*FIELD_LABELS.values(), "abaikan"])
        raise ColumnChoiceError(f"Bidang '{str(label)[:40]}' tidak dikenal. Pilihan: {valid}.")
    return FIELD_BY_LABEL[key]


def find_column(column_map: ColumnMap, reference: str) -> Column:
    """The column a choice names: its header as written (case and spacing ignored), its letter or its number."""
    wanted = " ".join(str(reference).split()).casefold()
    for column in column_map.columns:
        if " ".join(column.header.split()).casefold() == wanted:
            return column
    for column in column_map.columns:  # the lowest header cell alone ('Target (%)' under 'Cakupan UCJ')
        if " ".join(column.header.rsplit(" / ", 1)[-1].split()).casefold() == wanted:
            return column
    if re.fullmatch(r"[a-z]{1,2}", wanted) or re.fullmatch(r"\d{1,3}", wanted):
        for column in column_map.columns:
            if column.letter.casefold() == wanted or str(column.index + 1) == wanted:
                return column
    shown = ", ".join(f"{c.letter} '{c.header}'" for c in column_map.columns if c.header) or "-"
    raise ColumnChoiceError(f"Kolom '{str(reference)[:60]}' tidak ada di berkas ini. Kolom yang ada: {shown}.")


NUMBER = re.compile(r"^[-+]?(?:rp\.?\s*)?\d[\d.,\s\u00a0]*%?$", re.IGNORECASE)
UNIT_CELL = re.compile(r"^\(?\s*(?:%|persen|jiwa|orang|rp|rupiah|ribu|juta|unit)\s*\)?$", re.IGNORECASE)
NUMBERING_CELL = re.compile(r"^\(?\s*(\d{1,2})\s*\)?\.?$")
YEAR_CELL = re.compile(r"^(?:19|20)\d{2}$")


def _is_number(text: str) -> bool:
    return bool(text) and bool(NUMBER.match(text.strip())) and any(ch.isdigit() for ch in text)


def _numbering_row(cells: list[str]) -> bool:
    """'(1) (2) (3) ...' or '1 2 3 ...' under a header: consecutive column numbers, three or more."""
    numbers = [NUMBERING_CELL.match(cell.strip()) for cell in cells if cell.strip()]
    if len(numbers) < 3 or not all(numbers):
        return False
    values = [int(found.group(1)) for found in numbers]
    return values == list(range(values[0], values[0] + len(values)))


def _unit_row(cells: list[str]) -> bool:
    filled = [cell.strip() for cell in cells if cell.strip()]
    return bool(filled) and all(UNIT_CELL.match(cell) for cell in filled)


def _words_row(cells: list[str]) -> bool:
    """A row of header words (or sub-columns by year): text, no figures."""
    filled = [cell.strip() for cell in cells if cell.strip()]
    return bool(filled) and not any(_is_number(cell) and not YEAR_CELL.match(cell) for cell in filled)


def _row_fields(cells: list[str]) -> set[str]:
    found = set()
    for cell in cells:
        recognised = recognise_header(header_words(cell))
        if recognised.field:
            found.add(recognised.field)
    return found


def _best_row(rows: list[list[str]]) -> int:
    best_row, best = -1, 0
    for number, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = len(_row_fields(cells))
        if score > best:
            best_row, best = number, score
    return best_row


def header_block(rows: list[list[str]]) -> list[int]:
    """The 0-based rows the header spans: the row naming the most fields, with the group titles above it and
    the sub-headers, unit row and numbered row below it."""
    primary = _best_row(rows)
    if primary < 0:
        return []
    block = [primary]
    name_column = next(
        (i for i, cell in enumerate(rows[primary]) if recognise_header(header_words(cell)).field in ("name", "code")),
        None,
    )
    above = primary - 1
    if above >= 0 and _words_row(rows[above]):
        filled = [i for i, cell in enumerate(rows[above]) if cell.strip()]
        # A title row (one cell at the left, 'Tabel 3. Cakupan ...') is not a group title.
        if len(filled) >= 2 or (filled and filled[0] > 0):
            block.insert(0, above)
    below = primary + 1
    while below < len(rows) and len(block) < MAX_HEADER_ROWS:
        cells = rows[below]
        if _numbering_row(cells) or _unit_row(cells):
            block.append(below)
        elif _sub_header(rows[primary], cells, name_column):
            block.append(below)
        else:
            break
        below += 1
    return block


def _sub_header(primary: list[str], cells: list[str], name_column: int | None) -> bool:
    """Sub-headers under a group title: words (no figures), nothing under the district column, and some under a
    column the header row leaves empty inside its own width (the columns a merged group title spans). A data
    row rarely fits, and one that did would show as a header row in the column map."""
    if not _words_row(cells) or (name_column is not None and _cell(cells, name_column)):
        return False
    width = _filled_width(primary)
    return any(_cell(cells, i) and not _cell(primary, i) for i in range(1, width))


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _spans(rows: list[list[str]], block: list[int], merges: Iterable[tuple[int, int, int, int]]) -> list[list[str]]:
    """The header rows with every merged or group cell's text copied over the columns it spans.

    `merges` are a workbook's merged ranges (0-based row, first column, last row, last column). Without them (a
    CSV), a group title spans the empty cells to its right that have sub-headers below them, up to the next
    title or a column whose own header names the district or its provenance.
    """
    width = max((len(rows[number]) for number in block), default=0)
    grid = [[_cell(rows[number], i) for i in range(width)] for number in block]
    merged = False
    for top, first, bottom, last in merges:
        if top >= len(rows) or first >= width:
            continue
        text = _cell(rows[top], first)
        for r, number in enumerate(block):
            if top <= number <= bottom:  # every cell of the merged range shows its top-left text
                for i in range(first, min(last, width - 1) + 1):
                    grid[r][i] = grid[r][i] or text
                merged = True
    if merged:
        return grid
    for r in range(len(grid) - 1):
        below = grid[r + 1 :]
        for i in range(1, width):
            if grid[r][i] or not grid[r][i - 1] or not any(row[i] for row in below):
                continue
            own = next((row[i] for row in below if row[i] and not UNIT_CELL.match(row[i])), "")
            if not own or _identity(set(header_words(own).words)) is not None:
                continue
            grid[r][i] = grid[r][i - 1]
    return grid


def _values_kind(values: list[str]) -> str | None:
    """'percent' when the cells are percentages, 'count' when they are counts of people, else None."""
    numbers = [value for value in values if _is_number(value)]
    if not numbers or len(numbers) < 0.6 * len([value for value in values if value and value != "-"]):
        return None
    if any("%" in value for value in numbers):
        return "percent"
    plain = [_plain(value) for value in numbers]
    plain = [value for value in plain if value is not None]
    if not plain:
        return None
    if max(plain) > 1_000 or any(re.fullmatch(r"\d{1,3}([.,]\d{3})+", v.strip()) for v in numbers):
        return "count"
    if max(plain) <= 100 and any(not value.is_integer() for value in plain):
        return "percent"
    return None


def _mostly_numbers(values: list[str]) -> bool:
    """Most filled cells are numbers (a column of figures, whatever its header says)."""
    filled = [value for value in values if value and value != "-"]
    return bool(filled) and sum(_is_number(value) for value in filled) >= 0.6 * len(filled)


def _plain(text: str) -> float | None:
    cleaned = re.sub(r"[%\s\u00a0]|^rp\.?", "", text.strip().lower())
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", cleaned):
        cleaned = re.sub(r"[.,]", "", cleaned)
    try:
        return float(cleaned.replace(",", "."))
    except ValueError:
        return None


def _figure_words(words: HeaderWords) -> bool:
    return bool(
        set(words.words) & (COUNT_WORDS | COVERAGE_WORDS | WORKER_WORDS | {"target", "angkatan", "kerja"})
        or words.unit == "%"
    )


def map_columns(
    rows: list[list[str]],
    merges: Iterable[tuple[int, int, int, int]] = (),
    choices: dict[int, str | None] | None = None,
) -> ColumnMap:
    """The column map of a table: the header block found, every column recognised, then the editor's
    `choices` ({column index: field, or None for 'not needed'}) applied over what was recognised."""
    block = header_block(rows)
    if not block:
        return ColumnMap([], [])
    grid = _spans(rows, block, list(merges))
    data = [cells for cells in rows[block[-1] + 1 :] if any(cells)]
    width = max([_filled_width(row) for row in grid] + [_filled_width(cells) for cells in data])
    columns = []
    taken: dict[str, int] = {}
    for i in range(width):
        parts = [grid[r][i] for r in range(len(grid)) if i < len(grid[r]) and grid[r][i]]
        parts = [part for n, part in enumerate(parts) if part not in parts[:n]]  # a merged cell copied down
        texts = [p for p in parts if not UNIT_CELL.match(p) and not NUMBERING_CELL.match(p)]
        units = [p for p in parts if UNIT_CELL.match(p)]
        own = header_words(" ".join([texts[-1], *units]) if texts else " ".join(units))
        group = header_words(" ".join(texts[:-1]))
        values = [_cell(cells, i) for cells in data]
        kind = _values_kind(values)
        header = " / ".join(" ".join(part.split()) for part in parts if not NUMBERING_CELL.match(part))
        column = Column(i, header, unit=own.unit or group.unit, year=own.year or group.year)
        recognised = recognise_header(own, group, kind)
        column.figure_like = kind is not None or _mostly_numbers(values) or _figure_words(own) or _figure_words(group)
        if recognised.field and recognised.field in taken:
            column.unused = Unused.DUPLICATE
            column.reason = (
                f"kolom {_letter(taken[recognised.field])} sudah dipakai sebagai {FIELD_LABELS[recognised.field]}"
            )
        elif recognised.field:
            column.field = recognised.field
            taken[recognised.field] = i
        elif not header and not any(values):
            column.unused, column.reason = Unused.EMPTY, "kolom kosong"
        elif recognised.reason == "nomor urut" or (not header and _numbering_values(values)):
            column.unused, column.reason, column.figure_like = Unused.NUMBERING, "nomor urut", False
        elif recognised.reason:
            column.unused, column.reason = Unused.NOT_PUBLISHED, recognised.reason
            column.figure_like = column.figure_like and not recognised.reason.startswith(("tahun", "satuan", "kode"))
        else:
            column.unused, column.reason = Unused.UNKNOWN, "judul kolom tidak dikenali"
        if column.field in FIGURE_FIELDS or column.field == "code":
            column.figure_like = True
        columns.append(column)
    column_map = ColumnMap([number + 1 for number in block], columns)
    _province_level(column_map)
    for index, chosen in (choices or {}).items():
        apply_choice(column_map, index, chosen)
    return column_map


def _filled_width(cells: list[str]) -> int:
    """How many columns a row spans up to its last non-empty cell (a workbook pads rows with empty cells)."""
    return next((i + 1 for i in range(len(cells) - 1, -1, -1) if cells[i].strip()), 0)


def _letter(index: int) -> str:
    return Column(index, "").letter


def _numbering_values(values: list[str]) -> bool:
    filled = [value for value in values if value]
    return bool(filled) and all(re.fullmatch(r"\d{1,4}\.?", value) for value in filled)


def _province_level(column_map: ColumnMap) -> None:
    """A file with no district name or code column but a province column is a province-level file: its
    province column names the rows (geo.coverage reads every row as a province)."""
    fields = column_map.indexes()
    if "name" not in fields and "code" not in fields and "province" in fields:
        column_map.province_level = True


def apply_choice(column_map: ColumnMap, index: int, chosen: str | None) -> None:
    """An editor's choice for one column: a field (taken from any other column that had it), or 'not needed'."""
    if not 0 <= index < len(column_map.columns):
        raise ColumnChoiceError(f"Kolom {index + 1} tidak ada di berkas ini (ada {len(column_map.columns)} kolom).")
    if chosen is not None and chosen not in FIELD_LABELS:
        raise ColumnChoiceError(f"Bidang '{chosen}' tidak dikenal. Pilihan: {', '.join(FIELD_LABELS.values())}.")
    column = column_map.columns[index]
    if chosen is not None:
        for other in column_map.columns:
            if other.field == chosen and other.index != index:
                other.field, other.unused = None, Unused.REASSIGNED
                other.reason = f"bidang {FIELD_LABELS[chosen]} dipindah penyunting ke kolom {column.letter}"
        column.field, column.unused, column.reason = chosen, None, None
    else:
        column.field, column.unused, column.reason = (
            None,
            Unused.CONFIRMED,
            "tidak diperlukan (dikonfirmasi penyunting)",
        )
    column.chosen = True


class Denominator(StrEnum):
    """What a file's coverage is a share of."""

    EMPLOYED = "penduduk_bekerja"
    LABOUR_FORCE = "angkatan_kerja"


def target_year_of(column_map: ColumnMap) -> str | None:
    """The year the target column names ('Target 2025', 'Target UCJ 2026 (%)'), or None when it names none."""
    return next((column.year for column in column_map.columns if column.field == "target" and column.year), None)


def denominator_of(column_map: ColumnMap) -> Denominator | None:
    """'angkatan_kerja' when the file's only denominator is the labour force, else None (penduduk bekerja)."""
    fields = column_map.indexes()
    return Denominator.LABOUR_FORCE if "labour_force" in fields and "workers" not in fields else None


__all__ = [
    "FIELD_LABELS",
    "Column",
    "ColumnChoiceError",
    "ColumnMap",
    "target_year_of",
    "Denominator",
    "HeaderWords",
    "Recognised",
    "Unused",
    "apply_choice",
    "denominator_of",
    "find_column",
    "header_block",
    "header_words",
    "map_columns",
    "parse_choice",
    "parse_choices",
    "recognise_header",
    "merged_ranges",
    "required_columns",
    "MissingColumnsError",
]


class MissingColumnsError(ColumnChoiceError):
    """The header names no district column, or no figure to publish; the message lists what was read."""


def _read_columns(column_map: ColumnMap) -> str:
    shown = [f"{c.letter} '{c.header}' → {c.label or 'diabaikan'}" for c in column_map.columns if c.header]
    return ("Kolom yang terbaca: " + "; ".join(shown[:20]) + ". ") if shown else ""


def required_columns(column_map: ColumnMap) -> dict[str, int]:
    """{field: column index} of a map that can be analysed; raise MissingColumnsError when it cannot.

    A province-level file (no district column, a province column) reads its province column as the row names.
    """
    fields = column_map.indexes()
    if column_map.province_level:
        fields["name"] = fields["province"]
    hint = 'Tetapkan kolomnya saat mengunggah (BIDANG=KOLOM, mis. wilayah="Nama Daerah").'
    if "name" not in fields and "code" not in fields:
        raise MissingColumnsError(
            "Kolom wilayah tidak ditemukan. Beri judul kolom 'wilayah' (atau 'kabupaten_kota', 'nama') "
            f"dan/atau 'kode' di baris judul. {_read_columns(column_map)}{hint}"
        )
    if "coverage" not in fields and not {"participants", "workers"} <= set(fields):
        labour = (
            "Berkas ini memberi angkatan kerja, bukan penduduk bekerja: cakupan tidak dihitung dari angkatan kerja "
            "(angkatan kerja termasuk penganggur). "
            if "labour_force" in fields
            else ""
        )
        raise MissingColumnsError(
            f"Kolom angka tidak ditemukan. {labour}Perlu kolom 'cakupan' (persen), atau 'peserta' dan 'pekerja' "
            f"(penduduk bekerja) agar cakupan dapat dihitung. {_read_columns(column_map)}{hint}"
        )
    return fields


MAX_MERGES = 2_000


def merged_ranges(sheet: object) -> list[tuple[int, int, int, int]]:
    """A read-only worksheet's merged ranges near the top (0-based first row, first column, last row, last
    column): openpyxl's read-only sheets do not read them, so the sheet's XML is scanned for `mergeCell`."""
    ranges: list[tuple[int, int, int, int]] = []
    try:
        with sheet._get_source() as source:  # noqa: SLF001 - the sheet's own XML part, as openpyxl reads it
            for _, element in iterparse(source):
                if element.tag.endswith("}mergeCell") and len(ranges) < MAX_MERGES:
                    first_column, first_row, last_column, last_row = range_boundaries(element.get("ref", ""))
                    if first_row <= HEADER_SEARCH_ROWS + MAX_HEADER_ROWS:
                        ranges.append((first_row - 1, first_column - 1, last_row - 1, last_column - 1))
                element.clear()
    except Exception:  # a broken or odd merge list: read the header without it (as a CSV would be)
        return []
    return ranges
