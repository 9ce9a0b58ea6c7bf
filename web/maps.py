"""Map pages: look up the view, render (or reuse) the folium map, fill the page template."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from geo.query import MapQuery, view_choices
from geo.results import CoverageResult
from geo.scopes import default_scope
from geo.segments import segment_views
from web.encoding import StoredBody, store_body, stored_response
from web.frames import frame_key, period_frame, series_frames
from web.query import LAYER_LABELS, SERIES_LABELS
from web.rendering import (
    PRESENT_LABELS,
    attribution,
    describe,
    labels_are_names,
    map_facts,
    map_values,
    render_map,
    view_table,
)
from web.resources import Resources, cached_page, get_resources, page_response
from web.results import live_snapshot, period_counts, plain_records, resolve_result

bp = Blueprint("maps", __name__)
# The query a map page understands; anything else is ignored, so it can neither break links nor fill the cache.
MAP_ARGS = ("period", "compare", "series", "view", "layer", "palette", "lang", "window")
PRESENT_ARGS = ("title", "legend", "labels")
MODES = ("present",)


def resolve(resources: Resources, scope: str, args) -> tuple[CoverageResult, CoverageResult]:
    """Parse the request's query once (geo.query: an unknown value is a 400 naming the choices) and resolve it
    once (geo.results): the map's view and its table (districts ranked by the view's measure) read the same result."""
    result = resolve_result(resources, MapQuery.parse(args, resources, scope=scope))
    return result, result.for_table


@bp.get("/")
def index():
    return map_page(default_scope(get_resources().scopes))


def page_args(names: tuple[str, ...] = MAP_ARGS) -> dict[str, str]:
    """The known, non-empty query parameters of this request (first value of each)."""
    return {name: request.args[name] for name in names if request.args.get(name)}


@bp.get("/map/<scope>")
def map_page(scope: str):
    mode = request.args.get("mode") or None
    if mode is not None and mode not in MODES:
        abort(400, _("Mode '%(mode)s' tidak dikenal. Pilihan: %(valid)s.", mode=mode, valid=", ".join(MODES)))
    if request.args.get("scope"):
        # The map's own form without JavaScript submits the scope as a field: go to that scope's page.
        wanted = {**page_args((*MAP_ARGS, *PRESENT_ARGS)), **({"mode": mode} if mode else {})}
        return redirect(url_for("maps.map_page", scope=request.args["scope"], **wanted))
    resources = get_resources()
    args = page_args()
    view, table = resolve(resources, scope, args)
    locale = str(get_locale())
    if mode == "present":
        return present_page(resources, view, table, locale)
    periods = live_snapshot(resources).live(view.dataset.series)
    # By the views, language, known query and list of periods; nothing else (not the saved aliases: the search box
    # fetches its terms, web.api search_terms).
    key = ("page", *view.key, *table.key, locale, tuple(sorted(args.items())), tuple(d.id for d in periods))
    page = resources.cache.get_or_make(
        key, lambda: cached_page(render_map_page(resources, view, table, periods, locale, args))
    )
    response = page_response(page)
    if args.get("lang") in ("id", "en"):
        response.set_cookie("lang", args["lang"], max_age=365 * 86400, samesite="Lax")
    return response


def page_context(
    resources: Resources,
    view: CoverageResult,
    table: CoverageResult,
    periods: list,
    locale: str,
    args: dict[str, str],
    drawn: bool = True,
) -> dict:
    """Everything map.html and its parts (FRAGMENTS) are rendered from; the parts alone (not `drawn`) need the
    map's facts but not the folium map."""
    if drawn:
        rendered = resources.cache.get_or_make(("map", *view.key, locale), lambda: render_map(resources, view, locale))
    else:
        rendered = map_facts(resources, view, locale)
    # The table's rows travel with the map's values (one block): static/js/ranking.js builds the table from them.
    table_data = view_table(resources, view, table, locale, rendered.values["features"])
    rendered = replace(rendered, values={**rendered.values, "table": table_data})
    return {
        "view": view,
        "rendered": rendered,
        "lang": locale.split("_")[0],
        "scopes": list(resources.scopes.values()),
        "periods": periods,
        "period_counts": period_counts(resources, view.scope, view.dataset.series),
        "attribution": attribution(),
        "table": table,
        "totals": table.totals,
        "view_choices": view_choices(resources.schemes, view.previous is not None, segment_views(table.joined)),
        "series_labels": SERIES_LABELS,
        "layer_labels": LAYER_LABELS,
        "description": describe(view, rendered.legend, locale.split("_")[0]),
        "page_args": args,
        "page_path": url_for("maps.map_page", scope=view.scope.slug, **args),
        "search_terms_url": search_terms_url(view),
        "lang_urls": {
            code: url_for("maps.map_page", scope=view.scope.slug, **{**args, "lang": code}) for code in ("id", "en")
        },
    }


