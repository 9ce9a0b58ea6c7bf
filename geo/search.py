"""Find a district by what people type: its name, a short form, an old name, or the start of a word.

Search terms are the official name and every alias the matcher knows (data/aliases.csv and the aliases editors
saved), reduced to plain lower-case words without "Kabupaten"/"Kota". The browser matches the typed words
against them (static/js/search.js): finding a district to look at may be generous in a way that matching an
uploaded row must never be, because the person sees the result and picks it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

JENIS_WORDS = {"kabupaten", "kab", "kota", "kodya", "kotamadya", "kotif"}


@dataclass(frozen=True)
class SearchEntry:
    code: str
    name: str
    province: str
    terms: tuple[str, ...]


def search_term(text: str) -> str:
    """'KAB. Pulang-Pisau' -> 'pulang pisau': plain words, no accents, punctuation or leading jenis."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    while len(words) > 1 and words[0] in JENIS_WORDS:
        words = words[1:]
    return " ".join(words)


def search_entries(districts: pd.DataFrame, aliases: pd.DataFrame) -> list[SearchEntry]:
    """One entry per district (kode, nama, provinsi) with its name and aliases (alias, kode) as terms."""
    terms: dict[str, list[str]] = defaultdict(list)
    for row in districts.itertuples():
        terms[row.kode] += [search_term(row.nama), search_term(row.nama).replace(" ", "")]
    for row in aliases.itertuples():
        if row.kode in terms:
            terms[row.kode].append(search_term(row.alias))
    return [
        SearchEntry(row.kode, row.nama, row.provinsi, tuple(dict.fromkeys(t for t in terms[row.kode] if t)))
        for row in districts.itertuples()
    ]
