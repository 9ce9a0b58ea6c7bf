"""The districts offered for an unmatched row: ranked by resemblance (geo.fuzzy), flagged where they contradict
the row, only ever offered, never applied.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from geo.district_index import DistrictIndex, ProvinceRef
from geo.fuzzy import rank_choices
from geo.names import fuzzy_text, jenis_and_words

SUGGESTION_LIMIT = 3
SUGGESTION_CUTOFF = 70.0


@dataclass(frozen=True)
class Suggestion:
    """A district offered for an unmatched row; flags say where it contradicts what the row says."""

    code: str
    name: str
    score: float
    system: str | None = None  # for a code read two ways: the code system this reading comes from
    jenis_differs: bool = False
    province_differs: bool = False


def suggestions_for(
    index: DistrictIndex, codes, jenis: str | None, province: ProvinceRef, score: float = 100.0
) -> tuple[Suggestion, ...]:
    """Offer the districts `codes` that are inside the area, each flagged where it contradicts the row."""
    return tuple(
        suggestion_for(index, code, jenis, province, score) for code in sorted(set(codes)) if code in index.in_area
    )


def suggestion_for(
    index: DistrictIndex, code: str, jenis: str | None, province: ProvinceRef, score: float, system: str | None = None
) -> Suggestion:
    """Offer one district, flagged where its jenis or province contradicts what the row says."""
    return Suggestion(
        code,
        index.names[code],
        score,
        system=system,
        jenis_differs=jenis is not None and index.jenis_of[code] != jenis,
        province_differs=province.code is not None
        and index.provinces_of[code] != province.code
        and index.split_year(code, province.code) is None,
    )


def suggest(index: DistrictIndex, text: str, province: str | None) -> tuple[Suggestion, ...]:
    """Rank the districts a mistyped name most resembles (only ever offered, never applied)."""
    return fuzzy_suggestions(index, text, ProvinceRef(province, province or ""))


def _word_fits(written: str, official: str) -> bool:
    """A written word stands for an official one: the same, shortened ('B' for Barat, 'Jab' for Jabung), or one
    letter off in a longer word ('Bambu' for Bumbu)."""
    if written == official or (official.startswith(written) and written):
        return True
    return len(official) >= 4 and written[:1] == official[:1] and Levenshtein.distance(written, official) <= 1


def _shortened_fits(index: DistrictIndex, text: str, province: ProvinceRef) -> list[str]:
    """The districts of Indonesia a shortened or slightly misspelt name fits word by word ('Tanjung Jabung B',
    'Kab. Tanah Bambu'); the jenis and province, when written, must agree."""
    jenis, words = jenis_and_words(text)
    if not words:
        return []
    fits = []
    for code, official in index.words_of.items():
        if (jenis and index.jenis_of[code] != jenis) or (province.code and index.provinces_of[code] != province.code):
            continue
        if len(official) == len(words) and all(map(_word_fits, words, official)):
            fits.append(code)
    return fits


def fuzzy_suggestions(index: DistrictIndex, text: str, province: ProvinceRef) -> tuple[Suggestion, ...]:
    """Rank the districts a name resembles: the one its shortened words fit, else the closest (geo.fuzzy)."""
    if province.code is not None and province.code not in index.area_provinces:
        return ()
    fits = _shortened_fits(index, text, province)
    if len(fits) == 1:
        # exactly one district fits the shortened name: offer that one alone (never applied on its own)
        if fits[0] not in index.in_area:
            return ()
        score = round(fuzz.WRatio(fuzzy_text(text), fuzzy_text(index.names[fits[0]])), 1)
        return (suggestion_for(index, fits[0], jenis_and_words(text)[0], province, score),)
    inside, outside = index.prepared_choices()
    query = fuzzy_text(text)
    best: dict[str, float] = {}
    for code, score in rank_choices(inside, query, province.code, SUGGESTION_LIMIT * 3, SUGGESTION_CUTOFF):
        best[code] = max(best.get(code, 0.0), round(score, 1))
    ordered = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:SUGGESTION_LIMIT]
    if ordered and province.code is None and outside.texts:
        # 'Surabya' or 'Banjarnegra' resemble a district outside the area more than any inside: offering the
        # inside one would invite a wrong match (and a wrong alias), so offer nothing.
        closest = rank_choices(outside, query, None, 1, SUGGESTION_CUTOFF)
        if closest and closest[0][1] >= ordered[0][1]:
            return ()
    jenis = jenis_and_words(text)[0]
    return tuple(suggestion_for(index, code, jenis, province, score) for code, score in ordered)
