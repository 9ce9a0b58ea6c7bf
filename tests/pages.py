"""Reading what a map page hands its browser script (tests only)."""

from __future__ import annotations

import json
import re


def page_values(page: str, index: int = 0) -> dict:
    """The values a map page styles its units with: the JSON block named map-values-… (the index-th map's)."""
    blocks = re.findall(r'<script type="application/json" id="map-values-[0-9a-f]+"[^>]*>(.*?)</script>', page, re.S)
    return json.loads(blocks[index])


def tooltip_rows(page: str, index: int = 0) -> dict[str, list[list[str]]]:
    """Every unit's tooltip rows ([label, text]), by code."""
    return {code: unit["tip"]["rows"] for code, unit in page_values(page, index)["features"].items()}


def rows_labelled(page: str, label: str) -> list[str]:
    """The text of every tooltip row with this label, over all units."""
    return [text for rows in tooltip_rows(page).values() for name, text in rows if name == label]


TABLE_CELLS = ("code", "rank", "name", "province_code", "coverage", "level", "target", "gap", "uncovered")
TABLE_CELLS += ("participants", "workers", "change")


def table_rows(page: str, index: int = 0) -> dict[str, dict]:
    """The ranking table's rows as the browser builds them (static/js/rows.js tableRows): each cell sent as
    0 read from the district's tooltip (its title, or the row labelled in from_tip), in rank order, by code."""
    values = page_values(page, index)
    table = values["table"]
    rows = {}
    for row in table["rows"]:
        unit = values["features"].get(row[0])
        tip = dict(unit["tip"]["rows"]) if unit else {}
        cells = [
            (unit["tip"]["title"] if i == 2 else tip[table["from_tip"][str(i)]]) if cell == 0 and unit else cell
            for i, cell in enumerate(row)
        ]
        # the view's measure (what the rows are ranked by): coverage, the change cell, or a cell of its own after
        # the others (layers.navigation)
        index = 4 if table["value_index"] is None else table["value_index"]
        own = table["measure"] not in ("coverage_pct", "change_pct_points")
        rows[row[0]] = dict(zip(TABLE_CELLS, cells[:index] if own else cells, strict=False))
        rows[row[0]]["province"] = table["provinces"][row[3]]
        rows[row[0]]["value"] = cells[index]
    return rows
