"""Template filters: numbers in the reader's language ('41,3%' in Bahasa Indonesia, '41.3%' in English)."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from geo.levels import Scheme
from geo.numbers import format_count, format_percent, format_period, format_points, format_rupiah
from geo.samples import source_text
from layers.legend import format_value


def register(app: Flask) -> None:
    """Add the pct, count, points, rupiah, period, measured and source filters, and the page's language (`lang`,
    for `<html lang>`; a page that passes its own keeps it)."""

    @app.context_processor
    def page_language() -> dict:
        return {"lang": str(get_locale()).split("_")[0]}

    @app.template_filter("source")
    def source(value: str | None) -> str:
        """The bundled data's titles and sample source in the reader's language; others as written."""
        return source_text(value, str(get_locale())) if value else ""

    @app.template_filter("measured")
    def measured(value: object, scheme: Scheme) -> str:
        """A view's measure in its unit ('87,3%', '+2,5 poin'); the missing mark when there is none."""
        return format_value(value, scheme, str(get_locale())) or format_percent(None, str(get_locale()))

    @app.template_filter("pct")
    def pct(value: object, decimals: int = 1, trim: bool = False) -> str:
        return format_percent(value, str(get_locale()), decimals=decimals, trim=trim)

    @app.template_filter("count")
    def count(value: object) -> str:
        return format_count(value, str(get_locale()))

    @app.template_filter("points")
    def points(value: object) -> str:
        return format_points(value, str(get_locale()))

    @app.template_filter("rupiah")
    def rupiah(value: object) -> str:
        """3024000000 -> 'Rp3.024.000.000'."""
        return format_rupiah(value, str(get_locale()))

    @app.template_filter("period")
    def period(value: str) -> str:
        """'2025-12' -> 'Desember 2025' (or 'December 2025')."""
        return format_period(value, str(get_locale()))
