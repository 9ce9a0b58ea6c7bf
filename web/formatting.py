"""Template filters: numbers in the reader's language ('41,3%' in Bahasa Indonesia, '41.3%' in English)."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _

from geo.latest import Span
from geo.levels import Scheme
from geo.numbers import format_count, format_month, format_percent, format_period, format_points, format_rupiah
from geo.samples import source_text
from layers.legend import format_value


def span_text(span: Span, locale: str) -> str:
    """What a terbaru view covers, in words: 'Data terbaru per wilayah · Jun 2021 – Des 2025 · 36 wilayah'. Never a
    single month for figures of several: every title, legend, description and export says this."""
    if span.first is None:
        return _("Data terbaru per wilayah · belum ada angka")
    first, last = format_month(span.first, locale), format_month(span.last, locale)
    months = first if span.first == span.last else f"{first} – {last}"
    return _("Data terbaru per wilayah · %(months)s · %(n)s wilayah", months=months, n=span.count)


def short_span_text(span: Span, locale: str) -> str:
    """The span where room is short (the legend, beside a title that says "terbaru" and counts the districts, and
    whose level counts add up to them): 'Jun 2021 – Des 2025', one line on a phone; still a span of months, never
    one month for figures of several."""
    if span.first is None:
        return _("Terbaru · belum ada angka")
    first, last = format_month(span.first, locale), format_month(span.last, locale)
    months = first if span.first == span.last else f"{first} – {last}"
    return months


def when_text(view, locale: str, short: bool = False) -> str:
    """The period a view shows in words: one month ('Desember 2025'), or the terbaru view's span (span_text;
    `short` for the legend and what replaces it after a switch)."""
    if view.span is not None:
        return short_span_text(view.span, locale) if short else span_text(view.span, locale)
    return format_period(view.dataset.period, locale)


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

    @app.template_filter("when")
    def when(view, short: bool = False) -> str:
        """A view's period in words: 'Desember 2025', or 'Data terbaru per wilayah · Jun 2021 – Des 2025 · …'."""
        return when_text(view, str(get_locale()), short)

    @app.template_filter("period")
    def period(value: str) -> str:
        """'2025-12' -> 'Desember 2025' (or 'December 2025')."""
        return format_period(value, str(get_locale()))
