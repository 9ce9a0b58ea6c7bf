"""The review page's filters and pages (geo.review), without a client: which rows, which page, what fell back."""

import pytest

from geo.review import Fallback, RowFilter, filter_counts, page_after_edit, review_page
from geo.uploads import ImportReport, Kind, Problem, RowResult


def draft(rows: int = 350) -> ImportReport:
    """Rows 2..rows+1 (as in a file under its header): every 3rd unmatched (an error), every 5th warned."""
    results, errors, warnings = [], [], []
    for number in range(2, rows + 2):
        unmatched = number % 3 == 0
        results.append(RowResult(number, f"Wilayah {number}", None if unmatched else f"{number:05d}", "name"))
        if unmatched:
            errors.append(Problem(number, "wilayah", "tidak dikenali", Kind.UNMATCHED))
        if number % 5 == 0:
            warnings.append(Problem(number, "cakupan", "di atas 100%", Kind.RANGE))
    errors.append(Problem(None, "sumber", "Sumber data belum diisi", Kind.SOURCE))  # the file's, no row's
    return ImportReport(period="2026-02", columns={}, rows=results, errors=errors, warnings=warnings)


def numbers(page) -> list[int]:
    return [row.row for row in page.rows]


def test_counts_are_over_the_whole_draft_whatever_the_page():
    report = draft()
    expected = {
        RowFilter.UNMATCHED: sum(1 for n in range(2, 352) if n % 3 == 0),
        RowFilter.ERRORS: sum(1 for n in range(2, 352) if n % 3 == 0),  # the file's own error is on no row
        RowFilter.WARNINGS: sum(1 for n in range(2, 352) if n % 5 == 0),
        RowFilter.ALL: 350,
    }
    assert filter_counts(report) == expected
    assert review_page(report, "peringatan", "1").counts == expected == review_page(report, "semua", "4").counts


