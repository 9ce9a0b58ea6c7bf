"""The ranking table's rows, as plain data for the browser: named fields (`TableRow`) sent as one list per field;
static/js/ranking.js builds the table from them, and search and keyboard navigation (static/js/search.js,
keyboard.js) read the same rows, in rank order.

Numbers are formatted here, in the reader's language; the browser only places the texts (with textContent).
What the browser can derive is not sent twice: a district's province name comes once per province, its name's
own search terms are made from the name, and the sentence a screen reader says is joined from the row's texts
with the translated words in `TableTexts`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import pandas as pd

from geo.join import STALE_FILL
from geo.latest import STALE_LABEL, STALE_LEVEL
from geo.levels import Scheme
from geo.numbers import format_count, format_percent, format_points
from geo.search import SearchEntry, search_term
from layers.legend import format_value


@dataclass(frozen=True)
class TableRow:
    """One district of the ranking table, its numbers formatted (None: missing, shown as the mark in `none`).

    These names are the wire format: `table_rows` sends the rows as one list per field (`columns`), and the
    browser (static/js/rows.js tableRows), the offline file and the tests read them by these names;
    docs/schema/values.schema.json describes them."""

    code: str
    rank: int | None
    name: str
    province_code: str  # its name is in the table's `provinces`, once per province
    coverage: str | None
    level: str  # a key of the table's `levels`: the view's level, in the map's colours
    target: str | None
    gap: str | None
    uncovered: str | None
    participants: str | None
    workers: str | None
    change: str | None = None  # only when comparing
    value: str | None = None  # the view's measure, when it is neither coverage nor change


@dataclass(frozen=True)
class TableTexts:
    """Translated words, chosen by the web layer."""

    no_data: str  # "tidak ada data"
    gap: str  # "{points} terhadap target"
    rank_of: str  # "peringkat {rank} dari {total}"
    pick: str  # "Pilih {name}"


def _text(value: object) -> str | None:
    """A formatted number, or None when it is missing (the browser shows the missing mark sent once)."""
    return None if value is None or pd.isna(value) else value


def measure_column(measure: str, with_change: bool) -> str:
    """The TableRow field that holds the view's measure (what the map is coloured by and the rows ranked by)."""
    if measure == "coverage_pct":
        return "coverage"
    return "change" if measure == "change_pct_points" and with_change else "value"


def table_columns(rows: list[TableRow], names: tuple[str, ...]) -> dict[str, list]:
    """The rows as one list per field, in rank order: named like arrays are short, and compress as well."""
    return {name: [getattr(row, name) for row in rows] for name in names}


def table_rows(
    ranking: pd.DataFrame, scheme: Scheme, texts: TableTexts, locale: str, with_change: bool
) -> dict[str, object]:
    """Every district of the ranking, in its order, as TableRow columns: `change` only when comparing, `value`
    only when the view's measure has no column of its own (`measure_column` names the one that holds it).

    The ranking is by the scheme's measure and its levels are the scheme's (the map's colours)."""
    lang = locale.split("_")[0]
    measure = scheme.value
    holder = measure_column(measure, with_change)

    def shown(value: object, fmt) -> str | None:
        return None if _text(value) is None else fmt(value, locale)

    rows = [
        TableRow(
            code=r.code,
            rank=None if pd.isna(r.rank) else int(r.rank),
            name=r.name,
            province_code=r.province_code,
            coverage=shown(r.coverage_pct, format_percent),
            level=r.level,
            target=shown(r.target_pct, format_percent),
            gap=shown(r.gap_pct, format_points),
            uncovered=shown(r.uncovered_to_target, format_count),
            participants=shown(r.participants, format_count),
            workers=shown(r.workers, format_count),
            change=shown(r.change_pct_points, format_points) if with_change else None,
            value=shown(getattr(r, measure), lambda v, loc: format_value(v, scheme, loc))
            if holder == "value"
            else None,
        )
        for r in ranking.itertuples()
    ]
    names = tuple(f.name for f in fields(TableRow))
    names = tuple(n for n in names if (n != "change" or with_change) and (n != "value" or holder == "value"))
    levels = {key: [level.label[lang], level.color] for key, level in scheme.by_key().items()}
    if "stale" in ranking:  # the terbaru view: a district whose latest figure is older than the window
        levels[STALE_LEVEL] = [STALE_LABEL[lang], STALE_FILL]
    return {
        "columns": table_columns(rows, names),
        "provinces": dict(zip(ranking["province_code"], ranking["province"], strict=True)),
        "levels": levels,
        "no_data_level": scheme.no_data.key,
        "total": int(ranking[measure].notna().sum()),
        "measure": measure,
        "measure_column": holder,
        "none": format_percent(None, locale),
        "texts": asdict(texts),
    }


def search_terms(entries: list[SearchEntry]) -> dict[str, list[str]]:
    """Each district's search terms beyond those its name gives (short forms, old names): the browser makes the
    name's own terms (static/js/search.js), so only aliases travel."""
    extra = {}
    for entry in entries:
        own = search_term(entry.name)
        terms = [t for t in entry.terms if t not in (own, own.replace(" ", ""))]
        if terms:
            extra[entry.code] = terms
    return extra
