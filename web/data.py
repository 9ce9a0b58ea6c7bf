"""The views web/maps.py and web/rendering.py read today, as thin wrappers over web.query and web.results.

New code parses a `MapQuery` and reads one `CoverageResult` (web.results); these names stay importable with
their old behaviour until every caller reads the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.compare import ranking, summary
from geo.levels import Scheme, UnknownScheme
from geo.scopes import Scope
from geo.segments import VIEW_COLUMNS, segment_ranking
from geo.store import DatasetInfo
from web import results
from web.query import CHANGE_VIEW, DEFAULT_VIEW, LAYERS, SERIES, MapQuery
from web.resources import Resources
from web.results import CoverageResult, Snapshot, dataset_records, live_snapshot, plain_records, province_figures

__all__ = [
    "CHANGE_VIEW",
    "DEFAULT_VIEW",
    "LAYERS",
    "SERIES",
    "CoverageView",
    "Snapshot",
    "dataset_records",
    "live_snapshot",
    "period_paths",
    "plain_records",
    "province_figures",
    "ranking_table",
    "resolve_view",
    "scope_summary",
    "view_of",
]


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
    # The result this view shows (and whether it is its table): rankings and totals are read from it.
    result: CoverageResult | None = field(default=None, compare=False, repr=False)
    is_table: bool = field(default=False, compare=False, repr=False)

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


def view_of(result: CoverageResult, table: bool = False) -> CoverageView:
    """The map's view of a result, or (`table`) its table: districts in coverage levels."""
    if table:
        scheme, layer, frame, figures_key = result.table_scheme, LAYERS[0], result.table, ""
    else:
        scheme, layer, frame, figures_key = result.scheme, result.layer, result.joined, result.figures_key
    return CoverageView(
        result.scope,
        result.dataset,
        result.previous,
        scheme,
        layer,
        frame,
        figures_key,
        result.series_ids,
        result,
        table,
    )


def resolve_view(resources: Resources, scope_key: str, args: Mapping[str, str]) -> CoverageView:
    """Return the joined coverage of a scope; raise QueryError (web.query)."""
    query = MapQuery.parse(args, resources, scope=scope_key)
    return view_of(results.resolve_result(resources, query))


def period_paths(resources: Resources, view: CoverageView) -> dict[str, list[tuple[str, float]]]:
    """Every district's coverage over all live periods of the view's series (for tooltips), cached."""
    return results.period_paths(resources, view.dataset.series, view.series_ids)


def ranking_table(resources: Resources, view: CoverageView, by: str | None = None) -> pd.DataFrame:
    """The ranking of a view, cached with it: by coverage, or by a segment view's share (`by`: pu, bpu, jakon,
    pmi, pembiayaan; raise UnknownScheme for another)."""
    if view.result is not None and not by:
        return view.result.ranking if view.is_table else view.result.layer_ranking
    if view.result is not None and not view.is_table and by in VIEW_COLUMNS:
        return view.result.ranking_by(by)
    if not by:
        return resources.cache.get_or_make(("ranking", *view.key), lambda: ranking(view.joined))
    if by not in VIEW_COLUMNS:
        raise UnknownScheme(f"Segmen '{by}' tidak ada. Pilihan: {', '.join(VIEW_COLUMNS)}.")
    return resources.cache.get_or_make(("ranking", by, *view.key), lambda: segment_ranking(view.joined, by))


def scope_summary(resources: Resources, view: CoverageView) -> dict:
    """Weighted totals, level counts, best and worst five, and province totals of a view, cached with it."""
    if view.result is not None:
        return view.result.totals if view.is_table else view.result.layer_totals
    keys = [level.key for level in view.scheme.levels] + [view.scheme.no_data.key]
    return resources.cache.get_or_make(("summary", *view.key), lambda: summary(view.joined, keys))