def search_terms_url(view: CoverageResult) -> str:
    """Where the search box fetches the aliases of the scope's districts (static/js/search.js, _find.html)."""
    return url_for("api.search_terms", scope=view.scope.slug)


def render_map_page(
    resources: Resources, view: CoverageResult, table: CoverageResult, periods: list, locale: str, args: dict[str, str]
) -> str:
    return render_template("map.html", **page_context(resources, view, table, periods, locale, args))


# The parts of map.html that change with the period, comparison or view: sent with values.json (parts=page) and
# put in place by static/js/switch.js, so switching needs no page load. The table's panel (headers, filters,
# best and worst) only when it changes; its rows are built in the browser from the values.
FRAGMENTS = ("headline", "controls", "summary", "legend", "share", "foot")
INDENTATION = re.compile(r"\n\s*")
TABLE_FRAGMENT = "ranking"


def page_parts(context: dict, with_table: bool) -> dict[str, object]:
    """What values.json adds for the page's own switch: its FRAGMENTS (and the table's panel), title and address.
    Each line's indentation goes (rendered the same: none of them holds a pre, and the embed code's textarea is
    one line)."""
    names = FRAGMENTS + ((TABLE_FRAGMENT,) if with_table else ())
    return {
        "fragments": {name: INDENTATION.sub("\n", render_template(f"_{name}.html", **context)) for name in names},
        # document.title is text: the same template as the page's <title>, without its HTML escaping
        "title": Markup(render_template("_page_title.html", **context)).unescape().strip(),
        "address": context["page_path"],
    }


@bp.get("/map/<scope>/berdampingan")
def side_by_side(scope: str):
    """Two periods next to each other, panning and zooming together; without a second period, the one before
    (or the single period alone, with a note)."""
    resources = get_resources()
    locale = str(get_locale())
    args = {k: v for k, v in request.args.items() if k not in ("compare", "view")}
    later, _ = resolve(resources, scope, args)
    wanted = request.args.get("compare") or ""
    periods = [d.period for d in live_snapshot(resources).live(later.dataset.series)]
    if not wanted or wanted == later.dataset.period:
        wanted = next((p for p in periods if p < later.dataset.period), "")
    views = [resolve(resources, scope, {**args, "period": wanted})[0], later] if wanted else [later]

    def render() -> str:
        maps = [
            resources.cache.get_or_make(("map", *v.key, locale), lambda v=v: render_map(resources, v, locale))
            for v in views
        ]
        return render_template(
            "side_by_side.html", views=views, maps=maps, lang=locale.split("_")[0], attribution=attribution()
        )

    # Cached whole like the map page (compressed once, scripts allowed by their hashes).
    key = ("side", *(part for v in views for part in v.key), locale)
    return page_response(resources.cache.get_or_make(key, lambda: cached_page(render())))


@bp.get("/map/<scope>/waktu")
def small_multiples(scope: str):
    """One small map per period of the series, side by side in time order (each a cached static export)."""
    resources = get_resources()
    args = page_args(("series", "view", "layer", "palette", "lang"))
    view, _ = resolve(resources, scope, args)
    periods = sorted(d.period for d in live_snapshot(resources).live(view.dataset.series))
    return render_template(
        "small_multiples.html", view=view, periods=periods, args=args, lang=str(get_locale()).split("_")[0]
    )


@bp.get("/map/<scope>/values.json")
def values(scope: str):
    """One view's values for a map already on screen (the time slider, the map page's own controls): it restyles
    itself from these, and the ranking table's rows from their `table`. With parts=page, also the page's parts
    that change (FRAGMENTS; table=1 adds the table's panel, without rows)."""
    resources = get_resources()
    args = page_args()
    view, table = resolve(resources, scope, args)
    locale = str(get_locale())
    ask = (
        PRESENT_LABELS.get(request.args.get("labels", ""), "auto"),
        "page" if request.args.get("parts") == "page" else None,
        request.args.get("parts") == "page" and request.args.get("table") == "1",
        request.args.get("names") != "0",
    )
    periods = live_snapshot(resources).live(view.dataset.series)
    key = ("values", *view.key, *table.key, locale, *ask, tuple(sorted(args.items())), tuple(d.id for d in periods))
    return stored_response(
        resources.cache.get_or_make(key, lambda: values_body(resources, view, table, periods, locale, args, *ask))
    )


