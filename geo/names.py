"""District and province names as spreadsheets write them: the jenis (Kabupaten/Kota), the name's words and the
spelling rules that make two writings of one name compare equal (geo.matching decides what a name matches).
"""

from __future__ import annotations

import re
import unicodedata

KABUPATEN, KOTA = "Kabupaten", "Kota"
# Prefixes that say Kabupaten or Kota, longest first: Kodya/Kotamadya (before 1999) and Kotif (kota
# administratif) are the old words for a kota.
JENIS_PREFIXES = (
    (("kota", "administratif"), KOTA),
    (("kota", "madya"), KOTA),
    (("kabupaten",), KABUPATEN),
    (("kab",), KABUPATEN),
    (("kota",), KOTA),
    (("kodya",), KOTA),
    (("kotamadya",), KOTA),
    (("kotif",), KOTA),
    (("kotip",), KOTA),
)
# English lists put the jenis last: 'Solok Regency', 'Medan City'. No official name ends with these words.
JENIS_SUFFIXES = {"regency": KABUPATEN, "city": KOTA}
# Words of a title that name no place: "Kabupaten Daerah Tingkat II Bulungan", "Kota Administrasi Jakarta".
TITLE_WORDS = (("daerah", "tingkat", "ii"), ("dati", "ii"), ("dt", "ii"), ("administrasi",), ("adm",))
# Abbreviated words expanded before comparing names ("Kep. Meranti", "Tg. Pinang", "Sei Penuh").
WORD_EXPANSIONS = {
    "kep": "kepulauan",
    "kepl": "kepulauan",
    "tg": "tanjung",
    "tj": "tanjung",
    "tjg": "tanjung",
    "sei": "sungai",
    "sel": "selatan",
    "tim": "timur",
    "bar": "barat",
    "ut": "utara",
    "teng": "tengah",
}
# One spelling for words written two ways: Indragiri Hulu / Ulu, Mahakam Ulu / Hulu. A test checks that
# no two official names of Indonesia become one under these rules.
CANONICAL_WORDS = {"hulu": "ulu"}
# Words some lists leave out ("Pangkajene Kepulauan" for Pangkajene dan Kepulauan).
DROPPED_WORDS = ("dan",)
# Single letters standing for a word ("P. Siantar"): accepted only when exactly one district fits.
LETTER_ABBREVIATIONS = ("p",)
PROVINCE_WORDS = {"sumatra": "sumatera", "kal": "kalimantan", "sum": "sumatera"}
PROVINCE_TITLES = ("provinsi", "propinsi", "prov", "prop")
PARENTHESES = re.compile(r"\(([^)]*)\)")


def normalize_words(text: str) -> list[str]:
    """Lower-case, strip accents and punctuation, expand abbreviated words, use one spelling of each word."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    words = [word for word in re.sub(r"[^a-z0-9]+", " ", text.lower()).split() if word not in DROPPED_WORDS]
    return [CANONICAL_WORDS.get(WORD_EXPANSIONS.get(word, word), WORD_EXPANSIONS.get(word, word)) for word in words]


def _strip_titles(words: list[str]) -> list[str]:
    for title in TITLE_WORDS:
        if tuple(words[: len(title)]) == title and len(words) > len(title):
            return _strip_titles(words[len(title) :])
    return words


def jenis_and_words(text: str) -> tuple[str | None, list[str]]:
    """Return (Kabupaten/Kota/None, name words): 'KODYA DATI II MEDAN' -> ('Kota', ['medan'])."""
    words = normalize_words(text)
    if len(words) > 1 and words[-1] in JENIS_SUFFIXES:
        return JENIS_SUFFIXES[words[-1]], _strip_titles(words[:-1])
    for prefix, jenis in JENIS_PREFIXES:
        if tuple(words[: len(prefix)]) == prefix and len(words) > len(prefix):
            return jenis, _strip_titles(words[len(prefix) :])
    return None, _strip_titles(words)


def split_jenis(text: str) -> tuple[str | None, str]:
    """Return (Kabupaten/Kota/None, compact name key): 'KAB. PULANG PISAU' -> ('Kabupaten', 'pulangpisau')."""
    jenis, words = jenis_and_words(text)
    return jenis, "".join(words)


def province_key(text: str) -> str:
    """Return a province name's compact key: 'Provinsi Sumatra Barat' -> 'sumaterabarat'."""
    words = [PROVINCE_WORDS.get(word, word) for word in normalize_words(text)]
    while words and words[0] in PROVINCE_TITLES:
        words = words[1:]
    return "".join(words)


def fuzzy_text(name: str) -> str:
    """Name words without the leading Kabupaten/Kota, which would dominate every score."""
    return " ".join(jenis_and_words(name)[1])


def name_alternates(text: str) -> list[str] | None:
    """Alternate spellings written in one cell: 'Bulungan (Bulongan)', 'Lima Puluh Koto/Kota'; None if none.

    A parenthesis holding only Kabupaten/Kota says the jenis: 'Solok (Kota)' is 'Kota Solok'.
    """
    text = str(text)
    if "(" in text:
        inner = " ".join(PARENTHESES.findall(text)).strip()
        outer = re.sub(r"\s+", " ", PARENTHESES.sub(" ", text)).strip()
        inner_jenis, inner_words = jenis_and_words(inner + " x")
        if inner_words == ["x"] and inner_jenis:
            return [f"{inner_jenis} {outer}"]
        outer_jenis = jenis_and_words(outer)[0]
        if outer_jenis and not jenis_and_words(inner)[0]:
            inner = f"{outer_jenis} {inner}"
        return [part for part in (outer, inner) if part.strip()]
    if "/" in text:
        if re.search(r"\s/|/\s", text):
            parts = [part.strip() for part in text.split("/") if part.strip()]
            first_jenis = jenis_and_words(parts[0])[0] if parts else None
            return [part if not first_jenis or jenis_and_words(part)[0] else f"{first_jenis} {part}" for part in parts]
        tokens = text.split()
        for number, token in enumerate(tokens):
            if "/" in token:
                return [
                    " ".join([*tokens[:number], option, *tokens[number + 1 :]]) for option in token.split("/") if option
                ]
    return None
