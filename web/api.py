"""JSON, GeoJSON and CSV: the same joined result as the map, in other formats."""

from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, Response, jsonify, request

from geo.scopes import default_scope
from geo.store import live_datasets
from web.data import SERIES, CoverageView, resolve_view
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
    "level",
    "fill",
    "source",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _view() -> CoverageView:
    resources = get_resources()
    return resolve_view(resources, request.args.get("scope") or default_scope(resources.scopes), request.args)


def _records(view: CoverageView) -> list[dict]:
    table = view.joined[PROPERTIES].astype(object).where(view.joined[PROPERTIES].notna(), None)
    return table.to_dict("records")


def neutralise(value: object) -> object:
    """Keep spreadsheet software from reading a text cell as a formula."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


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
    body = get_resources().cache.get_or_make(("geojson", *view.key), lambda: _geojson_text(view))
    return Response(body, mimetype="application/geo+json")


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
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PROPERTIES)
    for record in _records(view):
        writer.writerow(["" if record[k] is None else neutralise(record[k]) for k in PROPERTIES])
    name = f"cakupan-{view.scope.slug}-{view.dataset.period}.csv"
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
