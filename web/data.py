"""Resolve a request's scope, series, period, comparison, view and layer into one joined result.

Every format (map, table, CSV, GeoJSON, summaries) takes this one result, so no format computes its own
numbers. Results are cached by everything they depend on; a new dataset version changes the key.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from flask import g
from sqlalchemy.exc import OperationalError

from geo.compare import coverage_paths, province_frame, published_province_figures, ranking, summary
from geo.join import apply_levels, districts_in_scope, join_coverage
from geo.levels import Scheme, UnknownScheme, get_scheme, with_palette
from geo.scopes import Scope, get_scope
from geo.segments import VIEW_COLUMNS, segment_ranking
from geo.store import (
    MAIN_SERIES,
    SAMPLE_SERIES,
    DatasetInfo,
    UnknownPeriod,
    live_datasets,
    pick_live,
    read_province_figures,
    read_records,
)
from web.resources import Resources

SERIES = (MAIN_SERIES, SAMPLE_SERIES)
LAYERS = ("kabupaten", "provinsi")
DEFAULT_VIEW = "cakupan"
CHANGE_VIEW = "perubahan"


@dataclass(frozen=True)
class Snapshot:
    """The live dataset versions at one moment: every part of one page reads them from here."""

    datasets: tuple[DatasetInfo, ...]

    def live(self, series: str) -> list[DatasetInfo]:
        """The live dataset of every period of a series, newest period first."""
        return [d for d in self.datasets if d.series == series]

    def find(self, series: str, period: str | None) -> DatasetInfo:
        """The live dataset of a period (the latest when period is None); raise UnknownPeriod."""
        return pick_live(self.live(series), series, period)


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


@dataclass(frozen=True)
class CoverageView:
    scope: Scope
    dataset: DatasetInfo
    previous: DatasetInfo | None
    scheme: Scheme
    layer: str
    joined: gpd.GeoDataFrame
    figures_key: str = ""  # the published province figures a province layer was drawn from
    series_ids: tuple[int, ...] = ()  # every live version of the series: tooltips show the path over them

    @property
    def key(self) -> tuple:
        """Everything a rendering of this view depends on (a dataset id changes on every publish)."""
        previous = self.previous.id if self.previous else None
        return (
            self.scope.slug,
            self.dataset.id,
            previous,
            self.scheme.key,
            self.layer,
            self.figures_key,
            self.series_ids,
        )


def _period(args: Mapping[str, str], name: str) -> str | None:
    value = args.get(name) or None
    if value is not None and not re.fullmatch(r"\d{4}-\d{2}", value):
        raise UnknownPeriod(f"Periode '{value}' tidak berbentuk TTTT-BB (mis. 2025-10).")
    return value


def resolve_view(resources: Resources, scope_key: str, args: Mapping[str, str]) -> CoverageView:
    """Return the joined coverage of a scope; raise UnknownScope/UnknownPeriod/UnknownScheme."""
    scope = get_scope(resources.scopes, scope_key)
    series = args.get("series") or MAIN_SERIES
    if series not in SERIES:
        raise UnknownPeriod(f"Seri data '{series}' tidak ada. Pilihan: {', '.join(SERIES)}.")
    layer = args.get("layer") or LAYERS[0]
    if layer not in LAYERS:
        raise UnknownPeriod(f"Lapisan '{layer}' tidak ada. Pilihan: {', '.join(LAYERS)}.")
    snapshot = live_snapshot(resources)
    dataset = snapshot.find(series, _period(args, "period"))
    compare = _period(args, "compare")
    previous = snapshot.find(series, compare) if compare else None
    scheme = get_scheme(resources.schemes, args.get("view") or (CHANGE_VIEW if previous else DEFAULT_VIEW))
    scheme = with_palette(scheme, args.get("palette") or None)
    figures = earlier_figures = None
    figures_key = ""
    if layer == "provinsi":  # province figures are read only for the province layer
        figures = province_figures(resources, dataset)
        earlier_figures = province_figures(resources, previous) if previous else None
        figures_key = hashlib.sha256(pd.concat([figures, earlier_figures]).to_json().encode()).hexdigest()[:16]
    key = (scope.slug, dataset.id, previous.id if previous else None, scheme.key, layer, figures_key)

    def make() -> gpd.GeoDataFrame:
        districts = districts_in_scope(resources.boundaries.districts, scope)
        before = read_records(resources.engine, previous.id) if previous else None
        joined = join_coverage(districts, read_records(resources.engine, dataset.id), dataset.period, scheme, before)
        if layer == "kabupaten":
            return joined
        earlier = (join_coverage(districts, before, previous.period, scheme), earlier_figures) if previous else None
        return apply_levels(province_frame(resources.boundaries.provinces, joined, figures, earlier), scheme)

    joined = resources.cache.get_or_make(("join", *key), make)
    series_ids = tuple(d.id for d in snapshot.live(series))
    return CoverageView(scope, dataset, previous, scheme, layer, joined, figures_key, series_ids)


def period_paths(resources: Resources, view: CoverageView) -> dict[str, list[tuple[str, float]]]:
    """Every district's coverage over all live periods of the view's series (for tooltips), cached."""

    def make() -> dict[str, list[tuple[str, float]]]:
        datasets = live_snapshot(resources).live(view.dataset.series)
        return coverage_paths([(d.period, read_records(resources.engine, d.id)) for d in datasets])

    return resources.cache.get_or_make(("paths", view.dataset.series, view.series_ids), make)


def dataset_records(resources: Resources, dataset: DatasetInfo) -> pd.DataFrame:
    """A dataset version's records, read once (a version never changes)."""
    return resources.cache.get_or_make(("records", dataset.id), lambda: read_records(resources.engine, dataset.id))


def province_figures(resources: Resources, dataset: DatasetInfo) -> pd.DataFrame:
    """The province figures of a dataset's period: uploaded with the version, over the bundled ones."""
    provinces = resources.boundaries.provinces
    names = dict(zip(provinces["kode_prov"], provinces["provinsi"], strict=True))
    bundled = read_province_figures(resources.engine, dataset.series, dataset.period)
    return published_province_figures(bundled, dataset_records(resources, dataset), names)


def table_view(resources: Resources, scope_key: str, args: Mapping[str, str]) -> CoverageView:
    """The view tables and totals use: districts ranked by coverage, whatever the map colours by."""
    return resolve_view(resources, scope_key, {**args, "layer": "kabupaten", "view": DEFAULT_VIEW, "palette": ""})


def ranking_table(resources: Resources, view: CoverageView, by: str | None = None) -> pd.DataFrame:
    """The ranking of a view, cached with it: by coverage, or by a segment view's share (`by`: pu, bpu, jakon,
    pmi, pembiayaan; raise UnknownScheme for another)."""
    if not by:
        return resources.cache.get_or_make(("ranking", *view.key), lambda: ranking(view.joined))
    if by not in VIEW_COLUMNS:
        raise UnknownScheme(f"Segmen '{by}' tidak ada. Pilihan: {', '.join(VIEW_COLUMNS)}.")
    return resources.cache.get_or_make(("ranking", by, *view.key), lambda: segment_ranking(view.joined, by))


def scope_summary(resources: Resources, view: CoverageView) -> dict:
    """Weighted totals, level counts, best and worst five, and province totals of a view, cached with it."""
    keys = [level.key for level in view.scheme.levels] + [view.scheme.no_data.key]
    return resources.cache.get_or_make(("summary", *view.key), lambda: summary(view.joined, keys))


def plain_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts: missing values None, numpy numbers Python numbers (for JSON and templates)."""
    return json.loads(frame.to_json(orient="records", force_ascii=False))
