"""Coverage levels: schemes are data (data/levels.json), classification is one vectorised lookup.

A scheme is a map view's record: its levels, colours and its measure (`value`, `measure`), defined once here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd


class UnknownScheme(KeyError):
    """A level scheme that is not configured; the message lists the valid ones."""


@dataclass(frozen=True)
class Level:
    key: str
    minimum: float | None  # inclusive lower bound; None for the lowest level
    color: str
    label: dict[str, str]


@dataclass(frozen=True)
class Scheme:
    """Levels in rising order; a value v is in the last level whose minimum <= v."""

    key: str
    title: dict[str, str]
    description: dict[str, str]
    # The view's measure: the column its map is coloured by and every ranking of the view ranks by (table, API,
    # CSV/XLSX, slides, GeoJSON `rank`): coverage_pct, attainment_pct, change_pct_points, a segment's share.
    value: str
    measure: dict[str, str]  # the measure's short name by language: a table's or a file's column header
    unit: dict[str, str]
    levels: tuple[Level, ...]
    no_data: Level
    palettes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # alternative level colours by name
    patterns: tuple[str, ...] = ()  # hatch per level for greyscale print (matplotlib hatch codes)
    # A view that ranks by one measure and colours by another (`levels_of` in data/levels.json: the uncovered
    # workers' view keeps the coverage levels): the column the levels classify and the unit of their thresholds.
    colour: str = ""  # empty: `value`
    level_unit: dict[str, str] = field(default_factory=dict)  # empty: `unit`
    symbols: str | None = None  # a count drawn as proportional circles over the fills (layers.symbols)
    counts: bool = False  # the measure is a number of people (12.345), not a percentage or points ("format": "count")
    choice: dict[str, str] = field(default_factory=dict)  # its short name in the map's view control ("choice")

    @property
    def coloured_by(self) -> str:
        """The column the levels classify: the measure itself, or another (`colour`)."""
        return self.colour or self.value

    @property
    def threshold_unit(self) -> dict[str, str]:
        return self.level_unit or self.unit

    @property
    def thresholds(self) -> np.ndarray:
        return np.array([level.minimum for level in self.levels[1:]], dtype=float)

    def by_key(self) -> dict[str, Level]:
        return {level.key: level for level in (*self.levels, self.no_data)}


def _level(data: dict) -> Level:
    return Level(data["key"], data.get("min"), data["color"], dict(data["label"]))


def read_schemes(path: Path) -> dict[str, Scheme]:
    """Read level schemes from JSON; raise ValueError when thresholds do not rise."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    schemes = {}
    for key, data in raw.items():
        own = raw[data["levels_of"]] if "levels_of" in data else data  # whose levels, colours and patterns
        scheme = Scheme(
            key=key,
            title=dict(data["title"]),
            description=dict(data["description"]),
            value=data["value"],
            measure=dict(data["measure"]),
            unit=dict(data["unit"]),
            levels=tuple(_level(level) for level in own["levels"]),
            no_data=_level(own["no_data"]),
            palettes={name: tuple(colors) for name, colors in own.get("palettes", {}).items()},
            patterns=tuple(own.get("patterns", ())),
            colour=own["value"] if own is not data else "",
            level_unit=dict(own["unit"]) if own is not data else {},
            symbols=data.get("symbols"),
            counts=data.get("format") == "count",
            choice=dict(data.get("choice") or data["title"]),
        )
        if scheme.patterns and len(scheme.patterns) != len(scheme.levels):
            raise ValueError(f"Scheme {key} in {path}: patterns need one entry per level.")
        if any(len(colors) != len(scheme.levels) for colors in scheme.palettes.values()):
            raise ValueError(f"Scheme {key} in {path}: every palette needs one colour per level.")
        if scheme.levels[0].minimum is not None or not np.all(np.diff(scheme.thresholds) > 0):
            raise ValueError(f"Scheme {key} in {path}: the first level has no minimum and minima must rise.")
        schemes[key] = scheme
    return schemes


def get_scheme(schemes: dict[str, Scheme], key: str) -> Scheme:
    """Return a scheme by key, or raise UnknownScheme naming the valid keys."""
    if key not in schemes:
        raise UnknownScheme(f"Unknown level scheme '{key}'. Valid: {', '.join(sorted(schemes))}")
    return schemes[key]


def classify(values: pd.Series, scheme: Scheme) -> pd.Series:
    """Return the level key for each value; missing values get the scheme's no-data level."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    position = np.searchsorted(scheme.thresholds, numbers, side="right")
    keys = np.array([level.key for level in scheme.levels], dtype=object)[np.minimum(position, len(scheme.levels) - 1)]
    keys[np.isnan(numbers)] = scheme.no_data.key
    return pd.Series(keys, index=values.index, dtype=object)


def colors(levels: pd.Series, scheme: Scheme) -> pd.Series:
    """Return the fill colour of each level key."""
    lookup = {key: level.color for key, level in scheme.by_key().items()}
    return levels.map(lookup)


def with_palette(scheme: Scheme, palette: str | None) -> Scheme:
    """Return the scheme with another palette's colours (its key names the palette); None keeps it."""
    if not palette:
        return scheme
    if palette not in scheme.palettes:
        raise UnknownScheme(f"Unknown palette '{palette}'. Valid: {', '.join(sorted(scheme.palettes))}")
    levels = tuple(
        replace(level, color=color) for level, color in zip(scheme.levels, scheme.palettes[palette], strict=True)
    )
    return replace(scheme, key=f"{scheme.key}+{palette}", levels=levels)
