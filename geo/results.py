"""One `CoverageResult` per (MapQuery, live dataset versions): every format only serialises it.

`resolve(query, source, snapshot)` turns a query and the live versions of one moment (`Snapshot`) into a result
that holds the district frame, the province frame, the table the ranking reads, the ranking and the totals, each
computed once. Results are cached whole (in the source's cache) by everything they depend on; a new dataset version
changes the key. No Flask: the web reads the snapshot once per request and keeps each request's results
(web.results).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Protocol, TypeVar

import geopandas as gpd
import pandas as pd
from sqlalchemy.engine import Engine

from geo.anchors import LabelAnchor, label_anchors
from geo.boundaries import Boundaries
from geo.capitals import read_capitals
from geo.compare import coverage_paths, leaders, province_frame, published_province_figures, ranking, summary
from geo.join import apply_levels, districts_in_scope, join_coverage
from geo.latest import Span, latest_records, span_of
from geo.levels import Scheme, with_palette
from geo.pace import PaceRule, paces_of, rule_of, with_track
from geo.query import DEFAULT_VIEW, LAYERS, TRACK_VIEW, MapQuery, Problem, QueryError
from geo.scopes import Scope
from geo.store import DatasetInfo, pick_live, read_province_figures, read_records

T = TypeVar("T")
# A dataclass field holding another cache entry (e.g. the table result a view shares) says so in its metadata:
# `field(metadata={SHARED: True})`; the cache's size count (web.resources.size_of) does not count it again.
SHARED = "peta_cache_shared"


class Cache(Protocol):
    """A cache of values by everything they depend on (web.resources.LRUCache is one)."""

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T: ...


class Source(Protocol):
    """What resolving reads besides the snapshot: the database, the prepared boundaries, the level schemes, the
    scopes and the cache results are kept in (web.resources.Resources is one)."""

    engine: Engine
    boundaries: Boundaries
    schemes: dict[str, Scheme]
    scopes: dict[str, Scope]
    cache: Cache


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


def resolve(
    query: MapQuery, source: Source, snapshot: Snapshot, memo: dict[MapQuery, CoverageResult] | None = None
) -> CoverageResult:
    """The result of a query over a snapshot's versions, from the cache or joined once; raise QueryError (not
    found) for a period that is not live. `memo` keeps the results resolved so far (the web keeps one per
    request): the table query a view shares is resolved once, and figures read outside the cache read once."""
    memo = {} if memo is None else memo
    if query not in memo:
        memo[query] = _resolve(query, source, snapshot, memo)
    return memo[query]


def _resolve(query: MapQuery, source: Source, snapshot: Snapshot, memo: dict) -> CoverageResult:
    scope = source.scopes[query.scope]
    dataset = snapshot.dataset(query.series, query.period, "period")  # the newest period in the terbaru view
    previous = snapshot.dataset(query.series, query.compare, "compare") if query.compare else None
    scheme = with_palette(source.schemes[query.view], query.palette)
    table_scheme = source.schemes[DEFAULT_VIEW]
    figures = earlier_figures = None
    figures_key = ""
    series_ids = tuple(d.id for d in snapshot.live(query.series))
    if query.layer == "provinsi":  # province figures are read only for the province layer
        figures = (
            latest_province_figures(source, snapshot, query.series, query.window)
            if query.latest
            else province_figures(source, dataset)
        )
        earlier_figures = province_figures(source, previous) if previous else None
        figures_key = hashlib.sha256(pd.concat([figures, earlier_figures]).to_json().encode()).hexdigest()[:16]

    # Another view or layer of the same data shares the table result: one join, one ranking, one set of totals.
    base = None if query == query.table() else resolve(query.table(), source, snapshot, memo)

    def make() -> CoverageResult:
        districts = districts_in_scope(source.boundaries.districts, scope)
        before = dataset_records(source, previous) if previous else None
        if base is None:
            records = (
                latest_figures(source, snapshot, query.series, series_ids, query.window)
                if query.latest
                else dataset_records(source, dataset)
            )
            table = with_pace(
                source, snapshot, query, join_coverage(districts, records, dataset.period, table_scheme, before)
            )
        else:
            table = base.table
        shown = table if scheme.key == table_scheme.key else apply_levels(table, scheme)
        provinces = None
        if query.layer == "provinsi":
            # the earlier period gives only coverage (the change), joined in the coverage view: a view that needs
            # more than the join (jalur's pace) has no such columns for it
            earlier = (
                (join_coverage(districts, before, previous.period, table_scheme), earlier_figures) if previous else None
            )
            provinces = province_frame(source.boundaries.provinces, shown, figures, earlier)
            provinces = apply_levels(with_province_pace(source, snapshot, query, districts, provinces, dataset), scheme)
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
    return source.cache.get_or_make(("result", *key), make)


def with_pace(source: Source, snapshot: Snapshot, query: MapQuery, table: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The table with each district's pace, projection and status (geo.pace) as of the figure shown, from its path
    over the live periods of the series: every view's table, ranking and files carry them; the jalur view is
    coloured by them."""
    current = table.loc[table["coverage_pct"].notna(), ["code", "period", "coverage_pct", "target_pct", "target_year"]]
    paths = period_paths(source, snapshot, query.series, tuple(d.id for d in snapshot.live(query.series)))
    return with_track(table, paces_of(paths, current, pace_rule(source)))


