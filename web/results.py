"""One `CoverageResult` per (MapQuery, live dataset versions): every format only serialises it.

A request reads the live versions once (`live_snapshot`), resolves its query once (`resolve_result`), and the
result holds the district frame, the province frame, the table the ranking reads, the ranking and the totals,
each computed once. Results are cached whole by everything they depend on; a new dataset version changes the
key. Not a blueprint: blueprints import this, never each other.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property

import geopandas as gpd
import pandas as pd
from flask import g
from sqlalchemy.exc import OperationalError

from geo.capitals import read_capitals
from geo.compare import coverage_paths, leaders, province_frame, published_province_figures, ranking, summary
from geo.join import apply_levels, districts_in_scope, join_coverage
from geo.latest import Span, latest_records, span_of
from geo.levels import Scheme, with_palette
from geo.pace import paces_of, rule_of, with_track
from geo.scopes import Scope
from geo.store import DatasetInfo, live_datasets, pick_live, read_province_figures, read_records
from layers.choropleth import LabelAnchor, label_anchors
from web.query import DEFAULT_VIEW, LAYERS, TRACK_VIEW, MapQuery, Problem, QueryError
from web.resources import SHARED, Resources


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

    def dataset(self, series: str, period: str | None, field_name: str) -> DatasetInfo:
        """The live dataset of a query's period; raise QueryError (not found) listing the live periods."""
        live = self.live(series)
        if period is None and live:
            return live[0]
        for dataset in live:
            if dataset.period == period:
                return dataset
        raise QueryError(field_name, period or "", tuple(d.period for d in live), Problem.NOT_FOUND)


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


@dataclass(frozen=True, eq=False)
class CoverageResult:
    """Everything every format of one query shows, each number computed once (geo/ defines them).

    Shared by every query that asks for the same data (the language, or a period given or implied, does not
    change it), so it keeps no query.

    `districts` is every district of the scope under the query's levels (what the ranking table reads: ranked by
    the view's measure, in its levels); `table` the same districts under coverage levels (what totals and search
    read; the same frame when the query shows coverage); `provinces` the province layer built from province
    outlines, one row per province, ranked among the provinces shown (None on the district layer, which needs no
    province figures). The legend's counts and the labels' anchors are held here too; formats only put them into
    words.
    """

    scope: Scope
    layer: str
    dataset: DatasetInfo
    previous: DatasetInfo | None
    scheme: Scheme
    table_scheme: Scheme
    districts: gpd.GeoDataFrame
    table: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame | None
    figures_key: str = ""  # the published province figures a province layer was drawn from
    series_ids: tuple[int, ...] = ()  # every live version of the series: tooltips show the path over them
    # The terbaru view (geo.latest): the window in months and the span its figures cover; None for one period,
    # where `dataset` is the period shown (in the terbaru view it is the series' newest period, for its title).
    window: int | None = None
    span: Span | None = None
    # The table result (districts, coverage levels) when this is another view: a cache entry of its own.
    base: CoverageResult | None = field(default=None, metadata={SHARED: True})

    @property
    def joined(self) -> gpd.GeoDataFrame:
        """The frame of the unit the map shows: districts, or provinces on the province layer."""
        return self.provinces if self.provinces is not None else self.districts

    @property
    def key(self) -> tuple:
        """Everything a rendering of this result depends on (a dataset id changes on every publish)."""
        return result_key(
            self.scope,
            self.dataset,
            self.previous,
            self.scheme,
            self.layer,
            self.figures_key,
            self.series_ids,
            self.window,
        )

    @property
    def period_arg(self) -> str | None:
        """The `period` a link to this result carries: none for the terbaru view (the default)."""
        return None if self.window is not None else self.dataset.period

    @cached_property
    def for_table(self) -> CoverageResult:
        """The result the ranking table shows: the districts in this result's levels, ranked by its measure, with
        its totals (what `table_key` keys). On the district layer that is this result itself."""
        if self.provinces is None:
            return self
        table = replace(self, layer=LAYERS[0], provinces=None, figures_key="")
        table.__dict__["layer_ranking"] = self.ranking  # the same districts ranked the same way: ranked once
        return table

    @property
    def table_key(self) -> tuple:
        """The key of the table part (districts in the view's levels): what pages cache their table by."""
        return result_key(
            self.scope, self.dataset, self.previous, self.scheme, LAYERS[0], "", self.series_ids, self.window
        )

    @property
    def measure(self) -> str:
        """The column the map is coloured by and every ranking ranks by (the view's record declares it)."""
        return self.scheme.value

    @cached_property
    def ranking(self) -> pd.DataFrame:
        """The districts ranked by the view's measure, in the view's levels (the ranking table, slides): one
        measure per screen, whatever the layer."""
        if self.provinces is None:
            return self.layer_ranking
        return ranking(self.districts, self.measure)

    @cached_property
    def layer_ranking(self) -> pd.DataFrame:
        """The units the map shows ranked by the view's measure, in its levels (the ranking API and files); on the
        province layer, provinces ranked among provinces."""
        return ranking(self.joined, self.measure)

    @cached_property
    def leaders(self) -> dict[str, list[dict]]:
        """The best and worst five districts by the view's measure (the ranking panel's short lists)."""
        return leaders(self.ranking, self.measure)

    @cached_property
    def totals(self) -> dict:
        """Weighted totals, districts per coverage level, best and worst five, province and island totals."""
        return self.base.totals if self.base is not None else self.layer_totals

    @cached_property
    def layer_totals(self) -> dict:
        """The same totals counted in the query's levels over the units shown (the summary API)."""
        return summary(self.joined, _level_keys(self.scheme), self.layer_ranking)

    @cached_property
    def legend_counts(self) -> dict[str, int]:
        """The units the map shows per level of the query's levels: what every format's legend counts."""
        return {str(key): int(count) for key, count in self.joined["level"].value_counts().items()}

    @cached_property
    def label_anchors(self) -> tuple[LabelAnchor, ...]:
        """Where each unit's label goes on a map labelled by unit, and in what order labels claim space (province
        capitals, then units with a value): the geometry work of labels, done once for every language and format."""
        capitals = self.joined["code"].isin(read_capitals()).tolist()
        return label_anchors(self.joined, first=self.joined[self.scheme.value].notna().tolist(), capitals=capitals)


