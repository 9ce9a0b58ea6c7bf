"""Understand one data row: its period, whether it is a district (or a total, province or note row), its figures.

A province row of the area with a coverage keeps its figures (the province layer publishes them); every other
row the matcher could not place gets a message that says what to fix.
"""

from __future__ import annotations

import re
from dataclasses import asdict

from geo.district_index import DistrictIndex, whole_province
from geo.matching import Match, match_name
from geo.names import normalize_words, split_jenis
from geo.segments import CONTRIBUTION, SEGMENT_COLUMNS
from geo.uploads.parse import check_period, parse_count, parse_percent, parse_period, parse_rupiah
from geo.uploads.report import (
    EXCLUSION_MESSAGES,
    PROVINCE_FIGURE_MESSAGE,
    ExcludedRow,
    Exclusion,
    Kind,
    Problem,
    RowResult,
)
from geo.uploads.vocabulary import FIELD_LABELS

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


MAX_SOURCE_CHARS = 500


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