def with_province_pace(
    source: Source,
    snapshot: Snapshot,
    query: MapQuery,
    districts: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame,
    dataset,
) -> gpd.GeoDataFrame:
    """The province layer with each province's pace (geo.pace) from its own value in every live period: its
    published figure, or Σ participants ÷ Σ employed of its districts where they hold ≥ 80% of its employed (the
    value the province layer shows for that period, geo.compare.province_frame); the same rule as a district's."""
    current = provinces.loc[provinces["coverage_pct"].notna(), ["code", "coverage_pct", "target_pct", "target_year"]]
    current = current.assign(period=dataset.period)
    paths = province_paths(source, snapshot, query.series, districts)
    return with_track(provinces, paces_of(paths, current, pace_rule(source)))


def province_paths(source: Source, snapshot: Snapshot, series: str, districts: gpd.GeoDataFrame) -> dict[str, list]:
    """Every province's value over the live periods of a series, by province code, cached by versions and scope."""
    datasets = snapshot.live(series)
    codes = tuple(districts["kode"]) if "kode" in districts else tuple(districts["code"])

    def make() -> dict[str, list]:
        paths: dict[str, list] = {}
        scheme = source.schemes[DEFAULT_VIEW]
        for d in sorted(datasets, key=lambda d: d.period):
            joined = join_coverage(districts, dataset_records(source, d), d.period, scheme)
            frame = province_frame(source.boundaries.provinces, joined, province_figures(source, d))
            for code, value in zip(frame["code"], frame["coverage_pct"], strict=True):
                if not pd.isna(value):
                    paths.setdefault(str(code), []).append((d.period, float(value)))
        return paths

    key = hashlib.sha256(repr(codes).encode()).hexdigest()[:12]
    return source.cache.get_or_make(("province-paths", series, tuple(d.id for d in datasets), key), make)


def pace_rule(source: Source) -> PaceRule:
    """The pace rule whose thresholds are the jalur view's levels (data/levels.json)."""
    return rule_of(source.schemes[TRACK_VIEW])


def dataset_records(source: Source, dataset: DatasetInfo) -> pd.DataFrame:
    """A dataset version's records, read once (a version never changes)."""
    return source.cache.get_or_make(("records", dataset.id), lambda: read_records(source.engine, dataset.id))


def latest_figures(
    source: Source, snapshot: Snapshot, series: str, series_ids: tuple[int, ...], window: int
) -> pd.DataFrame:
    """Each district's latest figure over the live periods of a series (geo.latest), cached by versions and window."""

    def make() -> pd.DataFrame:
        datasets = snapshot.live(series)
        return latest_records([(d.period, dataset_records(source, d)) for d in datasets], window)

    return source.cache.get_or_make(("latest", series, series_ids, window), make)


def latest_province_figures(source: Source, snapshot: Snapshot, series: str, window: int) -> pd.DataFrame:
    """Each province's latest published figure over the live periods of a series; older than the window, none.
    Read on every request, as a period's figures are (they are part of the key: bundled figures change apart
    from versions)."""
    datasets = snapshot.live(series)
    latest = latest_records([(d.period, province_figures(source, d)) for d in datasets], window)
    return latest.loc[~latest["stale"].astype(bool)].drop(columns=["period", "stale", "stale_coverage_pct"])


def period_counts(source: Source, snapshot: Snapshot, scope: Scope, series: str) -> dict[str, int]:
    """How many districts of a scope each live period of a series holds a figure for (the period control says it)."""
    codes = set(districts_in_scope(source.boundaries.districts, scope)["kode"])
    counts = {}
    for dataset in snapshot.live(series):
        records = dataset_records(source, dataset)
        counts[dataset.period] = int((records["code"].isin(codes) & records["coverage_pct"].notna()).sum())
    return counts


def province_figures(source: Source, dataset: DatasetInfo) -> pd.DataFrame:
    """The province figures of a dataset's period: uploaded with the version, over the bundled ones."""
    provinces = source.boundaries.provinces
    names = dict(zip(provinces["kode_prov"], provinces["provinsi"], strict=True))
    bundled = read_province_figures(source.engine, dataset.series, dataset.period)
    return published_province_figures(bundled, dataset_records(source, dataset), names)


def period_paths(
    source: Source, snapshot: Snapshot, series: str, series_ids: tuple[int, ...]
) -> dict[str, list[tuple[str, float]]]:
    """Every district's coverage over all live periods of a series (for tooltips), cached."""

    def make() -> dict[str, list[tuple[str, float]]]:
        datasets = snapshot.live(series)
        return coverage_paths([(d.period, dataset_records(source, d)) for d in datasets])

    return source.cache.get_or_make(("paths", series, series_ids), make)
