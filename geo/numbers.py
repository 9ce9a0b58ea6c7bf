"""Numbers as people in the room read them: '41,3%' and '3.302.762' in Bahasa Indonesia."""

from __future__ import annotations

from datetime import date

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def format_count(value: object, locale: str, missing: str = "–") -> str:
    """3302762 -> '3.302.762' (id) or '3,302,762' (en)."""
    return missing if _missing(value) else format_decimal(int(value), locale=locale)


def format_percent(value: object, locale: str, missing: str = "–", decimals: int = 1, trim: bool = False) -> str:
    """41.3 -> '41,3%' (id) or '41.3%' (en); with trim, trailing zeros go (112.50 -> '112,5%')."""
    if _missing(value):
        return missing
    digit = "#" if trim else "0"
    pattern = "#,##0." + digit * decimals if decimals else "#,##0"
    return format_decimal(float(value), format=pattern, locale=locale) + "%"


def format_points(value: object, locale: str, missing: str = "–") -> str:
    """A difference in percentage points with its sign: '+3,2 poin'."""
    if _missing(value):
        return missing
    sign = "+" if float(value) > 0 else ""
    unit = "poin" if locale.startswith("id") else "pts"
    return f"{sign}{format_decimal(float(value), format='#,##0.0', locale=locale)} {unit}"


def format_period(period: str, locale: str) -> str:
    """'2025-12' -> 'Desember 2025' (id) or 'December 2025' (en): the words people say in a meeting."""
    year, month = (int(part) for part in period.split("-"))
    return format_date(date(year, month, 1), "MMMM y", locale=locale)


def format_month(period: str, locale: str) -> str:
    """'2025-12' -> 'Des 2025' (id) or 'Dec 2025' (en): short, for tooltips and chart ticks."""
    year, month = (int(part) for part in period.split("-"))
    return format_date(date(year, month, 1), "MMM y", locale=locale)


def format_rupiah(value: object, locale: str, missing: str = "–") -> str:
    """3024000000 -> 'Rp3.024.000.000' (id) or 'Rp3,024,000,000' (en): whole Rupiah, no space, no decimals."""
    if _missing(value):
        return missing
    return "Rp" + format_decimal(round(float(value)), format="#,##0", locale=locale)