def values_body(
    resources: Resources,
    view: CoverageResult,
    table: CoverageResult,
    periods: list,
    locale: str,
    args: dict[str, str],
    labels: str,
    parts: str | None,
    with_table: bool,
    names: bool,
) -> StoredBody:
    """values.json's body. Without `names` (names=0: the browser asks so when it switches on the same units) the
    tooltips leave out each unit's name and province, and labels that are names alone (no value) are left out,
    which it keeps from the map it has (static/js/switch.js)."""
    data = map_values(resources, view, table, locale, labels)
    if not names:
        data["features"] = {code: {**unit, "tip": unnamed(unit["tip"])} for code, unit in data["features"].items()}
        if labels_are_names(view, labels):  # an island's province names: the map's own, whatever the period
            del data["labels"]
    if parts == "page":
        context = page_context(resources, view, table, periods, locale, args, drawn=False)
        data.update(page_parts(context, with_table))
        del data["legend"]  # its fragment holds it
    return store_body(json.dumps(data, ensure_ascii=False), "application/json")


def unnamed(tip: dict) -> dict:
    return {key: value for key, value in tip.items() if key not in ("title", "sub")}


def frames_body(
    resources: Resources, view: CoverageResult, args: dict[str, str], live: list, locale: str, labels: str
) -> StoredBody:
    """periods.json's body: every live period's frame (web/frames.py), each made only when its key is new."""
    periods = sorted(d.period for d in live)
    scope = view.scope.slug
    frames = [
        period_frame(
            resources,
            frame_key(view.scope.slug, args, live, p),
            lambda p=p: resolve(resources, scope, {**args, "period": p})[0],
            locale,
            labels,
        )
        for p in periods
    ]
    body = series_frames(frames, view.scheme.measure[locale.split("_")[0]])
    return store_body(json.dumps(body, ensure_ascii=False), "application/json", levels=SERIES_LEVELS)


@bp.get("/map/<scope>/periods.json")
def periods_values(scope: str):
    """Every period's frame of a view for the time slider, fetched once (web/frames.py, static/js/timeline.js).
    By the live versions of the series: a publish makes a new body and ETag (only its own period's frame is made
    again); browsers ask again (no-cache) and get a 304."""
    resources = get_resources()
    args = page_args(("series", "view", "layer", "palette", "lang"))
    view, _ = resolve(resources, scope, args)
    locale = str(get_locale())
    labels = PRESENT_LABELS.get(request.args.get("labels", ""), "auto")
    live = live_snapshot(resources).live(view.dataset.series)
    key = ("periods", view.scope.slug, locale, labels, tuple(sorted(args.items())), tuple(d.id for d in live))
    body = resources.cache.get_or_make(key, lambda: frames_body(resources, view, args, live, locale, labels))
    response = stored_response(body)
    response.cache_control.no_cache = True
    return response


# Brotli 9 and gzip 9: one body per view and set of live versions, fetched once per presentation
SERIES_LEVELS = (9, 9)


def present_page(resources: Resources, view: CoverageResult, table: CoverageResult, locale: str):
    """Full-screen 16:9 map for a projector: big title and legend, labels, search, description and table."""
    labels = PRESENT_LABELS.get(request.args.get("labels", "1"), "districts")
    rendered = resources.cache.get_or_make(
        ("map", *view.key, locale, labels), lambda: render_map(resources, view, locale, labels)
    )
    table_data = view_table(resources, view, table, locale, rendered.values["features"])
    rendered = replace(rendered, values={**rendered.values, "table": table_data})
    lang = locale.split("_")[0]
    title = (request.args.get("title") or "").strip()[:120] or None
    periods = [] if view.previous else sorted(d.period for d in live_snapshot(resources).live(view.dataset.series))

    def render() -> str:
        return render_template(
            "present.html",
            view=view,
            rendered=rendered,
            lang=lang,
            attribution=attribution(),
            title=title,
            legend_side="kanan" if request.args.get("legend") == "kanan" else "kiri",
            description=describe(view, rendered.legend, lang),
            ranking=plain_records(table.ranking),
            periods=periods,
            normal_url=url_for("maps.map_page", scope=view.scope.slug, **page_args()),
            search_terms_url=search_terms_url(view),
        )

    if title:  # a title typed for one meeting is rendered for it alone, so free text cannot fill the cache
        return render()
    # Like the map page: cached whole (compressed once, scripts allowed by their hashes) by all it depends on.
    known = tuple(sorted(page_args((*MAP_ARGS, *PRESENT_ARGS)).items()))
    key = ("present", *view.key, *table.key, locale, labels, known, tuple(periods))
    return page_response(resources.cache.get_or_make(key, lambda: cached_page(render())))
