"""Each request's view of geo.results: the live versions read once (`live_snapshot`), each query resolved once
(`resolve_result`), both kept on `g`; and rows as plain records for JSON and templates.

Not a blueprint: blueprints import this, never each other. What a result holds and how it is made is geo.results.
"""

from __future__ import annotations

import json

import pandas as pd
from flask import g
from sqlalchemy.exc import OperationalError

from geo import results
from geo.query import MapQuery
from geo.results import CoverageResult, Snapshot
from geo.scopes import Scope
from geo.store import live_datasets
from web.resources import Resources


def live_snapshot(resources: Resources) -> Snapshot:
    """The live versions, read once per request (one query), so a publish in the middle of a request cannot
    give a page the map of one version and the table of the next."""
    if "peta_snapshot" not in g:
        try:
            resources.last_live = tuple(live_datasets(resources.engine))
        except OperationalError:
            if resources.last_live is None:
                raise
            # The database is down: keep the last good versions, so cached pages are still served.
        g.peta_snapshot = Snapshot(resources.last_live)
    return g.peta_snapshot


def resolve_result(resources: Resources, query: MapQuery) -> CoverageResult:
    """The result of a query over the live versions of this request (geo.results.resolve); raise QueryError (not
    found) for a period that is not live. A request resolves each query once."""
    return results.resolve(query, resources, live_snapshot(resources), g.setdefault("peta_results", {}))


def period_paths(resources: Resources, series: str, series_ids: tuple[int, ...]) -> dict[str, list[tuple[str, float]]]:
    """Every district's coverage over the live periods of a series in this request (for tooltips), cached."""
    return results.period_paths(resources, live_snapshot(resources), series, series_ids)


def period_counts(resources: Resources, scope: Scope, series: str) -> dict[str, int]:
    """How many districts of a scope each live period of a series holds a figure for (the period control says it)."""
    return results.period_counts(resources, live_snapshot(resources), scope, series)


def plain_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts: missing values None, numpy numbers Python numbers (for JSON and templates)."""
    return json.loads(frame.to_json(orient="records", force_ascii=False))
