"""The one validation of a report, run after reading and after every edit: ranges, duplicates, jumps,
fractions, unused columns and the source."""

from __future__ import annotations

from geo.numbers import format_percent, format_points
from geo.segments import COUNT_COLUMNS, segment_problems
from geo.uploads.report import READ_KINDS, ImportReport, Kind, Problem, RowResult

COVERAGE_MISMATCH_POINTS = 0.5


JUMP_POINTS = 20.0


def _pct(value: float) -> str:
    """A percentage in messages, as Indonesian readers write it: 112.5 -> '112,5%', 41.257 -> '41,26%'."""
    return format_percent(value, "id", decimals=2, trim=True)


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
