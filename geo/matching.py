"""Match district names and codes as written in spreadsheets to Kemendagri codes.

Order: code, then exact name, then alias (data/aliases.csv). A row whose name fits more than one district,
or whose code and name disagree, stays unmatched: a wrong match is far worse than a reported miss.
Fuzzy matching (rapidfuzz) only ranks suggestions for unmatched rows; it never decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process

KABUPATEN, KOTA = "Kabupaten", "Kota"
JENIS_WORDS = {"kabupaten": KABUPATEN, "kab": KABUPATEN, "kota": KOTA, "kodya": KOTA, "kotamadya": KOTA}
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
CODE_PATTERN = re.compile(r"^(\d{2})\s*\.?\s*(\d{2})$")
SUGGESTION_LIMIT = 3
SUGGESTION_CUTOFF = 70.0


class MatchingError(Exception):
    """The alias data cannot be read."""


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str
    score: float


@dataclass(frozen=True)
class Match:
    """How one input row was understood; code is None when it stays unmatched."""

    code: str | None
    method: str | None
    message: str | None = None
    suggestions: tuple[Suggestion, ...] = ()


@dataclass(frozen=True)
class Candidate:
    code: str
    jenis: str
    method: str


@dataclass
class DistrictIndex:
    """Lookup tables built once from the districts and the alias data."""

    names: dict[str, str]  # code -> official name
    provinces_of: dict[str, str]  # code -> kode_prov
    by_key: dict[str, list[Candidate]] = field(default_factory=lambda: defaultdict(list))
    province_keys: dict[str, str] = field(default_factory=dict)
    choices: dict[str, str] = field(default_factory=dict)  # fuzzy choice text -> code


def normalize_words(text: str) -> list[str]:
    """Lower-case, strip accents and punctuation, expand abbreviated words."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    return [WORD_EXPANSIONS.get(word, word) for word in words]


def split_jenis(text: str) -> tuple[str | None, str]:
    """Return (Kabupaten/Kota/None, compact name key): 'KAB. PULANG PISAU' -> ('Kabupaten', 'pulangpisau')."""
    words = normalize_words(text)
    if len(words) > 1 and words[0] in JENIS_WORDS:
        return JENIS_WORDS[words[0]], "".join(words[1:])
    return None, "".join(words)


def normalize_code(text: str) -> str | None:
    """Return a Kemendagri code '62.11' from '62.11' or the BPS form '6211'; None if it is neither."""
    found = CODE_PATTERN.match(str(text).strip())
    return f"{found.group(1)}.{found.group(2)}" if found else None