@pytest.mark.parametrize(
    ("wanted", "kept"),
    [
        ("semua", lambda n: True),
        ("tidak-cocok", lambda n: n % 3 == 0),
        ("galat", lambda n: n % 3 == 0),
        ("peringatan", lambda n: n % 5 == 0),
    ],
)
def test_page_2_shows_rows_101_to_200_of_the_filter(wanted, kept):
    in_filter = [n for n in range(2, 702) if kept(n)]
    page = review_page(draft(700), wanted, "2")
    assert page.filter == RowFilter(wanted) and page.fallback is None
    assert numbers(page) == in_filter[100:200]
    assert (page.first, page.last, page.total) == (101, 100 + len(in_filter[100:200]), len(in_filter))
    assert page.pages == -(-len(in_filter) // 100)


def test_unmatched_filter_lists_only_unmatched_rows():
    page = review_page(draft(), "tidak-cocok", None)
    assert page.rows and all(row.code is None for row in page.rows)
    assert page.total == filter_counts(draft())[RowFilter.UNMATCHED]


@pytest.mark.parametrize(
    ("unmatched", "errors", "warnings", "default"),
    [
        (True, True, True, RowFilter.UNMATCHED),  # unmatched rows first
        (False, True, True, RowFilter.ERRORS),
        (False, False, True, RowFilter.ALL),  # warnings do not block publishing: the whole draft to look over
        (False, False, False, RowFilter.ALL),
    ],
)
def test_without_a_filter_the_first_one_with_rows_is_shown(unmatched, errors, warnings, default):
    rows = [RowResult(2, "A", None if unmatched else "62.11", "name"), RowResult(3, "B", "62.02", "name")]
    problems = [Problem(3, "pekerja", "0", Kind.RANGE)] if errors else []
    problems += [Problem(2, "wilayah", "?", Kind.UNMATCHED)] if unmatched else []
    warned = [Problem(3, "cakupan", "> 100", Kind.RANGE)] if warnings else []
    report = ImportReport(period="2026-02", columns={}, rows=rows, errors=problems, warnings=warned)
    page = review_page(report, None, None)
    assert page.filter == default and page.fallback is None


@pytest.mark.parametrize(
    ("wanted", "asked_page", "fallback", "asked", "shown_filter", "shown_page"),
    [
        ("bukan-saringan", None, Fallback.UNKNOWN_FILTER, "bukan-saringan", RowFilter.UNMATCHED, 1),
        ("SEMUA", "2", None, None, RowFilter.ALL, 2),  # the case and spaces of a typed address do not matter
        ("semua", "dua", Fallback.BAD_PAGE, "dua", RowFilter.ALL, 1),
        ("semua", "0", Fallback.BAD_PAGE, "0", RowFilter.ALL, 1),
        ("semua", "-2", Fallback.BAD_PAGE, "-2", RowFilter.ALL, 1),
        ("semua", "9" * 30, Fallback.BAD_PAGE, "9" * 20, RowFilter.ALL, 1),  # never a huge number, never echoed whole
        ("semua", "99", Fallback.PAST_END, "99", RowFilter.ALL, 4),
        ("peringatan", "3", Fallback.PAST_END, "3", RowFilter.WARNINGS, 1),  # 70 warned rows: one page
    ],
)
def test_what_cannot_be_shown_falls_back_and_says_so(wanted, asked_page, fallback, asked, shown_filter, shown_page):
    page = review_page(draft(), wanted, asked_page)
    assert (page.fallback, page.asked, page.filter, page.number) == (fallback, asked, shown_filter, shown_page)
    assert page.rows  # a page of rows, never an empty page for a bad address


def test_a_filter_without_rows_has_one_empty_page():
    report = draft(2)  # rows 2 and 3: row 3 unmatched, none warned
    page = review_page(report, "peringatan", None)
    assert (page.rows, page.pages, page.number, page.first, page.last, page.total) == ([], 1, 1, 0, 0, 0)


@pytest.mark.parametrize(
    ("number", "pages", "links"),
    [
        (1, 1, [1]),
        (1, 4, [1, 2, 3, 4]),
        (1, 50, [1, 2, 3, None, 50]),
        (25, 50, [1, None, 23, 24, 25, 26, 27, None, 50]),
        (50, 50, [1, None, 48, 49, 50]),
        (4, 50, [1, 2, 3, 4, 5, 6, None, 50]),
    ],
)
def test_page_links_show_both_ends_and_the_pages_near(number, pages, links):
    page = review_page(draft(pages * 100), "semua", str(number))
    assert page.links() == links


def test_filter_links_keep_the_place_in_the_file():
    page = review_page(draft(), "semua", "3")  # rows 202..301
    assert page.places[RowFilter.ALL] == 3
    unmatched = [n for n in range(2, 352) if n % 3 == 0]
    first_after = next(i for i, n in enumerate(unmatched) if n >= 202)
    assert page.places[RowFilter.UNMATCHED] == first_after // 100 + 1 == 1  # 116 unmatched rows, row 204 is the 68th
    assert page.places[RowFilter.WARNINGS] == 1


def test_after_an_edit_the_row_is_found_again():
    report = draft()
    # Row 250 matched: still in 'semua', on page 3 (rows 202..301), anchored to itself.
    assert page_after_edit(report, 250, "semua", "3") == (RowFilter.ALL, 3, 250)
    # Row 249 (unmatched, 83rd of that filter) matched from page 1 of 'tidak-cocok': it leaves the filter and the
    # row now in its place, 252, is anchored on the same page.
    report.rows[247].code = "matched"
    report.errors = [p for p in report.errors if p.row != 249]
    assert page_after_edit(report, 249, "tidak-cocok", "1") == (RowFilter.UNMATCHED, 1, 252)
    # The last row of a filter fixed: no row follows it, the page asked for within the filter's pages.
    report.rows[349].code = "matched"
    assert page_after_edit(report, 351, "tidak-cocok", "2") == (RowFilter.UNMATCHED, 2, None)
    assert page_after_edit(report, 351, "tidak-cocok", "99") == (RowFilter.UNMATCHED, 2, None)
    # An unknown filter from a forged form falls back like the page itself does.
    assert page_after_edit(report, 250, "xyz", "1")[0] == RowFilter.UNMATCHED
