"""Analyse a table or an uploaded file: read it, map its columns, set aside what is no district's row, match
every other row and validate. Nothing here writes to the database."""

from __future__ import annotations

from collections.abc import Iterable

from geo.codes import header_code_system
from geo.district_index import DistrictIndex, resolve_province
from geo.matching import RowInput, match_rows
from geo.uploads.columns import (
    ColumnChoiceError,
    ColumnMap,
    denominator_of,
    find_column,
    map_columns,
    required_columns,
    target_year_of,
)
from geo.uploads.errors import CoverageFileError
from geo.uploads.parse import check_as_of
from geo.uploads.read import Table, _open_workbook, _sheet_table, read_table
from geo.uploads.report import ExcludedRow, Exclusion, ImportReport, Kind, Problem
from geo.uploads.rows import (
    MAX_SOURCE_CHARS,
    _cell,
    _excluded_row,
    _period_of,
    _row_result,
    classify_row,
)
from geo.uploads.validate import validate_report


def find_columns(
    rows: list[list[str]],
    merges: Iterable[tuple[int, int, int, int]] = (),
    choices: dict[int, str | None] | None = None,
) -> ColumnMap:
    """The column map of a table (geo.uploads.columns), or CoverageFileError when it names no district or no figure."""
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
