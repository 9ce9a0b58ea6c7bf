"""Find a table's header: the rows it spans, and the text of merged or group cells over the columns they cover.

A header is read as people write it: over one to four rows (a group title merged over its sub-columns, the
unit in a row of its own, a numbered row `(1) (2) (3)`), with units, years and line breaks in the cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from openpyxl.utils.cell import range_boundaries
from openpyxl.xml.functions import iterparse

from geo.uploads.vocabulary import (
    HEADER_SEARCH_ROWS,
    MAX_HEADER_ROWS,
    _identity,
    header_words,
    recognise_header,
)

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


def _filled_width(cells: list[str]) -> int:
    """How many columns a row spans up to its last non-empty cell (a workbook pads rows with empty cells)."""
    return next((i + 1 for i in range(len(cells) - 1, -1, -1) if cells[i].strip()), 0)


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
