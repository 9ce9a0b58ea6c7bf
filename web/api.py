"""JSON, GeoJSON and CSV: the same joined result as the map, in other formats."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

from flask import Blueprint, Response, current_app, jsonify, request
from openpyxl import Workbook

from geo.query import DEFAULT_VIEW, SERIES, MapQuery, QueryError, parse_segment, parse_series
from geo.results import CoverageResult
from geo.scopes import default_scope, get_scope
from geo.segments import segment_columns_of
from geo.store import live_datasets
from web.csvfile import csv_response, neutralise
from web.encoding import StoredBody, store_body, stored_response
from web.history import district_history, history_key
from web.rendering import scope_search_terms
from web.resources import aliases_stamp, get_resources
from web.results import plain_records, resolve_result

bp = Blueprint("api", __name__, url_prefix="/api")
PROPERTIES = [
    "code",
    "name",
    "province",
    "period",
    "participants",
    "workers",
    "coverage_pct",
    "target_pct",
    "gap_pct",
    "rank",
    "level",
    "fill",
    "source",
    "as_of",
    "origin_version",
    "origin_dataset_id",
    "origin_draft_id",
]


def _result(default_view: str | None = None) -> CoverageResult:
    """The request's result; summaries ask for coverage levels even when a comparison period is given."""
    resources = get_resources()
    return resolve_result(resources, MapQuery.parse(request.args, resources, default_view=default_view))


def _properties(result: CoverageResult) -> list[str]:
    """The columns every format gives; the province layer adds how each value was found (`basis`), the terbaru
    view whether a figure is older than the window (`stale`, its figure in `stale_coverage_pct`), data with
    segments their counts, shares and budgets (geo.segments)."""
    extra = [c for c in ("basis", "stale", "stale_coverage_pct") if c in result.joined]
    return PROPERTIES + extra + segment_columns_of(result.joined)


def span_json(result: CoverageResult) -> dict | None:
    """The terbaru view's span for JSON answers (None for one period): its figures come from different months."""
    span = result.span
    if span is None:
        return None
    return {
        "window_months": span.window,
        "first_period": span.first,
        "last_period": span.last,
        "districts": span.count,
        "stale": span.stale,
        "newest_period": span.newest,
        "mixed_periods": span.mixed,
    }


def _records(result: CoverageResult) -> list[dict]:
    columns = _properties(result)
    table = result.joined[columns].astype(object).where(result.joined[columns].notna(), None)
    return table.to_dict("records")


@bp.get("/scopes")
def scopes():
    return jsonify(
        [
            {"slug": s.slug, "name": s.name, "kind": s.kind, "province_codes": list(s.province_codes)}
            for s in get_resources().scopes.values()
        ]
    )


@bp.get("/periods")
def periods():
    wanted = request.args.get("series")
    series = [wanted] if wanted in SERIES else list(SERIES)
    datasets = [d for name in series for d in live_datasets(get_resources().engine, name)]
    return jsonify(
        [
            {
                "series": d.series,
                "period": d.period,
                "version": d.version,
                "title": d.title,
                "is_sample": d.is_sample,
                "dataset_id": d.id,
            }
            for d in datasets
        ]
    )


@bp.get("/coverage.geojson")
def coverage_geojson():
    result = _result()
    return _stored(("geojson", *result.key), lambda: store_body(_geojson_text(result), "application/geo+json"))


def _geojson_text(result: CoverageResult) -> str:
    geometries = json.loads(result.joined.geometry.to_json(drop_id=True))["features"]
    features = [
        {"type": "Feature", "properties": props, "geometry": geo["geometry"]}
        for props, geo in zip(_records(result), geometries, strict=True)
    ]
    body = {
        "type": "FeatureCollection",
        "scope": result.scope.slug,
        "period": None if result.span else result.dataset.period,
        "latest": span_json(result),
        "series": result.dataset.series,
        "dataset_version": result.dataset.version,
        "is_sample": result.dataset.is_sample,
        "features": features,
    }
    return json.dumps(body, ensure_ascii=False)


@bp.get("/coverage.csv")
def coverage_csv():
    result = _result()
    columns = _properties(result)
    rows = ([record[k] for k in columns] for record in _records(result))
    when = "terbaru" if result.span else result.dataset.period
    return csv_response(columns, rows, f"cakupan-{result.scope.slug}-{when}.csv")


def _ranking_result() -> tuple[CoverageResult, str | None]:
    """The request's ranking result and its `segment`: units ranked by the measure of `view` (coverage when none
    is asked, also with a comparison); `segment=pu` is the older name of `view=pu`. Raise QueryError."""
    segment = parse_segment(request.args)
    args = request.args.to_dict()
    if segment:
        if args.get("view", segment) != segment:
            raise QueryError("segment", segment, (args["view"],))
        args["view"] = segment
    resources = get_resources()
    return resolve_result(resources, MapQuery.parse(args, resources, default_view=DEFAULT_VIEW)), segment


