"""Legend entries: level label, value range, colour and how many districts fall in each level."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from babel.numbers import format_decimal

from geo.join import STALE_FILL
from geo.latest import STALE_LABEL, STALE_LEVEL
from geo.levels import Scheme
from geo.numbers import format_count, format_percent, format_points


@dataclass(frozen=True)
class LegendEntry:
    key: str
    label: str
    range: str
    color: str
    count: int
    hatched: bool = False


def _number(value: float, locale: str) -> str:
    return format_decimal(value, format="#,##0.##", locale=locale)


STALE_RANGE = {"id": "> {months} bulan", "en": "> {months} months"}


def legend_entries(
    counts: Mapping[str, int], scheme: Scheme, locale: str, stale_window: int | None = None
) -> list[LegendEntry]:
    """Return legend entries from the highest level down, then the no-data entry; `counts` is units per level key.
    With `stale_window` (the terbaru view, geo.latest), a *data lama* entry ("> 24 bulan") comes before no data,
    with its own hatch, when some unit is data lama (an empty entry would cost a phone's legend a row)."""
    lang = locale.split("_")[0]
    entries = []
    bounds = [level.minimum for level in scheme.levels] + [None]
    for i, level in enumerate(scheme.levels):
        low, high = bounds[i], bounds[i + 1]
        unit = scheme.threshold_unit[lang]
        if low is None:
            span = f"< {_number(high, locale)}{unit}"
        elif high is None:
            span = f"≥ {_number(low, locale)}{unit}"
        else:
            span = f"{_number(low, locale)} – < {_number(high, locale)}{unit}"
        entries.append(LegendEntry(level.key, level.label[lang], span, level.color, int(counts.get(level.key, 0))))
    entries.reverse()
    no_data = scheme.no_data
    if stale_window is not None and counts.get(STALE_LEVEL, 0):  # shown (and counted) when a district has one
        count = int(counts[STALE_LEVEL])
        span = STALE_RANGE[lang].format(months=stale_window)
        entries.append(LegendEntry(STALE_LEVEL, STALE_LABEL[lang], span, STALE_FILL, count, hatched=True))
    entries.append(
        LegendEntry(no_data.key, no_data.label[lang], "", no_data.color, int(counts.get(no_data.key, 0)), hatched=True)
    )
    return entries


def format_value(value: object, scheme: Scheme, locale: str) -> str:
    """The value a map is coloured by, in its scheme's unit ('41,3%', '+3,2 poin'); empty when there is none.
    Labels say what the colours say: a who-pays map labels the share paid, never the coverage."""
    if value is None or pd.isna(value):
        return ""
    lang = locale.split("_")[0]
    if scheme.counts:
        return format_count(value, locale)
    return format_points(value, locale) if scheme.unit[lang].strip() != "%" else format_percent(value, locale)