def _level_keys(scheme: Scheme) -> list[str]:
    return [level.key for level in scheme.levels] + [scheme.no_data.key]


def result_key(
    scope: Scope,
    dataset: DatasetInfo,
    previous: DatasetInfo | None,
    scheme: Scheme,
    layer: str,
    figures_key: str,
    series_ids: tuple[int, ...],
    window: int | None = None,
) -> tuple:
    """The cache key of a result: a terbaru view (window in months) reads every live version of the series."""
    previous_id = previous.id if previous else None
    return (scope.slug, dataset.id, previous_id, scheme.key, layer, figures_key, series_ids, window)


def resolve_result(resources: Resources, query: MapQuery) -> CoverageResult:
    """The result of a query over the live versions of this request, from the cache or joined once;
    raise QueryError (not found) for a period that is not live. A request resolves each query once."""
    resolved = g.setdefault("peta_results", {})
    if query not in resolved:
        resolved[query] = _resolve(resources, query)
    return resolved[query]


def _resolve(resources: Resources, query: MapQuery) -> CoverageResult:
    scope = resources.scopes[query.scope]
    snapshot = live_snapshot(resources)
    dataset = snapshot.dataset(query.series, query.period, "period")  # the newest period in the terbaru view
    previous = snapshot.dataset(query.series, query.compare, "compare") if query.compare else None
    scheme = with_palette(resources.schemes[query.view], query.palette)
    table_scheme = resources.schemes[DEFAULT_VIEW]
    figures = earlier_figures = None
    figures_key = ""
    series_ids = tuple(d.id for d in snapshot.live(query.series))
    if query.layer == "provinsi":  # province figures are read only for the province layer
        figures = (
            latest_province_figures(resources, query.series, query.window)
            if query.latest
            else province_figures(resources, dataset)
        )
        earlier_figures = province_figures(resources, previous) if previous else None
        figures_key = hashlib.sha256(pd.concat([figures, earlier_figures]).to_json().encode()).hexdigest()[:16]

    # Another view or layer of the same data shares the table result: one join, one ranking, one set of totals.
    base = None if query == query.table() else resolve_result(resources, query.table())

    def make() -> CoverageResult:
        districts = districts_in_scope(resources.boundaries.districts, scope)
        before = dataset_records(resources, previous) if previous else None
        if base is None:
            records = (
                latest_figures(resources, query.series, series_ids, query.window)
                if query.latest
                else dataset_records(resources, dataset)
            )
            table = with_pace(resources, query, join_coverage(districts, records, dataset.period, table_scheme, before))
        else:
            table = base.table
        shown = table if scheme.key == table_scheme.key else apply_levels(table, scheme)
        provinces = None
        if query.layer == "provinsi":
            earlier = (join_coverage(districts, before, previous.period, scheme), earlier_figures) if previous else None
            provinces = province_frame(resources.boundaries.provinces, shown, figures, earlier)
            provinces = apply_levels(with_province_pace(resources, query, districts, provinces, dataset), scheme)
        result = CoverageResult(
            scope,
            query.layer,
            dataset,
            previous,
            scheme,
            table_scheme,
            shown,
            table,
            provinces,
            figures_key,
            series_ids,
            query.window,
            span_of(table, query.window, dataset.period) if query.latest else None,
            base,
        )
        # Made now, not on first use, so the cache counts them with the result (a page reads both anyway).
        result.ranking, result.totals  # noqa: B018
        return result

    key = result_key(scope, dataset, previous, scheme, query.layer, figures_key, series_ids, query.window)
    return resources.cache.get_or_make(("result", *key), make)