def read_aliases(path: Path) -> pd.DataFrame:
    """Read an alias table (alias, jenis, kode, catatan)."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as error:
        raise MatchingError(f"Cannot read alias file {path}: {error}") from error
    missing = {"alias", "jenis", "kode"} - set(frame.columns)
    if missing:
        raise MatchingError(f"Alias file {path} lacks columns {sorted(missing)}.")
    return frame


def build_index(districts: pd.DataFrame, aliases: pd.DataFrame, province_aliases: pd.DataFrame) -> DistrictIndex:
    """Build lookup tables from districts (kode, nama, jenis, kode_prov, provinsi) and alias tables."""
    index = DistrictIndex(
        names=dict(zip(districts["kode"], districts["nama"], strict=True)),
        provinces_of=dict(zip(districts["kode"], districts["kode_prov"], strict=True)),
    )
    for row in districts.itertuples():
        _, key = split_jenis(row.nama)
        index.by_key[key].append(Candidate(row.kode, row.jenis, "name"))
        index.choices[_fuzzy_text(row.nama)] = row.kode
        index.province_keys["".join(normalize_words(row.provinsi))] = row.kode_prov
        index.province_keys[row.kode_prov] = row.kode_prov
    for row in aliases.itertuples():
        if row.kode not in index.names:
            continue  # an alias for a district outside the configured scope
        jenis, key = split_jenis(row.alias)
        index.by_key[key].append(Candidate(row.kode, row.jenis or jenis or "", "alias"))
        index.choices.setdefault(_fuzzy_text(row.alias), row.kode)
    for row in province_aliases.itertuples():
        index.province_keys["".join(normalize_words(row.alias))] = row.kode_prov
    return index


def _fuzzy_text(name: str) -> str:
    """Name words without the leading Kabupaten/Kota, which would dominate every score."""
    words = normalize_words(name)
    return " ".join(words[1:] if len(words) > 1 and words[0] in JENIS_WORDS else words)


def resolve_province(index: DistrictIndex, text: str | None) -> str | None:
    """Return the kode_prov a province name, alias or code stands for, or None."""
    if not text or not str(text).strip():
        return None
    words = normalize_words(text)
    if words and words[0] == "provinsi":
        words = words[1:]
    return index.province_keys.get("".join(words))


def _name_candidates(index: DistrictIndex, name: str) -> list[Candidate]:
    jenis, key = split_jenis(name)
    found = [c for c in index.by_key.get(key, []) if jenis is None or not c.jenis or c.jenis == jenis]
    if not found and jenis is not None:
        # "Kota Baru" is Kabupaten Kotabaru, "Kota Waringin Timur" is Kotawaringin Timur
        found = index.by_key.get("".join(normalize_words(name)), [])
    return found


def suggest(index: DistrictIndex, text: str, province: str | None) -> tuple[Suggestion, ...]:
    """Rank the districts a mistyped name most resembles (only ever offered, never applied)."""
    choices = {
        choice: code
        for choice, code in index.choices.items()
        if province is None or index.provinces_of[code] == province
    }
    ranked = process.extract(
        _fuzzy_text(text),
        list(choices),
        scorer=fuzz.WRatio,
        limit=SUGGESTION_LIMIT * 3,
        score_cutoff=SUGGESTION_CUTOFF,
    )
    best: dict[str, float] = {}
    for choice, score, _ in ranked:
        code = choices[choice]
        best[code] = max(best.get(code, 0.0), round(score, 1))
    ordered = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:SUGGESTION_LIMIT]
    return tuple(Suggestion(code, index.names[code], score) for code, score in ordered)


def _as_suggestions(index: DistrictIndex, codes: list[str]) -> tuple[Suggestion, ...]:
    return tuple(Suggestion(code, index.names[code], 100.0) for code in sorted(set(codes)))


def match_name(index: DistrictIndex, name: str, province: str | None) -> Match:
    """Match a name (with optional kode_prov) to exactly one district, or explain why not."""
    candidates = _name_candidates(index, name)
    in_province = [c for c in candidates if province is None or index.provinces_of[c.code] == province]
    codes = sorted({c.code for c in in_province})
    if len(codes) == 1:
        method = "name" if any(c.method == "name" for c in in_province) else "alias"
        return Match(codes[0], method)
    if len(codes) > 1:
        return Match(None, None, "ambiguous", _as_suggestions(index, codes))
    if candidates:
        return Match(None, None, "other_province", _as_suggestions(index, [c.code for c in candidates]))
    return Match(None, None, "unknown_name", suggest(index, name, province))


def match_district(
    index: DistrictIndex, name: str | None = None, code: str | None = None, province: str | None = None
) -> Match:
    """Match one input row by code, name and province text."""
    kode_prov = resolve_province(index, province)
    by_name = match_name(index, name, kode_prov) if name and str(name).strip() else None
    if code is not None and str(code).strip():
        kode = normalize_code(code)
        if kode is None:
            return Match(None, None, "bad_code", by_name.suggestions if by_name else ())
        if kode not in index.names:
            return Match(None, None, "unknown_code", by_name.suggestions if by_name else ())
        if by_name is not None and by_name.code is not None and by_name.code != kode:
            return Match(None, None, "code_name_conflict", _as_suggestions(index, [kode, by_name.code]))
        return Match(kode, "code")
    if by_name is None:
        return Match(None, None, "empty", ())
    return by_name
