"""Account for every column of a coverage table: the column map, and an editor's choices over it.

Every column ends up either as the field it became or *diabaikan* with the reason; a column that looks like a
figure and was not used is `unsettled` until an editor assigns it or confirms it is not needed
(geo.uploads.validate turns that into a problem that blocks publishing). A file whose only denominator is the
labour force is marked so (the report carries the mark into the published figures).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum

from geo.uploads.header import NUMBERING_CELL, UNIT_CELL, _cell, _filled_width, _is_number, _spans, header_block
from geo.uploads.vocabulary import (
    COUNT_WORDS,
    COVERAGE_WORDS,
    FIELD_BY_LABEL,
    FIELD_LABELS,
    FIGURE_FIELDS,
    IGNORE_LABELS,
    WORKER_WORDS,
    HeaderWords,
    header_words,
    recognise_header,
)


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


def _letter(index: int) -> str:
    return Column(index, "").letter


def _numbering_values(values: list[str]) -> bool:
    filled = [value for value in values if value]
    return bool(filled) and all(re.fullmatch(r"\d{1,4}\.?", value) for value in filled)


def _province_level(column_map: ColumnMap) -> None:
    """A file with no district name or code column but a province column is a province-level file: its
    province column names the rows (geo.uploads.rows reads every row as a province)."""
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
