"""An editor's edits of a draft: drop a row, match one by hand, read a province row as a district, scale
fractions, set the provenance, change the column map. Each validates the draft again."""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import asdict
from decimal import Decimal

from geo.district_index import DistrictIndex
from geo.matching import RowInput, match_rows
from geo.uploads.analyse import analyse_rows
from geo.uploads.errors import ReportEditError
from geo.uploads.parse import check_as_of
from geo.uploads.report import EXCLUSION_MESSAGES, ExcludedRow, Exclusion, ImportReport, Kind, Problem, RowResult
from geo.uploads.rows import MATCH_MESSAGES, MAX_SOURCE_CHARS
from geo.uploads.validate import _computed, validate_report


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
    return match_rows_by_hand(report, {number: code})


def match_rows_by_hand(report: ImportReport, codes: dict[int, str]) -> ImportReport:
    """Match unmatched rows by hand, each (by its number) to one of its suggestions, then validate once: the
    whole draft is checked once however many rows are matched."""
    by_number = {row.row: row for row in report.rows}
    for number, code in codes.items():
        row = by_number.get(number) or _row(report, number)
        chosen = {s["code"]: s["name"] for s in row.suggestions}
        if row.code is not None or code not in chosen:
            raise ReportEditError("Pilih salah satu saran untuk baris ini.")
        row.code, row.name, row.method, row.suggestions, row.reason = code, chosen[code], "manual", [], None
    report.errors = [p for p in report.errors if not (p.row in codes and p.kind == Kind.UNMATCHED)]
    return validate_report(report)


def codes_read_as(report: ImportReport, system: str) -> dict[int, str]:
    """The rows whose bare code two systems read differently (`code_system`), each with the district the code is
    in `system` (bps/kemendagri): what 'Baca semua kode sebagai ...' matches them to. Rows without a reading in
    that system are left."""
    chosen = {}
    for row in report.rows:
        if row.reason == "code_system":
            code = next((s["code"] for s in row.suggestions if s.get("system") == system), None)
            if code is not None:
                chosen[row.row] = code
    return chosen


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