@bp.get("/ranking")
def ranking_json():
    result, segment = _ranking_result()
    return _stored(("ranking.json", *result.key, segment), lambda: _json_body(_ranking_body(result, segment)))


def _ranking_body(result: CoverageResult, segment: str | None) -> dict:
    rows = plain_records(result.layer_ranking)
    if result.previous is None:
        for row in rows:
            row.pop("previous_coverage_pct", None)
            row.pop("change_pct_points", None)
    return {
        "scope": result.scope.slug,
        "period": None if result.span else result.dataset.period,
        "latest": span_json(result),
        "series": result.dataset.series,
        "compare": result.previous.period if result.previous else None,
        "segment": segment,
        "view": result.scheme.key,
        "measure": result.measure,  # the column the rows are ranked by (coverage_pct, attainment_pct, …)
        "rows": rows,
    }


@bp.get("/summary")
def summary_json():
    result = _result(DEFAULT_VIEW)
    return _stored(("summary.json", *result.key), lambda: _json_body(_summary_body(result)))


def _summary_body(result: CoverageResult) -> dict:
    return {
        "scope": result.scope.slug,
        "period": None if result.span else result.dataset.period,
        "latest": span_json(result),  # totals of a terbaru view add figures of different months
        "series": result.dataset.series,
        "is_sample": result.dataset.is_sample,
        **result.layer_totals,
    }


# Response plumbing: bodies kept in the cache as sent (identity, brotli, gzip) and answered with ETag/304.
def _json_body(body: dict) -> StoredBody:
    return store_body(current_app.json.dumps(body), "application/json")


def _stored(key: tuple, make: Callable[[], StoredBody]) -> Response:
    return stored_response(get_resources().cache.get_or_make(key, make))


@bp.get("/search-terms")
def search_terms():
    """The search terms beyond their names of a scope's districts (web.rendering.scope_search_terms), fetched by the
    search box on its first use. Revalidated on every use: its ETag changes when an alias is saved on any instance."""
    resources = get_resources()
    scope = get_scope(resources.scopes, request.args.get("scope") or default_scope(resources.scopes))
    key = ("search-terms", scope.slug, aliases_stamp(resources))
    response = _stored(key, lambda: _json_body(scope_search_terms(resources, scope)))
    response.cache_control.no_cache = True
    return response


@bp.get("/district/<code>")
def district_json(code: str):
    series = parse_series(request.args)  # another series answers 400, as the district page does, never the main one
    resources = get_resources()
    history = district_history(resources, code, series)  # an unknown code answers 404 before anything is cached
    key = ("district-json", *history_key(resources, code, series))
    return _stored(key, lambda: store_body(current_app.json.dumps(history), "application/json"))


def _download_name(result: CoverageResult, extension: str) -> str:
    compare = f"-vs-{result.previous.period}" if result.previous else ""
    return f"peringkat-{result.scope.slug}-{result.dataset.period}{compare}.{extension}"


@bp.get("/ranking.csv")
def ranking_csv():
    result, _segment = _ranking_result()
    table = result.layer_ranking
    rows = table.astype(object).where(table.notna(), None).itertuples(index=False)
    return csv_response(list(table.columns), rows, _download_name(result, "csv"))


@bp.get("/ranking.xlsx")
def ranking_xlsx():
    result, _segment = _ranking_result()
    table = result.layer_ranking
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Peringkat")
    sheet.append(list(table.columns))
    for row in table.astype(object).where(table.notna(), None).itertuples(index=False):
        sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(
        buffer.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_download_name(result, "xlsx")}"'},
    )


@bp.get("/palettes")
def palettes():
    """Each scheme and palette checked for colour-vision deficiencies and greyscale print."""
    from geo.levels import with_palette
    from layers.colours import MIN_DELTA_E, check_palette

    result = []
    for scheme in get_resources().schemes.values():
        for palette in (None, *scheme.palettes):
            variant = with_palette(scheme, palette)
            checks = check_palette([lv.color for lv in variant.levels], [lv.key for lv in variant.levels])
            result.append(
                {
                    "scheme": scheme.key,
                    "palette": palette or "default",
                    "has_patterns": bool(scheme.patterns),
                    "checks": [
                        {"vision": c.vision, "min_delta_e": c.min_delta_e, "closest": list(c.closest), "ok": c.ok}
                        for c in checks
                    ],
                }
            )
    return jsonify({"min_delta_e": MIN_DELTA_E, "palettes": result})
