"""The review page's rows: a filter (unmatched, errors, warnings, all) and a page of ~100 rows of it.

A 5.000-row draft rendered whole took 20–27 s and 5 MB per view; the page shows one page of one filter, while
the counts stay over the whole draft (and publishing checks the whole draft, geo.coverage.ImportReport.ok).
What was asked and could not be shown (an unknown filter, a page past the end) is said with a `Fallback`, for the
web layer to put in words; the page shown is then the nearest sensible one, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from geo.uploads import ImportReport, RowResult

PAGE_SIZE = 100


class RowFilter(StrEnum):
    """Which rows the review lists, in the order the page offers them (the query's `saring=`)."""

    UNMATCHED = "tidak-cocok"
    ERRORS = "galat"
    WARNINGS = "peringatan"
    ALL = "semua"


class Fallback(StrEnum):
    """Why the page shown is not exactly the one asked for."""

    UNKNOWN_FILTER = "unknown_filter"  # `saring=` is none of RowFilter: the default filter is shown
    BAD_PAGE = "bad_page"  # `halaman=` is not a whole number from 1: page 1 is shown
    PAST_END = "past_end"  # `halaman=` is beyond the filter's last page: the last page is shown


@dataclass(frozen=True)
class ReviewPage:
    """One page of one filter of a draft's rows, with every filter's count over the whole draft."""

    filter: RowFilter
    number: int  # from 1; a filter with no rows has one (empty) page
    pages: int
    size: int
    rows: list[RowResult]
    total: int  # rows in the filter
    counts: dict[RowFilter, int]  # rows in each filter, over the whole draft
    # For each filter, its page at the same place in the file (the page holding the first row at or after this
    # page's first row): the filter links keep the reader's place as the page links keep the filter.
    places: dict[RowFilter, int]
    fallback: Fallback | None = None
    asked: str | None = None  # the filter or page asked for, when it fell back

    @property
    def first(self) -> int:
        """Position in the filter of the page's first row (1-based; 0 when the page is empty)."""
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0

    def links(self) -> list[int | None]:
        """The page numbers to link: the first, the last and two either side of this one; None marks a gap."""
        near = {1, self.pages, *range(self.number - 2, self.number + 3)}
        shown = sorted(n for n in near if 1 <= n <= self.pages)
        links: list[int | None] = []
        for n in shown:
            if links and n - links[-1] > 1:
                links.append(None)
            links.append(n)
        return links


def rows_in(report: ImportReport, wanted: RowFilter) -> list[RowResult]:
    """The draft's rows in the filter, in the file's order."""
    if wanted == RowFilter.ALL:
        return list(report.rows)
    if wanted == RowFilter.UNMATCHED:
        return [row for row in report.rows if not row.code]
    problems = report.errors if wanted == RowFilter.ERRORS else report.warnings
    flagged = {p.row for p in problems if p.row is not None}
    return [row for row in report.rows if row.row in flagged]


def filter_counts(report: ImportReport) -> dict[RowFilter, int]:
    """How many rows each filter lists, over the whole draft."""
    errors = {p.row for p in report.errors if p.row is not None}
    warnings = {p.row for p in report.warnings if p.row is not None}
    return {
        RowFilter.UNMATCHED: sum(1 for row in report.rows if not row.code),
        RowFilter.ERRORS: sum(1 for row in report.rows if row.row in errors),
        RowFilter.WARNINGS: sum(1 for row in report.rows if row.row in warnings),
        RowFilter.ALL: len(report.rows),
    }


def default_filter(counts: dict[RowFilter, int]) -> RowFilter:
    """Unmatched rows first, then rows with errors (both block publishing), else every row: a draft that can be
    published is looked over whole before it is, its warned rows marked among the others."""
    return next((f for f in (RowFilter.UNMATCHED, RowFilter.ERRORS) if counts[f]), RowFilter.ALL)


def read_filter(text: str | None, counts: dict[RowFilter, int]) -> tuple[RowFilter, bool]:
    """The filter asked for (or the default without one), and whether an unknown one was asked for."""
    if not text:
        return default_filter(counts), False
    try:
        return RowFilter(text.strip().lower()), False
    except ValueError:
        return default_filter(counts), True


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))


def _page_number(text: str) -> int | None:
    """A page number as written in the query (1, 2, ...), or None when it is not one."""
    text = text.strip()
    return int(text) if text.isdigit() and len(text) <= 9 and int(text) >= 1 else None


def review_page(
    report: ImportReport, filter_text: str | None, page_text: str | None, size: int = PAGE_SIZE
) -> ReviewPage:
    """The page of rows the query asks for (`saring=`, `halaman=`), or the nearest sensible one with why."""
    counts = filter_counts(report)
    wanted, unknown = read_filter(filter_text, counts)
    rows = rows_in(report, wanted)
    pages = page_count(len(rows), size)
    number, fallback, asked = 1, None, None
    if unknown:
        fallback, asked = Fallback.UNKNOWN_FILTER, filter_text[:20]
    if page_text:
        asked_number = _page_number(page_text)
        if asked_number is None:
            fallback, asked = fallback or Fallback.BAD_PAGE, asked or page_text[:20]
        elif asked_number > pages:
            number, fallback, asked = pages, fallback or Fallback.PAST_END, asked or str(asked_number)
        else:
            number = asked_number
    start = (number - 1) * size
    shown = rows[start : start + size]
    places = {f: _page_holding(rows_in(report, f), shown[0].row, size)[0] if shown else 1 for f in RowFilter}
    return ReviewPage(wanted, number, pages, size, shown, len(rows), counts, places, fallback, asked)


def _page_holding(rows: list[RowResult], row_number: int, size: int) -> tuple[int, RowResult | None]:
    """The page of `rows` holding the first row numbered `row_number` or after, and that row (None: none is)."""
    position = next((i for i, row in enumerate(rows) if row.row >= row_number), None)
    if position is None:
        return page_count(len(rows), size), None
    return position // size + 1, rows[position]


def page_after_edit(
    report: ImportReport, row_number: int, filter_text: str | None, page_text: str | None, size: int = PAGE_SIZE
) -> tuple[RowFilter, int, int | None]:
    """Where the review returns after an edit of one row: the same filter, the page the row is now on, anchored to
    it; when the edit took the row out of the filter (a row matched under 'unmatched'), the row now in its place.

    Returns the filter, the page and the row to anchor to (None when no row of the filter follows it).
    """
    counts = filter_counts(report)
    wanted, _unknown = read_filter(filter_text, counts)
    rows = rows_in(report, wanted)
    page, anchor = _page_holding(rows, row_number, size)
    if anchor is None:  # no row of the filter at or after it: the page asked for, within the filter's pages
        return wanted, min((_page_number(page_text) if page_text else None) or 1, page), None
    return wanted, page, anchor.row
