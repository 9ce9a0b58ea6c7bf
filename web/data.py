"""Resolve a request's scope, series, period and view into one joined result that every format shares."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd

from geo.join import districts_in_scope, join_coverage
from geo.levels import Scheme, get_scheme
from geo.scopes import Scope, get_scope
from geo.store import MAIN_SERIES, SAMPLE_SERIES, DatasetInfo, UnknownPeriod, find_live, read_records
from web.resources import Resources

SERIES = (MAIN_SERIES, SAMPLE_SERIES)
DEFAULT_VIEW = "cakupan"


@dataclass(frozen=True)
class CoverageView:
    scope: Scope
    dataset: DatasetInfo
    scheme: Scheme
    joined: gpd.GeoDataFrame

    @property
    def key(self) -> tuple:
        """Everything a rendering of this view depends on (the dataset id changes on every publish)."""
        return (self.scope.slug, self.dataset.id, self.scheme.key)


def resolve_view(resources: Resources, scope_key: str, args: Mapping[str, str]) -> CoverageView:
    """Return the joined coverage of a scope; raise UnknownScope/UnknownPeriod/UnknownScheme."""
    scope = get_scope(resources.scopes, scope_key)
    series = args.get("series") or MAIN_SERIES
    if series not in SERIES:
        raise UnknownPeriod(f"Seri data '{series}' tidak ada. Pilihan: {', '.join(SERIES)}.")
    period = args.get("period") or None
    if period is not None and not re.fullmatch(r"\d{4}-\d{2}", period):
        raise UnknownPeriod(f"Periode '{period}' tidak berbentuk TTTT-BB (mis. 2025-10).")
    dataset = find_live(resources.engine, series, period)
    scheme = get_scheme(resources.schemes, args.get("view") or DEFAULT_VIEW)

    def make() -> gpd.GeoDataFrame:
        districts = districts_in_scope(resources.boundaries.districts, scope)
        return join_coverage(districts, read_records(resources.engine, dataset.id), dataset.period, scheme)

    joined = resources.cache.get_or_make(("join", scope.slug, dataset.id, scheme.key), make)
    return CoverageView(scope, dataset, scheme, joined)
