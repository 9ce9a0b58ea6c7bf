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
