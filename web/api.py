"""JSON, GeoJSON and CSV: the same joined result as the map, in other formats."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from flask import Blueprint, Response, current_app, jsonify, request
from openpyxl import Workbook

from geo.scopes import default_scope
from geo.segments import segment_columns_of
from geo.store import live_datasets
from web.data import DEFAULT_VIEW, SERIES, CoverageView, plain_records, ranking_table, resolve_view, scope_summary
from web.districts import district_history
from web.encoding import StoredBody, store_body, stored_response
from web.resources import get_resources

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
    "level",
    "fill",
    "source",
    "as_of",
    "origin_version",
    "origin_dataset_id",
    "origin_draft_id",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _view(default_view: str | None = None) -> CoverageView:
    """The request's view; tables ask for coverage levels even when a comparison period is given."""
    resources = get_resources()
    args = request.args.to_dict()
    if default_view and not args.get("view"):
        args["view"] = default_view
    return resolve_view(resources, args.get("scope") or default_scope(resources.scopes), args)


def _properties(view: CoverageView) -> list[str]:
    """The columns every format gives; the province layer adds how each value was found (`basis`), data with
    segments their counts, shares and budgets (geo.segments)."""
    return PROPERTIES + [c for c in ("basis",) if c in view.joined] + segment_columns_of(view.joined)


def _records(view: CoverageView) -> list[dict]:
    columns = _properties(view)
    table = view.joined[columns].astype(object).where(view.joined[columns].notna(), None)
    return table.to_dict("records")


def neutralise(value: object) -> object:
    """Keep spreadsheet software from reading a text cell as a formula."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def csv_response(columns: list[str], rows, filename: str) -> Response:
    """A CSV download (UTF-8 with BOM, so Excel reads it) with formula-like text neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if value is None else neutralise(value) for value in row])
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


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
    view = _view()
    return _stored(("geojson", *view.key), lambda: store_body(_geojson_text(view), "application/geo+json"))


def _geojson_text(view: CoverageView) -> str:
    geometries = json.loads(view.joined.geometry.to_json(drop_id=True))["features"]
    features = [
        {"type": "Feature", "properties": props, "geometry": geo["geometry"]}
        for props, geo in zip(_records(view), geometries, strict=True)
    ]
    body = {
        "type": "FeatureCollection",
        "scope": view.scope.slug,
        "period": view.dataset.period,
        "series": view.dataset.series,
        "dataset_version": view.dataset.version,
        "is_sample": view.dataset.is_sample,
        "features": features,
    }
    return json.dumps(body, ensure_ascii=False)


@bp.get("/coverage.csv")
def coverage_csv():
    view = _view()
    columns = _properties(view)
    rows = ([record[k] for k in columns] for record in _records(view))
    return csv_response(columns, rows, f"cakupan-{view.scope.slug}-{view.dataset.period}.csv")


@bp.get("/ranking")
def ranking_json():
    view = _view(DEFAULT_VIEW)
    segment = request.args.get("segment") or None
    return _stored(("ranking.json", *view.key, segment), lambda: _json_body(_ranking_body(view, segment)))


def _ranking_body(view: CoverageView, segment: str | None) -> dict:
    rows = plain_records(ranking_table(get_resources(), view, segment))
    if view.previous is None:
        for row in rows:
            row.pop("previous_coverage_pct", None)
            row.pop("change_pct_points", None)
    return {
        "scope": view.scope.slug,
        "period": view.dataset.period,
        "series": view.dataset.series,
        "compare": view.previous.period if view.previous else None,
        "segment": segment,
        "rows": rows,
    }


@bp.get("/summary")
def summary_json():
    view = _view(DEFAULT_VIEW)
    return _stored(("summary.json", *view.key), lambda: _json_body(_summary_body(view)))


def _summary_body(view: CoverageView) -> dict:
    return {
        "scope": view.scope.slug,
        "period": view.dataset.period,
        "series": view.dataset.series,
        "is_sample": view.dataset.is_sample,
        **scope_summary(get_resources(), view),
    }


# Response plumbing: bodies kept in the cache as sent (identity, brotli, gzip) and answered with ETag/304.
def _json_body(body: dict) -> StoredBody:
    return store_body(current_app.json.dumps(body), "application/json")


def _stored(key: tuple, make: Callable[[], StoredBody]) -> Response:
    return stored_response(get_resources().cache.get_or_make(key, make))


@bp.get("/district/<code>")
def district_json(code: str):
    series = request.args.get("series") or SERIES[0]
    if series not in SERIES:
        series = SERIES[0]
    return jsonify(district_history(get_resources(), code, series))


def _download_name(view: CoverageView, extension: str) -> str:
    compare = f"-vs-{view.previous.period}" if view.previous else ""
    return f"peringkat-{view.scope.slug}-{view.dataset.period}{compare}.{extension}"


@bp.get("/ranking.csv")
def ranking_csv():
    view = _view(DEFAULT_VIEW)
    table = ranking_table(get_resources(), view, request.args.get("segment"))
    rows = table.astype(object).where(table.notna(), None).itertuples(index=False)
    return csv_response(list(table.columns), rows, _download_name(view, "csv"))


@bp.get("/ranking.xlsx")
def ranking_xlsx():
    view = _view(DEFAULT_VIEW)
    table = ranking_table(get_resources(), view, request.args.get("segment"))
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
        headers={"Content-Disposition": f'attachment; filename="{_download_name(view, "xlsx")}"'},
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
