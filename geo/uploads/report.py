"""The upload report (the typed draft): every data row of a file as a row, matched or not, or excluded.

Problems name the row, column and *kind* and say, in Bahasa Indonesia, what to fix; the web layer and the
edits branch on the kind, never on the message text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum

import pandas as pd

from geo.matching import CodeColumnNote
from geo.segments import SEGMENT_COLUMNS
from geo.uploads.columns import ColumnMap


def credit_sources(sources: Iterable[object]) -> str | None:
    """Who to credit for a set of figures as a whole: their one source, or how many sources (each figure shows
    its own). Never a file name."""
    distinct = sorted({str(source).strip() for source in sources if isinstance(source, str) and source.strip()})
    if len(distinct) > 1:
        return f"{len(distinct)} sumber (lihat tiap wilayah)"
    return distinct[0][:200] if distinct else None


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
    # assigns it to a field or confirms it is not needed (geo.uploads.columns).
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
    denominator: str | None = None  # geo.uploads.Denominator.LABOUR_FORCE when the file's base is angkatan kerja
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
            # The legacy kind scans the rows: only for errors stored without a kind (it made reading a 5.000-row
            # draft with 4.800 row errors quadratic, 0,5-5 s per read, on every view and edit).
            errors=[
                _problem(p, Kind.PARSE if p.get("kind") else _legacy_kind(p, rows)) for p in data.get("errors", [])
            ],
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
