"""The ranking table's rows, as plain data for the browser: static/js/ranking.js builds the table from them, and
search and keyboard navigation (static/js/search.js, keyboard.js) read the same list, in rank order.

Numbers are formatted here, in the reader's language; the browser only places the texts (with textContent).
What the browser can derive is not sent twice: a district's province name comes once per province, its name's
own search terms are made from the name, and the sentence a screen reader says is joined from the row's texts
with the translated words in `TableTexts`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from geo.join import STALE_FILL
from geo.latest import STALE_LABEL, STALE_LEVEL
from geo.levels import Scheme
from geo.numbers import format_count, format_percent, format_points
from geo.search import SearchEntry, search_term
from layers.legend import format_value

# The order of a row's cells (after code, rank, name and province code): static/js/ranking.js reads them so.
# "value" (the view's measure: what the map is coloured by and the rows are ranked by) follows only when it is not
# coverage, at the index the table names (`value_index`): the change cell itself when the view shows change, else
# the cell after the last (11, or 12 when comparing).
ROW_FIELDS = ("coverage", "level", "target", "gap", "uncovered", "participants", "workers", "change", "value")


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


def table_rows(
    ranking: pd.DataFrame, scheme: Scheme, texts: TableTexts, locale: str, with_change: bool
) -> dict[str, object]:
    """Every district of the ranking, in its order: code, rank, name, province code, then ROW_FIELDS as shown.

    The ranking is by the scheme's measure and its levels are the scheme's (the map's colours); `value_index`
    says which cell holds the measure (None when it is coverage, the fourth cell)."""
    lang = locale.split("_")[0]
    measure = scheme.value
    own_cell = measure not in ("coverage_pct", "change_pct_points") or not with_change
    value_index = None if measure == "coverage_pct" else 11 + (own_cell and with_change)
    measured = lambda value, loc: format_value(value, scheme, loc)  # noqa: E731

    def shown(value: object, fmt) -> str | None:
        return None if _text(value) is None else fmt(value, locale)

    rows = []
    for r in ranking.itertuples():
        row = [
            r.code,
            None if pd.isna(r.rank) else int(r.rank),
            r.name,
            r.province_code,
            shown(r.coverage_pct, format_percent),
            r.level,
            shown(r.target_pct, format_percent),
            shown(r.gap_pct, format_points),
            shown(r.uncovered_to_target, format_count),
            shown(r.participants, format_count),
            shown(r.workers, format_count),
        ]
        if with_change:
            row.append(shown(r.change_pct_points, format_points))
        if value_index is not None and own_cell:
            row.append(shown(getattr(r, measure), measured))
        rows.append(row)
    levels = {key: [level.label[lang], level.color] for key, level in scheme.by_key().items()}
    if "stale" in ranking:  # the terbaru view: a district whose latest figure is older than the window
        levels[STALE_LEVEL] = [STALE_LABEL[lang], STALE_FILL]
    return {
        "rows": rows,
        "provinces": dict(zip(ranking["province_code"], ranking["province"], strict=True)),
        "levels": levels,
        "no_data_level": scheme.no_data.key,
        "total": int(ranking[measure].notna().sum()),
        "measure": measure,
        "value_index": value_index,
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
