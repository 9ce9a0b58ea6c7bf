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


def table_rows(page: str, index: int = 0) -> dict[str, dict]:
    """The ranking table's rows as the browser builds them (static/js/rows.js tableRows), by code in rank order:
    each a dict of the table's columns (layers.navigation.TableRow fields) with a 0 read from the district's
    tooltip (a name from its title, a column named in from_tooltip from the row with that label), its "province"
    name and its "value", the view's measure (the column measure_column names)."""
    values = page_values(page, index)
    table = values["table"]
    columns, from_tooltip = table["columns"], table["from_tooltip"]
    rows = {}
    for i, code in enumerate(columns["code"]):
        unit = values["features"].get(code)
        tip = dict(unit["tip"]["rows"]) if unit else {}
        row = {name: cells[i] for name, cells in columns.items()}
        for name, cell in row.items():
            if cell == 0 and unit and (name == "name" or name in from_tooltip):
                row[name] = unit["tip"]["title"] if name == "name" else tip[from_tooltip[name]]
        rows[code] = {**row, "province": table["provinces"][row["province_code"]]}
        rows[code]["value"] = rows[code][table["measure_column"]]
    return rows
