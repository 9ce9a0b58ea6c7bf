"""Rank fuzzy choices (district names and aliases) for a mistyped name, with rapidfuzz's WRatio, in time that
does not grow with every alias saved.

`process.extract` over every choice costs about 2 µs a choice (40 ms a row with 20.000 saved aliases), almost
all of it in WRatio's partial and token ratios. Most choices cannot reach the cutoff, and a cheap bound proves it:
a pair with no word in common scores at most what its shared letters allow (below). Only the choices the bound
cannot rule out are scored, by the same scorer in the same order, so the ranking is exactly extract's over all.
The prepared arrays are built once with the matching index (web.resources rebuilds it when an alias is saved).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

# WRatio (rapidfuzz 3) for strings of lengths a <= b, b/a = r, s shared letters (multiset), no common word:
#   r < 1.5: max(ratio, 0.95 * token_ratio), each <= 2s/(a+b) (the longest common subsequence <= s, and sorting
#            the words keeps the letters);
#   else:    max(ratio, scale * partial_ratio, 0.95 * scale * partial_token_ratio), scale 0.9 (r <= 8) or 0.6;
#            a partial ratio compares the shorter with a window of the longer: <= 2s/(a+s).
# A common word lets token_set_ratio and partial_token_ratio reach 100, and a word written twice is dropped by
# their word sets (the letters no longer add up): such choices are always scored.
MARGIN = 0.01  # float rounding: a bound this close to the cutoff is scored
BATCH = 512  # choices scored at a time, the most promising first


def _letters(text: str) -> np.ndarray:
    """Letter counts of a text by byte (other characters share one byte, which only raises the bound)."""
    return np.bincount(np.frombuffer(text.encode("ascii", "replace"), dtype=np.uint8), minlength=128)[:128]


def _repeats_a_word(text: str) -> bool:
    words = text.split()
    return len(set(words)) != len(words)


@dataclass(frozen=True, eq=False)
class FuzzyChoices:
    """The choices (fuzzy text -> code) as arrays: texts, codes, provinces, letter counts and each word's choices."""

    texts: list[str]
    codes: list[str]
    provinces: np.ndarray  # kode_prov of each choice's district
    letters: np.ndarray  # (choices, 128) letter counts
    lengths: np.ndarray
    always: np.ndarray  # choices the bound does not hold for (a word written twice)
    by_word: dict[str, np.ndarray]  # word -> indices of the choices that have it


def prepare_choices(choices: dict[str, str], provinces_of: dict[str, str]) -> FuzzyChoices:
    """Prepare the choices once, in their order (which breaks ties among equal scores, as in extract)."""
    texts, codes = list(choices), list(choices.values())
    words: dict[str, list[int]] = {}
    for number, text in enumerate(texts):
        for word in set(text.split()):
            words.setdefault(word, []).append(number)
    return FuzzyChoices(
        texts=texts,
        codes=codes,
        provinces=np.array([provinces_of[code] for code in codes], dtype=object),
        letters=np.array([_letters(text) for text in texts], dtype=np.uint8).reshape(len(texts), 128),
        lengths=np.array([len(text) for text in texts], dtype=np.float64),
        always=np.array([_repeats_a_word(text) for text in texts], dtype=bool),
        by_word={word: np.array(found, dtype=np.int64) for word, found in words.items()},
    )


def _bounds(prepared: FuzzyChoices, query: str) -> np.ndarray:
    """The most each choice can score against `query` (100 where no bound is known: a common word, a word twice)."""
    counts = _letters(query)
    used = np.flatnonzero(counts)
    shared = np.minimum(prepared.letters[:, used], counts[used]).sum(axis=1, dtype=np.float64)
    short = np.minimum(prepared.lengths, len(query))
    long = np.maximum(prepared.lengths, len(query))
    bound = 200 * shared / np.maximum(short + long, 1)
    scale = np.where(long <= 8 * short, 0.9, 0.6)
    partial = 200 * shared / np.maximum(short + shared, 1) * scale
    bound = np.where(long < 1.5 * short, bound, np.maximum(bound, partial))
    bound[prepared.always] = 100
    for word in set(query.split()):
        if (found := prepared.by_word.get(word)) is not None:
            bound[found] = 100
    return bound


def rank_choices(
    prepared: FuzzyChoices, query: str, province: str | None, limit: int, cutoff: float
) -> list[tuple[str, float]]:
    """(code, score) of the best `limit` choices scoring `cutoff` or more (WRatio), best first and equal scores in
    the choices' order: what `process.extract(query, texts, scorer=WRatio, limit=limit, score_cutoff=cutoff)`
    gives over the choices of `province` (all when None).

    Choices are scored in batches, those that can score most first, until the bound of the next batch falls below
    the `limit`-th score found: no choice left can enter the ranking.
    """
    if not query or not prepared.texts:
        return []
    bound = np.full(len(prepared.texts), 100.0) if _repeats_a_word(query) else _bounds(prepared, query)
    if province is not None:
        bound[prepared.provinces != province] = -1
    order = np.argsort(-bound, kind="stable")
    order = order[bound[order] >= cutoff - MARGIN]
    found: list[tuple[float, int]] = []
    for start in range(0, len(order), BATCH):
        if len(found) >= limit and found[limit - 1][0] > bound[order[start]] + MARGIN:
            break
        batch = order[start : start + BATCH]
        scored = process.extract(
            query, [prepared.texts[n] for n in batch], scorer=fuzz.WRatio, limit=None, score_cutoff=cutoff
        )
        found = sorted(
            [*found, *((score, int(batch[position])) for _, score, position in scored)],
            key=lambda item: (-item[0], item[1]),
        )[:limit]
    return [(prepared.codes[number], score) for score, number in found]
