"""Maps that leave the app: static PNG/SVG/PDF for slides, one offline HTML file, and the embed page."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from geo.numbers import format_period
from geo.query import DEFAULT_VIEW, MapQuery
from geo.results import CoverageResult
from geo.samples import source_text
from layers.assets import bundle_text
from layers.plugin import inline_text
from layers.slides import DeckTexts, build_deck
from layers.static_map import FORMATS, StaticTexts, render_static
from web.briefing import storyline_of
from web.encoding import StoredBody, store_body, stored_response
from web.formatting import when_text
from web.rendering import (
    attribution,
    legend_of,
    map_labels,
    province_borders_of,
    render_map,
    scope_search_terms,
    static_circles,
    view_table,
)
from web.resources import Resources, cached_page, get_resources, page_response
from web.results import resolve_result
from web.slots import export_slot

bp = Blueprint("exports", __name__)
DEFAULT_SIZE = (1920, 1080)
MAX_SIDE = 4000
# 3840 × 2160 (1920 × 1080 at scale=2, the "PNG 2×" link): a PNG for any projector. Larger bitmaps cost
# seconds and hundreds of megabytes each, for nothing a slide can show.
MAX_PIXELS = 3840 * 2160
# Only these (width, height, scale) are kept in the cache, so odd sizes cannot push maps out of it.
CACHED_SIZES = frozenset(
    {(1920, 1080, 1), (1920, 1080, 2), (1280, 720, 1), (1280, 720, 2), (1024, 768, 1), (1600, 900, 1)}
)


def _size() -> tuple[int, int, int]:
    """Width, height and scale from the query, within sane limits (a 404 for nonsense)."""
    try:
        width = int(request.args.get("width", DEFAULT_SIZE[0]))
        height = int(request.args.get("height", DEFAULT_SIZE[1]))
        scale = int(request.args.get("scale", 1))
    except ValueError:
        abort(400, _("Ukuran harus bilangan bulat, mis. width=1920&height=1080."))
    if not (320 <= width <= MAX_SIDE and 240 <= height <= MAX_SIDE and scale in (1, 2)):
        abort(400, _("Ukuran di luar batas: lebar 320–4000, tinggi 240–4000, scale 1 atau 2."))
    if width * height * scale * scale > MAX_PIXELS:
        abort(
            400,
            _(
                "Gambar terlalu besar: %(width)s × %(height)s × scale %(scale)s. Paling besar 8,3 megapiksel "
                "(lebar × tinggi × scale², mis. 3840×2160, atau 1920×1080 dengan scale=2).",
                width=width,
                height=height,
                scale=scale,
            ),
        )
    return width, height, scale


def static_texts(view: CoverageResult, lang: str) -> StaticTexts:
    period = when_text(view, lang)
    if view.previous:
        period = f"{format_period(view.previous.period, lang)} → {period}"
    return StaticTexts(
        title=f"{_('Cakupan BPJS Ketenagakerjaan')} — {view.scope.name}",
        subtitle=f"{view.scheme.title[lang]} · {period}",
        legend_title=_("Warna: tingkat cakupan") if view.scheme.symbols else view.scheme.title[lang],
        source=f"{_('Sumber')}: {source_text(view.dataset.title, lang)}",
        attribution=attribution(),
        banner="DATA CONTOH — bukan data resmi" if view.dataset.is_sample else None,
    )


def _static(resources: Resources, view: CoverageResult, fmt: str, locale: str) -> Response:
    width, height, scale = _size()
    lang = locale.split("_")[0]

    # Print (PDF) carries levels by pattern as well as colour, so they survive greyscale; PNG/SVG on request.
    wanted = request.args.get("pola", "1" if fmt == "pdf" else "0") == "1"
    patterns = dict(zip((lv.key for lv in view.scheme.levels), view.scheme.patterns, strict=False)) if wanted else {}

    def make() -> StoredBody:
        with export_slot():
            data = render_static(
                view.joined,
                province_borders_of(resources, view),
                legend_of(view, locale),
                static_texts(view, lang),
                map_labels(resources, view, locale),
                fmt=fmt,
                width=width,
                height=height,
                scale=scale,
                patterns=patterns,
                circles=static_circles(view, locale),
            )
        return store_body(data, FORMATS[fmt])

    if (width, height, scale) in CACHED_SIZES or fmt != "png":  # SVG and PDF are small whatever the size
        data = resources.cache.get_or_make(("static", *view.key, locale, fmt, width, height, scale, wanted), make)
    else:
        data = make()
    name = f"peta-cakupan-{view.scope.slug}-{view.period_arg or 'terbaru'}.{fmt}"
    return stored_response(data, headers={"Content-Disposition": f'inline; filename="{name}"'})


def _offline(resources: Resources, result: CoverageResult, locale: str) -> Response:
    view, table = result, result.for_table
    # The map's element carries its scripts, styles and geometry inline: the file needs nothing but itself.
    rendered = resources.cache.get_or_make(
        ("map-inline", *view.key, locale), lambda: render_map(resources, view, locale, inline=True)
    )
    # The ranking table, search and keyboard walk read the table's rows from the map's values, as on the page.
    table_data = view_table(resources, view, table, locale, rendered.values["features"])
    rendered = replace(rendered, values={**rendered.values, "table": table_data})
    offline_js = inline_text(bundle_text("offline.js"), "script")  # the map page's tools that need no site
    page = render_template(
        "offline.html",
        view=view,
        table=table,
        totals=table.totals,
        levels=resources.schemes[DEFAULT_VIEW],
        rendered=rendered,
        offline_js=offline_js,
        search_terms=scope_search_terms(resources, view.scope),  # inline: the file searches with no network
        lang=locale.split("_")[0],
        attribution=attribution(),
        saved_at=datetime.now().strftime("%Y-%m-%d %H:%M"),
    )
    name = f"peta-cakupan-{view.scope.slug}-{view.period_arg or 'terbaru'}.html"
    return Response(page, mimetype="text/html", headers={"Content-Disposition": f'attachment; filename="{name}"'})


PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def deck_texts(view: CoverageResult, without_data: int, locale: str) -> DeckTexts:
    lang = locale.split("_")[0]
    period = when_text(view, locale)
    if view.previous:
        period = f"{format_period(view.previous.period, locale)} → {period}"
    texts = static_texts(view, lang)
    agency = _("BPJS Ketenagakerjaan")
    if view.scheme.value == "coverage_pct":
        ranking_title = _("Peringkat cakupan — %(scope)s", scope=view.scope.name)
        measured = (_("Cakupan"), _("Tingkat"))
    else:  # ranked by what the map is coloured by, coverage beside it
        ranking_title = _("Peringkat: %(measure)s — %(scope)s", measure=view.scheme.title[lang], scope=view.scope.name)
        measured = (view.scheme.measure[lang], _("Tingkat"), _("Cakupan"))
    return DeckTexts(
        title=view.scope.name,
        subtitle=f"{agency}: {view.scheme.title[lang]} · {period}",
        # short: the subtitle says the whole span; a long title would run into the legend's rows
        legend_title=f"{texts.legend_title}, {when_text(view, locale, short=True)}",
        source=texts.source,
        attribution=texts.attribution,
        ranking_title=ranking_title,
        ranking_headers=(_("Peringkat"), _("Kabupaten/kota"), _("Provinsi"), *measured, _("Terhadap target")),
        without_data=_(
            "%(n)s kabupaten/kota tanpa data atau dengan data lama (lebih dari %(window)s bulan) tidak dicantumkan.",
            n=without_data,
            window=view.span.window,
        )
        if view.span is not None and view.span.stale
        else _("%(n)s kabupaten/kota tanpa data tidak dicantumkan.", n=without_data),
        banner=texts.banner,
    )


def _pptx(resources: Resources, result: CoverageResult, locale: str) -> Response:
    """A 16:9 deck whose map is one editable shape per district, then the ranking as native tables; `alur=1` adds
    the storyline (web.briefing): a title slide, on track or not, the uncovered workers, the furthest behind."""
    storyline = request.args.get("alur") == "1"

    def make() -> StoredBody:
        ranking = result.ranking
        with export_slot():
            deck = build_deck(
                result.joined,
                province_borders_of(resources, result),
                legend_of(result, locale),
                map_labels(resources, result, locale),
                ranking,
                result.scheme,
                deck_texts(result, int(ranking[result.scheme.value].isna().sum()), locale),
                locale,
                story=storyline_of(resources, result.scope.slug, locale) if storyline else None,
                circles=static_circles(result, locale),
            )
        return store_body(deck, PPTX)

    data = resources.cache.get_or_make(("pptx", *result.key, *result.table_key, locale, storyline), make)
    name = f"peta-cakupan-{result.scope.slug}-{result.period_arg or 'terbaru'}.pptx"
    return stored_response(data, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/export/<scope>.<fmt>")
def export(scope: str, fmt: str):
    """The map of a scope as PNG, SVG, PDF, an editable PowerPoint deck, or one offline HTML file."""
    resources = get_resources()
    if fmt not in (*FORMATS, "html", "pptx"):
        abort(404)
    result = resolve_result(resources, MapQuery.parse(request.args, resources, scope=scope))
    locale = str(get_locale())
    if fmt == "html":
        return _offline(resources, result, locale)
    if fmt == "pptx":
        return _pptx(resources, result, locale)
    return _static(resources, result, fmt, locale)


@bp.get("/embed/<scope>")
def embed(scope: str):
    """The map sized to its frame, with its title, legend, source and date around it."""
    resources = get_resources()
    view = resolve_result(resources, MapQuery.parse(request.args, resources, scope=scope))
    locale = str(get_locale())

    def render() -> str:
        rendered = resources.cache.get_or_make(("map", *view.key, locale), lambda: render_map(resources, view, locale))
        return render_template("embed.html", view=view, rendered=rendered, lang=locale.split("_")[0])

    # Cached whole like the map page: compressed once, its inline scripts allowed by their hashes.
    return page_response(resources.cache.get_or_make(("embed", *view.key, locale), lambda: cached_page(render())))
