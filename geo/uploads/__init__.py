"""Coverage uploads: read a CSV or XLSX file, map its columns, match and validate every row, edit the draft.

One module per capability, as `geopandas.io` is split; the names other modules use are re-exported here:

- `vocabulary`: the fields a column can become and the rules that read a header cell's words
- `header`: the rows a header spans, merged and group cells spread over their columns
- `columns`: the column map (every column's field or why not) and an editor's choices over it
- `errors`: `CoverageFileError` (the file cannot be read as a table), `ReportEditError` (an edit does not apply)
- `report`: `ImportReport`, the typed draft, with its rows, exclusions and problems of a `Kind`
- `read`: CSV and XLSX files to rows of text cells, bounded against hostile files
- `parse`: counts, Rupiah, percentages, periods and dates
- `rows`: one data row: district, total, province or note row, and its figures
- `validate`: the one validation, after reading and after every edit
- `edit`: an editor's edits of a draft
- `analyse`: the analysis that ties them together (`analyse_file`, `analyse_rows`)
"""

from geo.uploads.analyse import analyse_file, analyse_rows, find_columns
from geo.uploads.columns import (
    Column,
    ColumnChoiceError,
    ColumnMap,
    Denominator,
    MissingColumnsError,
    Unused,
    apply_choice,
    denominator_of,
    field_of_label,
    find_column,
    map_columns,
    parse_choice,
    parse_choices,
    required_columns,
    target_year_of,
)
from geo.uploads.edit import (
    check_target_year,
    codes_read_as,
    drop_row,
    match_row,
    match_rows_by_hand,
    province_row_as_district,
    remap_columns,
    scale_fractions,
    set_provenance,
)
from geo.uploads.errors import CoverageFileError, ReportEditError
from geo.uploads.header import header_block, merged_ranges
from geo.uploads.parse import check_as_of, check_period, parse_count, parse_percent, parse_period, parse_rupiah
from geo.uploads.read import Table, read_table
from geo.uploads.report import (
    ExcludedRow,
    Exclusion,
    Flagged,
    ImportReport,
    Kind,
    Problem,
    RowResult,
    credit_sources,
    problems_by_row,
)
from geo.uploads.rows import classify_row
from geo.uploads.validate import target_year_question, validate_report
from geo.uploads.vocabulary import FIELD_LABELS, HeaderWords, Recognised, header_words, recognise_header

__all__ = [
    "FIELD_LABELS",
    "Column",
    "ColumnChoiceError",
    "ColumnMap",
    "CoverageFileError",
    "Denominator",
    "ExcludedRow",
    "Exclusion",
    "Flagged",
    "HeaderWords",
    "ImportReport",
    "Kind",
    "MissingColumnsError",
    "Problem",
    "Recognised",
    "ReportEditError",
    "RowResult",
    "Table",
    "Unused",
    "analyse_file",
    "analyse_rows",
    "apply_choice",
    "check_as_of",
    "check_period",
    "check_target_year",
    "classify_row",
    "codes_read_as",
    "credit_sources",
    "denominator_of",
    "drop_row",
    "field_of_label",
    "find_column",
    "find_columns",
    "header_block",
    "header_words",
    "map_columns",
    "match_row",
    "match_rows_by_hand",
    "merged_ranges",
    "parse_choice",
    "parse_choices",
    "parse_count",
    "parse_percent",
    "parse_period",
    "parse_rupiah",
    "problems_by_row",
    "province_row_as_district",
    "read_table",
    "recognise_header",
    "remap_columns",
    "required_columns",
    "scale_fractions",
    "set_provenance",
    "target_year_of",
    "target_year_question",
    "validate_report",
]