def with_pace(resources: Resources, query: MapQuery, table: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The table with each district's pace, projection and status (geo.pace) as of the figure shown, from its path
    over the live periods of the series: every view's table, ranking and files carry them; the jalur view is
    coloured by them."""
    current = table.loc[table["coverage_pct"].notna(), ["code", "period", "coverage_pct", "target_pct", "target_year"]]
    paths = period_paths(resources, query.series, tuple(d.id for d in live_snapshot(resources).live(query.series)))
    return with_track(table, paces_of(paths, current, pace_rule(resources)))


def with_province_pace(
    resources: Resources, query: MapQuery, districts: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame, dataset
) -> gpd.GeoDataFrame:
    """The province layer with each province's pace (geo.pace) from its own value in every live period: its
    published figure, or Σ participants ÷ Σ employed of its districts where they hold ≥ 80% of its employed (the
    value the province layer shows for that period, geo.compare.province_frame); the same rule as a district's."""
    current = provinces.loc[provinces["coverage_pct"].notna(), ["code", "coverage_pct", "target_pct", "target_year"]]
    current = current.assign(period=dataset.period)
    paths = province_paths(resources, query.series, districts)
    return with_track(provinces, paces_of(paths, current, pace_rule(resources)))


def province_paths(resources: Resources, series: str, districts: gpd.GeoDataFrame) -> dict[str, list]:
    """Every province's value over the live periods of a series, by province code, cached by versions and scope."""
    datasets = live_snapshot(resources).live(series)
    codes = tuple(districts["kode"]) if "kode" in districts else tuple(districts["code"])

    def make() -> dict[str, list]:
        paths: dict[str, list] = {}
        scheme = resources.schemes[DEFAULT_VIEW]
        for d in sorted(datasets, key=lambda d: d.period):
            joined = join_coverage(districts, dataset_records(resources, d), d.period, scheme)
            frame = province_frame(resources.boundaries.provinces, joined, province_figures(resources, d))
            for code, value in zip(frame["code"], frame["coverage_pct"], strict=True):
                if not pd.isna(value):
                    paths.setdefault(str(code), []).append((d.period, float(value)))
        return paths

    key = hashlib.sha256(repr(codes).encode()).hexdigest()[:12]
    return resources.cache.get_or_make(("province-paths", series, tuple(d.id for d in datasets), key), make)


def pace_rule(resources: Resources):
    """The pace rule whose thresholds are the jalur view's levels (data/levels.json)."""
    return rule_of(resources.schemes[TRACK_VIEW])


def dataset_records(resources: Resources, dataset: DatasetInfo) -> pd.DataFrame:
    """A dataset version's records, read once (a version never changes)."""
    return resources.cache.get_or_make(("records", dataset.id), lambda: read_records(resources.engine, dataset.id))


def latest_figures(resources: Resources, series: str, series_ids: tuple[int, ...], window: int) -> pd.DataFrame:
    """Each district's latest figure over the live periods of a series (geo.latest), cached by versions and window."""

    def make() -> pd.DataFrame:
        datasets = live_snapshot(resources).live(series)
        return latest_records([(d.period, dataset_records(resources, d)) for d in datasets], window)

    return resources.cache.get_or_make(("latest", series, series_ids, window), make)


def latest_province_figures(resources: Resources, series: str, window: int) -> pd.DataFrame:
    """Each province's latest published figure over the live periods of a series; older than the window, none.
    Read on every request, as a period's figures are (they are part of the key: bundled figures change apart
    from versions)."""
    datasets = live_snapshot(resources).live(series)
    latest = latest_records([(d.period, province_figures(resources, d)) for d in datasets], window)
    return latest.loc[~latest["stale"].astype(bool)].drop(columns=["period", "stale", "stale_coverage_pct"])


def period_counts(resources: Resources, scope: Scope, series: str) -> dict[str, int]:
    """How many districts of a scope each live period of a series holds a figure for (the period control says it)."""
    codes = set(districts_in_scope(resources.boundaries.districts, scope)["kode"])
    counts = {}
    for dataset in live_snapshot(resources).live(series):
        records = dataset_records(resources, dataset)
        counts[dataset.period] = int((records["code"].isin(codes) & records["coverage_pct"].notna()).sum())
    return counts


def province_figures(resources: Resources, dataset: DatasetInfo) -> pd.DataFrame:
    """The province figures of a dataset's period: uploaded with the version, over the bundled ones."""
    provinces = resources.boundaries.provinces
    names = dict(zip(provinces["kode_prov"], provinces["provinsi"], strict=True))
    bundled = read_province_figures(resources.engine, dataset.series, dataset.period)
    return published_province_figures(bundled, dataset_records(resources, dataset), names)


def period_paths(resources: Resources, series: str, series_ids: tuple[int, ...]) -> dict[str, list[tuple[str, float]]]:
    """Every district's coverage over all live periods of a series (for tooltips), cached."""

    def make() -> dict[str, list[tuple[str, float]]]:
        datasets = live_snapshot(resources).live(series)
        return coverage_paths([(d.period, dataset_records(resources, d)) for d in datasets])

    return resources.cache.get_or_make(("paths", series, series_ids), make)


def plain_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts: missing values None, numpy numbers Python numbers (for JSON and templates)."""
    return json.loads(frame.to_json(orient="records", force_ascii=False))
