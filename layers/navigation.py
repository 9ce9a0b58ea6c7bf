"""The district list behind search and keyboard navigation: rank order, search terms, and one sentence per
district for screen readers (name, value, level, gap to target, rank), already in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geo.numbers import format_percent, format_points
from geo.search import SearchEntry


@dataclass(frozen=True)
class NavigationTexts:
    """Translated words, chosen by the web layer."""

    no_data: str  # "tidak ada data"
    gap: str  # "{points} terhadap target"
    rank_of: str  # "peringkat {rank} dari {total}"


def district_list(
    ranking: pd.DataFrame, entries: list[SearchEntry], levels: dict[str, str], texts: NavigationTexts, locale: str
) -> list[dict]:
    """Every district of the ranking, in its order, as plain data for the page's scripts."""
    by_code = {entry.code: entry for entry in entries}
    total = int(ranking["coverage_pct"].notna().sum())
    result = []
    for row in ranking.itertuples():
        entry = by_code.get(row.code)
        parts = [format_percent(row.coverage_pct, locale, texts.no_data), levels.get(row.level, "")]
        if not pd.isna(row.gap_pct):
            parts.append(texts.gap.format(points=format_points(row.gap_pct, locale)))
        if not pd.isna(row.rank):
            parts.append(texts.rank_of.format(rank=int(row.rank), total=total))
        result.append(
            {
                "code": row.code,
                "name": row.name,
                "province": row.province,
                "terms": list(entry.terms) if entry else [],
                "say": f"{row.name}, {row.province}: " + ", ".join(p for p in parts if p) + ".",
            }
        )
    return result
