"""A view of a `CoverageResult` (web.results): what a map or its table shows, and the result it reads
rankings, totals, legend and labels from; every CoverageView is made by `view_of`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.latest import Span
from geo.levels import Scheme
from geo.scopes import Scope
from geo.store import DatasetInfo
from web import results
from web.query import CHANGE_VIEW, DEFAULT_VIEW, LAYERS, SERIES, MapQuery
from web.resources import Resources
from web.results import (
    CoverageResult,
    Snapshot,
    dataset_records,
    live_snapshot,
    plain_records,
    province_figures,
    result_key,
)

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
    """What a map (or its table) shows of one result: its levels, its units and the result they come from."""

    scope: Scope
    dataset: DatasetInfo
    previous: DatasetInfo | None
    scheme: Scheme
    layer: str
    joined: gpd.GeoDataFrame
    # The result this view shows (and whether it is its table): rankings, totals, legend and labels are read from it.
    result: CoverageResult = field(compare=False, repr=False)
    is_table: bool = field(compare=False, repr=False)
    figures_key: str = ""  # the published province figures a province layer was drawn from
    series_ids: tuple[int, ...] = ()  # every live version of the series: tooltips show the path over them

    @property
    def span(self) -> Span | None:
        """The terbaru view's span (geo.latest): first and last period, districts current and stale; None for one
        period."""
        return self.result.span

    @property
    def period_arg(self) -> str | None:
        """The `period` a link to this view carries: none for the terbaru view (the default)."""
        return None if self.result.window is not None else self.dataset.period

    @property
    def key(self) -> tuple:
        """Everything a rendering of this view depends on (a dataset id changes on every publish): the key of the
        result it shows, or of its table."""
        return result_key(
            self.scope,
            self.dataset,
            self.previous,
            self.scheme,
            self.layer,
            self.figures_key,
            self.series_ids,
            self.result.window,
        )


def view_of(result: CoverageResult, table: bool = False) -> CoverageView:
    """The map's view of a result, or (`table`) its table: the districts in the view's levels, whatever the layer
    (one measure per screen: the table ranks by what the map is coloured by)."""
    if table:
        scheme, layer, frame, figures_key = result.scheme, LAYERS[0], result.districts, ""
    else:
        scheme, layer, frame, figures_key = result.scheme, result.layer, result.joined, result.figures_key
    return CoverageView(
        scope=result.scope,
        dataset=result.dataset,
        previous=result.previous,
        scheme=scheme,
        layer=layer,
        joined=frame,
        result=result,
        is_table=table,
        figures_key=figures_key,
        series_ids=result.series_ids,
    )


def resolve_view(resources: Resources, scope_key: str, args: Mapping[str, str]) -> CoverageView:
    """Return the joined coverage of a scope; raise QueryError (web.query)."""
    query = MapQuery.parse(args, resources, scope=scope_key)
    return view_of(results.resolve_result(resources, query))


def period_paths(resources: Resources, view: CoverageView) -> dict[str, list[tuple[str, float]]]:
    """Every district's coverage over all live periods of the view's series (for tooltips), cached."""
    return results.period_paths(resources, view.dataset.series, view.series_ids)


def ranking_table(resources: Resources, view: CoverageView) -> pd.DataFrame:
    """The ranking of a view by its measure, held by its result: districts for a table, the layer's units for a map."""
    return view.result.ranking if view.is_table else view.result.layer_ranking


def scope_summary(resources: Resources, view: CoverageView) -> dict:
    """Weighted totals, level counts, best and worst five, and province totals of a view, held by its result."""
    return view.result.totals if view.is_table else view.result.layer_totals
