"""The request of a map or a format, parsed and checked once: which scope, series, period, view and layer.

Every route reads a `MapQuery`; an unknown value stops the request with a `QueryError` that names the field,
the value and the valid choices (web.errors turns it into 400, or 404 for what is not there). No Flask: the web
parses a request's arguments with `MapQuery.parse`, the choices' labels are web.query's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum
from typing import Protocol

from geo.latest import MAX_WINDOW_MONTHS
from geo.levels import Scheme
from geo.scopes import Scope, default_scope, get_scope
from geo.segments import VIEW_COLUMNS
from geo.store import MAIN_SERIES, SAMPLE_SERIES

# The choices a map offers, declared once: the query checks against them and the map's controls list them
# (labelled by web.query). Views are the level schemes of data/levels.json (their `choice` names them).
SERIES = (MAIN_SERIES, SAMPLE_SERIES)
LAYERS = ("kabupaten", "provinsi")
LANGUAGES = ("id", "en")
DEFAULT_VIEW = "cakupan"  # also the levels every table, chart and district page colours coverage with
CHANGE_VIEW = "perubahan"
TRACK_VIEW = "jalur"  # on track to target (geo.pace): its levels are the status thresholds
PERIOD_FORM = re.compile(r"\d{4}-\d{2}")
SHOWN_LENGTH = 40  # a value longer than this is cut in the message, so a hostile query cannot fill the page


class Choices(Protocol):
    """What a query is checked against: the scopes, the level schemes (the views) and the terbaru view's window
    when none is asked (web.resources.Resources is one)."""

    scopes: dict[str, Scope]
    schemes: dict[str, Scheme]
    latest_window: int


class Problem(Enum):
    """What is wrong with a value; web.errors gives each its status."""

    UNKNOWN = "unknown"  # not one of the choices (400)
    MALFORMED = "malformed"  # not in the expected form, e.g. a period that is not YYYY-MM (400)
    NOT_FOUND = "not_found"  # well formed but not there: a map scope in the path, a period not published (404)


class QueryError(LookupError):
    """A query value the app cannot answer: the field, the value as given and the valid choices."""

    def __init__(self, field: str, value: str, choices: tuple[str, ...], problem: Problem = Problem.UNKNOWN):
        super().__init__(field, value)
        self.field, self.value, self.choices, self.problem = field, value, tuple(choices), problem

    @property
    def shown_value(self) -> str:
        """The value as a message may show it: without control characters and at most SHOWN_LENGTH long."""
        text = "".join(c if c.isprintable() else "?" for c in self.value)
        return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"

    def __str__(self) -> str:
        return f"{self.field} '{self.shown_value}' ({self.problem.value}); choices: {', '.join(self.choices)}"


def _choice(args: Mapping[str, str], field: str, choices: tuple[str, ...], default: str | None) -> str | None:
    value = args.get(field) or None
    if value is not None and value not in choices:
        raise QueryError(field, value, choices)
    return value or default


def _window(args: Mapping[str, str], choices: Choices) -> int:
    value = (args.get("window") or "").strip()
    if not value:
        return choices.latest_window
    if not value.isdigit() or int(value) > MAX_WINDOW_MONTHS:
        raise QueryError("window", value, (f"0–{MAX_WINDOW_MONTHS}",), Problem.MALFORMED)
    return int(value)


def _period(args: Mapping[str, str], field: str) -> str | None:
    value = args.get(field) or None
    if value is not None and not PERIOD_FORM.fullmatch(value):
        raise QueryError(field, value, ("TTTT-BB",), Problem.MALFORMED)
    return value


@dataclass(frozen=True)
class MapQuery:
    """One request for coverage: everything a result and its formats depend on, checked.

    `view` is always a configured scheme (the change view when a comparison is asked without a view);
    `period` None means the terbaru view (each district's latest figure no older than `window` months,
    geo.latest), or with a comparison the latest live period; `window` is None for one period;
    `language` None means the visitor's own choice.
    """

    scope: str
    series: str = MAIN_SERIES
    period: str | None = None
    compare: str | None = None
    view: str = DEFAULT_VIEW
    layer: str = LAYERS[0]
    palette: str | None = None
    language: str | None = None
    window: int | None = None

    @property
    def latest(self) -> bool:
        """Whether this asks for the terbaru view (each district's latest figure), not one period."""
        return self.window is not None

    @classmethod
    def parse(
        cls,
        args: Mapping[str, str],
        choices: Choices,
        scope: str | None = None,
        default_view: str | None = None,
    ) -> MapQuery:
        """Read and check a request's query; `scope` comes from the path when given (an unknown one is 404),
        else from `?scope=` (400), else the widest scope. `default_view` replaces the view chosen when none is
        asked (tables and totals ask for coverage even with a comparison). Raise QueryError."""
        slug = _scope_slug(choices, scope, args.get("scope") or None)
        compare = _period(args, "compare")
        views = tuple(choices.schemes)
        view = _choice(args, "view", views, default_view or (CHANGE_VIEW if compare else DEFAULT_VIEW))
        palettes = tuple(sorted(choices.schemes[view].palettes))
        period = _period(args, "period")
        return cls(
            scope=slug,
            series=parse_series(args),
            period=period,
            compare=compare,
            view=view,
            layer=_choice(args, "layer", LAYERS, LAYERS[0]),
            # A view without other palettes (the segment views) keeps its own colours when one is asked for.
            palette=_choice(args, "palette", palettes, None) if palettes else None,
            language=_choice(args, "lang", LANGUAGES, None),
            window=_window(args, choices) if period is None and compare is None else None,
        )

    def table(self) -> MapQuery:
        """The query the coverage table and totals are made from: districts in coverage levels, whatever the map shows
        (each view's table is ranked from it by the view's measure, geo.results)."""
        return replace(self, view=DEFAULT_VIEW, layer=LAYERS[0], palette=None)


def _scope_slug(choices: Choices, from_path: str | None, from_args: str | None) -> str:
    wanted = from_path or from_args or default_scope(choices.scopes)
    try:
        return get_scope(choices.scopes, wanted).slug
    except LookupError:
        problem = Problem.NOT_FOUND if from_path else Problem.UNKNOWN
        raise QueryError("scope", wanted, tuple(choices.scopes), problem) from None


def parse_series(args: Mapping[str, str]) -> str:
    """The `series` asked for (SERIES), else the main one; raise QueryError for another."""
    return _choice(args, "series", SERIES, MAIN_SERIES)


def view_choices(schemes: dict[str, Scheme], compared: bool, segments: list[str]) -> list[Scheme]:
    """The views a map's controls offer, in data/levels.json's order: every view of the districts' figures, the
    change only with a comparison, and the segment views the figures carry (geo.segments)."""
    return [
        scheme
        for key, scheme in schemes.items()
        if (key in segments if key in VIEW_COLUMNS else key != CHANGE_VIEW or compared)
    ]


def parse_segment(args: Mapping[str, str]) -> str | None:
    """The `segment` a ranking is ordered by (geo.segments views), or None for coverage; raise QueryError."""
    return _choice(args, "segment", tuple(VIEW_COLUMNS), None)
