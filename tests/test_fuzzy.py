"""geo.fuzzy ranks exactly as rapidfuzz's process.extract over every choice, only faster."""

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from geo.fuzzy import prepare_choices, rank_choices

WORDS = ["kapuas", "hulu", "timur", "barat", "pulang", "pisau", "tanah", "laut", "kota", "baru", "barito", "kutai"]


def _typo(rng, text):
    letters = list(text)
    at = int(rng.integers(len(letters)))
    letters[at] = "abcdeiknoprstu"[int(rng.integers(14))]
    return "".join(letters)


@pytest.fixture(scope="module")
def choices():
    rng = np.random.default_rng(5)
    made = {}
    while len(made) < 3000:
        words = [str(rng.choice(WORDS)) for _ in range(int(rng.integers(1, 4)))]
        made.setdefault(_typo(rng, " ".join(words)), f"{int(rng.integers(61, 65))}.{int(rng.integers(1, 20)):02d}")
    return made


@pytest.mark.parametrize("province", [None, "62"])
def test_ranking_is_extract_over_all_choices(choices, province):
    prepared = prepare_choices(choices, {code: code[:2] for code in choices.values()})
    rng = np.random.default_rng(6)
    queries = [_typo(rng, " ".join(rng.choice(WORDS, int(rng.integers(1, 4))))) for _ in range(150)]
    for query in [*queries, "kapuas kapuas", "x", "kutai kartanegara raya"]:
        texts = [text for text, code in choices.items() if province is None or code[:2] == province]
        expected = process.extract(query, texts, scorer=fuzz.WRatio, limit=9, score_cutoff=70)
        assert rank_choices(prepared, query, province, 9, 70) == [(choices[t], score) for t, score, _ in expected]
