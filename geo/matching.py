"""Match district names and codes as written in spreadsheets to Kemendagri codes.

The index knows every kabupaten/kota of Indonesia (514) and every province (38), but only the districts of the
area served (the prepared boundaries) can be matched: a row that points outside stays unmatched as
`outside_area`, never moved onto a district inside. Order: code (Kemendagri or BPS, see geo.codes), then
exact name, then alias (data/aliases.csv and aliases saved by editors), then the spelling rules below.
A row whose name fits more than one district, or whose code and name disagree, stays unmatched: a wrong
match is far worse than a reported miss. Fuzzy matching (rapidfuzz) only ranks suggestions; it never decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from geo.codes import (
    BPS,
    BPS_HISTORIC,
    KEMENDAGRI,
    SYSTEM_LABELS,
    Crosswalk,
    HistoricCode,
    code_readings,
    foreign_form,
    historic_reading,
    parse_code,
)
from geo.fuzzy import FuzzyChoices, prepare_choices, rank_choices

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
FOOTNOTE = re.compile(r"\(\s*\d{1,3}\s*\)|\s\*+$")  # '(18)', 'Kapuas *': a note's mark after a name
# A district followed by its province after a comma or a spaced dash: 'Kapuas, Kalteng', 'Banjar - Kalsel'.
PROVINCE_AFTER = re.compile(r"^(.+?)\s*(?:,|\s[-\u2013\u2014]\s)\s*(.+)$")
# A code and a name in one cell, as some tables print them: '1204 Tapanuli Tengah', '[62.11] Pulang Pisau'.
CODE_AND_NAME = re.compile(r"^\[?(\d{2}\s*[.\-\u2013]?\s*\d{2})\]?\s*[-\u2013:.]?\s+(\D.*)$")
SUGGESTION_LIMIT = 3
SUGGESTION_CUTOFF = 70.0

# Why a row stays unmatched (the report's `reason`), and the finer message key each comes from.
REASONS = ("ambiguous", "outside_area", "code_system", "code_name_conflict", "unknown")
REASON_OF_MESSAGE = {
    "ambiguous": "ambiguous",
    "outside_area": "outside_area",
    "code_system": "code_system",
    "historic_code": "code_system",
    "code_name_conflict": "code_name_conflict",
    "other_province": "unknown",
    "province_name": "unknown",
    "province_or_district": "ambiguous",
    "unknown_name": "unknown",
    "bad_code": "unknown",
    "unknown_code": "unknown",
    "empty": "unknown",
}


class MatchingError(Exception):
    """The alias data cannot be read."""


@dataclass(frozen=True)
class Suggestion:
    """A district offered for an unmatched row; flags say where it contradicts what the row says."""

    code: str
    name: str
    score: float
    system: str | None = None  # for a code read two ways: the code system this reading comes from
    jenis_differs: bool = False
    province_differs: bool = False


@dataclass(frozen=True)
class Match:
    """How one input row was understood; code is None when it stays unmatched (then reason says why)."""

    code: str | None
    method: str | None
    message: str | None = None
    suggestions: tuple[Suggestion, ...] = ()
    note: str | None = None  # something the report should say about a match (old province, unknown province)

    @property
    def reason(self) -> str | None:
        return REASON_OF_MESSAGE.get(self.message) if self.code is None else None


@dataclass(frozen=True)
class RowInput:
    """What one row says about its district."""

    name: str | None = None
    code: str | None = None
    province: str | None = None


@dataclass(frozen=True)
class Candidate:
    code: str
    jenis: str
    method: str


@dataclass(frozen=True)
class ProvinceRef:
    """The province column of a row: its code when recognised, and the text as written."""

    code: str | None
    text: str

    @property
    def unrecognised(self) -> bool:
        return self.code is None and bool(self.text)


@dataclass
class DistrictIndex:
    """Lookup tables built once from all districts of Indonesia, the area served and the alias data."""

    names: dict[str, str]  # code -> official name, all of Indonesia
    jenis_of: dict[str, str]
    provinces_of: dict[str, str]  # code -> kode_prov
    in_area: frozenset[str]  # the codes that can be matched (the prepared boundaries)
    province_names: dict[str, str]  # kode_prov -> name, all of Indonesia
    crosswalk: Crosswalk = field(default_factory=lambda: Crosswalk({}))
    former_parents: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # kode_prov -> [(old, year)]
    by_key: dict[str, list[Candidate]] = field(default_factory=lambda: defaultdict(list))
    province_keys: dict[str, str] = field(default_factory=dict)
    choices: dict[str, str] = field(default_factory=dict)  # fuzzy choice text -> code, area served only
    outside_choices: dict[str, str] = field(default_factory=dict)  # the same for districts outside the area
    ignored_aliases: list[str] = field(default_factory=list)
    words_of: dict[str, list[str]] = field(default_factory=dict)  # code -> name words, for shortened names
    # choices and outside_choices prepared for ranking (geo.fuzzy), once per index: build_index makes them
    prepared: tuple[FuzzyChoices, FuzzyChoices] | None = field(default=None, repr=False)

    @property
    def area_provinces(self) -> frozenset[str]:
        return frozenset(self.provinces_of[code] for code in self.in_area)

    def prepared_choices(self) -> tuple[FuzzyChoices, FuzzyChoices]:
        """The fuzzy choices inside and outside the area, prepared once (geo.fuzzy)."""
        if self.prepared is None:
            self.prepared = (
                prepare_choices(self.choices, self.provinces_of),
                prepare_choices(self.outside_choices, self.provinces_of),
            )
        return self.prepared

    def split_year(self, code: str, province: str) -> int | None:
        """The year the district `code` left `province` (a former parent of its province), or None."""
        return next(
            (year for old, year in self.former_parents.get(self.provinces_of[code], []) if old == province), None
        )


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


def normalize_code(text: str) -> str | None:
    """Return a Kemendagri-form code '62.11' from '62.11' or '6211' (for addresses, not for imports)."""
    code = parse_code(text)
    if code is None or code.system == BPS or re.search(r"[-\u2013/]", str(text)):
        return None  # a dashed code or an HDX pcode may be BPS: no address of its own
    return code.as_kemendagri


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


def _province_key(text: str) -> str:
    words = [PROVINCE_WORDS.get(word, word) for word in normalize_words(text)]
    while words and words[0] in PROVINCE_TITLES:
        words = words[1:]
    return "".join(words)


def _former_parents(splits: pd.DataFrame | None) -> dict[str, list[tuple[str, int]]]:
    """Each province's former parents, nearest first, with the year the district left each (transitively)."""
    direct = {} if splits is None else {row.kode_prov: (row.induk, int(row.tahun)) for row in splits.itertuples()}
    result: dict[str, list[tuple[str, int]]] = {}
    for province in direct:
        chain, current = [], province
        while current in direct and len(chain) < 5:
            parent, year = direct[current]
            chain.append((parent, year))
            current = parent
        result[province] = chain
    return result


def build_index(
    districts: pd.DataFrame,
    aliases: pd.DataFrame,
    province_aliases: pd.DataFrame,
    indonesia: pd.DataFrame | None = None,
    splits: pd.DataFrame | None = None,
    crosswalk: Crosswalk | None = None,
) -> DistrictIndex:
    """Build lookup tables.

    `districts` (kode, nama, jenis, kode_prov, provinsi) is the area served; `indonesia` has the same columns
    for every district of Indonesia (defaults to `districts`); `splits` (kode_prov, induk, tahun) lists
    provinces split from another; `crosswalk` maps BPS codes to Kemendagri codes.
    """
    everything = pd.concat([indonesia, districts]).drop_duplicates("kode") if indonesia is not None else districts
    index = DistrictIndex(
        names=dict(zip(everything["kode"], everything["nama"], strict=True)),
        jenis_of=dict(zip(everything["kode"], everything["jenis"], strict=True)),
        provinces_of=dict(zip(everything["kode"], everything["kode_prov"], strict=True)),
        in_area=frozenset(districts["kode"]),
        province_names=dict(zip(everything["kode_prov"], everything["provinsi"], strict=False)),
        crosswalk=crosswalk or Crosswalk({}),
        former_parents=_former_parents(splits),
    )
    for row in everything.itertuples():
        _, key = split_jenis(row.nama)
        index.words_of[row.kode] = jenis_and_words(row.nama)[1]
        index.by_key[key].append(Candidate(row.kode, row.jenis, "name"))
        choices = index.choices if row.kode in index.in_area else index.outside_choices
        choices[_fuzzy_text(row.nama)] = row.kode
    for kode_prov, name in index.province_names.items():
        index.province_keys[_province_key(name)] = kode_prov
        index.province_keys[kode_prov] = kode_prov
    for row in aliases.itertuples():
        if row.kode not in index.in_area:
            continue  # an alias for a district outside the configured scope
        jenis, key = split_jenis(row.alias)
        if not key or _names_another_district(index, row.alias, row.kode, row.jenis or None):
            index.ignored_aliases.append(row.alias)
            continue
        index.by_key[key].append(Candidate(row.kode, row.jenis or jenis or "", "alias"))
        index.choices.setdefault(_fuzzy_text(row.alias), row.kode)
    for row in province_aliases.itertuples():
        index.province_keys[_province_key(row.alias)] = row.kode_prov
    index.prepared_choices()  # prepared here, once per alias version, not on the first unmatched row
    return index


def _names_another_district(index: DistrictIndex, text: str, code: str, jenis: str | None = None) -> bool:
    """True when `text` (as a `jenis`, if given) is the official name of a district other than `code`, anywhere in
    Indonesia. A saved alias like that would move every later row of that district to the wrong one."""
    stated, key = split_jenis(text)
    jenis = stated or jenis
    return any(
        c.code != code and c.method == "name" and (jenis is None or c.jenis == jenis) for c in index.by_key.get(key, [])
    )


def _fuzzy_text(name: str) -> str:
    """Name words without the leading Kabupaten/Kota, which would dominate every score."""
    return " ".join(jenis_and_words(name)[1])


def resolve_province(index: DistrictIndex, text: str | None) -> str | None:
    """Return the kode_prov a province name, alias or code stands for, or None."""
    return _province_ref(index, text).code


def whole_province(index: DistrictIndex, text: str | None) -> str | None:
    """The province a name is in its entirety ('Kalimantan Tengah', 'Provinsi Jambi', 'Aceh (NAD)', 'Jambi (15)'),
    or None. 'Kabupaten Kapuas (Kalimantan Tengah)', 'Banjar, Kalsel', 'Bengkulu (Kota)' and 'Sampit (18)' are
    not provinces: something in them is not the province's name."""
    text = str(text or "").strip()
    if not text:
        return None
    if code := index.province_keys.get(_province_key(text)):
        return code
    inner, outer = " ".join(PARENTHESES.findall(text)).strip(), PARENTHESES.sub(" ", text).strip()
    if inner and outer and "(" not in outer and ")" not in outer:
        named = index.province_keys.get(_province_key(outer))
        return named if named and index.province_keys.get(_province_key(inner)) == named else None
    return None


def _province_ref(index: DistrictIndex, text: str | None) -> ProvinceRef:
    text = str(text or "").strip()
    if not text:
        return ProvinceRef(None, "")
    inner = " ".join(PARENTHESES.findall(text))
    for variant in (text, PARENTHESES.sub(" ", text), inner):
        if variant.strip() and (code := index.province_keys.get(_province_key(variant))):
            return ProvinceRef(code, text)
    return ProvinceRef(None, text)


def _candidates(index: DistrictIndex, name: str) -> list[Candidate]:
    jenis, words = jenis_and_words(name)
    key = "".join(words)
    found = [c for c in index.by_key.get(key, []) if jenis is None or not c.jenis or c.jenis == jenis]
    if not found and jenis is not None:
        # "Kota Baru" is Kabupaten Kotabaru, "Kota Waringin Timur" is Kotawaringin Timur
        found = index.by_key.get("".join(normalize_words(name)), [])
    if not found and any(word in LETTER_ABBREVIATIONS for word in words) and len(words) > 1:
        pattern = re.compile(
            "".join(f"{word}[a-z]*" if word in LETTER_ABBREVIATIONS else re.escape(word) for word in words) + "$"
        )
        found = [
            c
            for other, candidates in index.by_key.items()
            if pattern.match(other)
            for c in candidates
            if jenis is None or not c.jenis or c.jenis == jenis
        ]
    return found


def _suggestions(
    index: DistrictIndex, codes, jenis: str | None, province: ProvinceRef, score: float = 100.0
) -> tuple[Suggestion, ...]:
    return tuple(
        _suggestion(index, code, jenis, province, score) for code in sorted(set(codes)) if code in index.in_area
    )


def _suggestion(
    index: DistrictIndex, code: str, jenis: str | None, province: ProvinceRef, score: float, system: str | None = None
) -> Suggestion:
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
    return _fuzzy(index, text, ProvinceRef(province, province or ""))


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


def _fuzzy(index: DistrictIndex, text: str, province: ProvinceRef) -> tuple[Suggestion, ...]:
    if province.code is not None and province.code not in index.area_provinces:
        return ()
    fits = _shortened_fits(index, text, province)
    if len(fits) == 1:
        # exactly one district fits the shortened name: offer that one alone (never applied on its own)
        if fits[0] not in index.in_area:
            return ()
        score = round(fuzz.WRatio(_fuzzy_text(text), _fuzzy_text(index.names[fits[0]])), 1)
        return (_suggestion(index, fits[0], jenis_and_words(text)[0], province, score),)
    inside, outside = index.prepared_choices()
    query = _fuzzy_text(text)
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
    return tuple(_suggestion(index, code, jenis, province, score) for code, score in ordered)


def _decide(
    index: DistrictIndex, codes: list[str], found: list[Candidate], jenis: str | None, province: ProvinceRef, note
) -> Match:
    """One district named: matched if inside the area, `outside_area` if not; several: ambiguous."""
    inside = [code for code in codes if code in index.in_area]
    if len(codes) == 1 and inside:
        method = "name" if any(c.code == codes[0] and c.method == "name" for c in found) else "alias"
        return Match(codes[0], method, note=note)
    if not inside:
        return Match(None, None, "outside_area")
    return Match(None, None, "ambiguous", _suggestions(index, codes, jenis, province))


def _match_plain(index: DistrictIndex, name: str, province: ProvinceRef) -> Match:
    jenis = jenis_and_words(name)[0]
    found = _candidates(index, name)
    codes = sorted({c.code for c in found})
    if jenis is None and _province_key(name) in index.province_keys and not name.strip().isdigit():
        # 'Jambi' is a province (a total row?) and Kota Jambi: only 'Kota Jambi' says which.
        inside = [code for code in codes if code in index.in_area]
        if inside:
            return Match(None, None, "province_or_district", _suggestions(index, inside, jenis, province))
        if not codes:
            return Match(None, None, "province_name")
    if province.code is not None:
        in_province = [code for code in codes if index.provinces_of[code] == province.code]
        if in_province:
            return _decide(index, in_province, found, jenis, province, None)
        earlier = [code for code in codes if index.split_year(code, province.code) is not None]
        if earlier:
            note = None
            if len(earlier) == 1:
                code = earlier[0]
                note = (
                    f"Provinsi tertulis '{province.text}': {index.names[code]} masuk Provinsi "
                    f"{index.province_names[index.provinces_of[code]]} sejak {index.split_year(code, province.code)} "
                    f"(dulu bagian dari {index.province_names[province.code]})."
                )
            return _decide(index, earlier, found, jenis, province, note)
        if province.code not in index.area_provinces:
            return Match(None, None, "outside_area")
        if codes:
            return Match(None, None, "other_province", _suggestions(index, codes, jenis, province))
        return Match(None, None, "unknown_name", _fuzzy(index, name, province))
    note = None
    if province.unrecognised:
        note = f"Provinsi '{province.text}' tidak dikenali; wilayah dicocokkan dari namanya saja."
    if codes:
        return _decide(index, codes, found, jenis, province, note)
    return Match(None, None, "unknown_name", _fuzzy(index, name, province))


def _district_and_province(index: DistrictIndex, name: str) -> tuple[str, ProvinceRef] | None:
    """(district text, province) when a name carries its province in parentheses, or after a comma or dash."""
    inner = " ".join(PARENTHESES.findall(name)).strip()
    if inner and (named := whole_province(index, inner)):
        return PARENTHESES.sub(" ", name).strip(), ProvinceRef(named, inner)
    if (parts := PROVINCE_AFTER.match(name)) and (named := whole_province(index, parts.group(2))):
        return parts.group(1).strip(), ProvinceRef(named, parts.group(2).strip())
    return None


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


def match_name(index: DistrictIndex, name: str, province: str | None | ProvinceRef) -> Match:
    """Match a name (with a province text, code or ProvinceRef) to exactly one district, or explain why not."""
    if not isinstance(province, ProvinceRef):
        if province in index.province_names:
            province = ProvinceRef(province, index.province_names[province])
        else:
            province = _province_ref(index, province)
    name = FOOTNOTE.sub(" ", name).strip() or name  # 'Sampit (18)': a note's number, not a province code
    if (split := _district_and_province(index, name)) is not None:
        # 'Banjar (Kalsel)', 'Kapuas, Kalimantan Tengah', 'Kab. Banjar - Kalimantan Selatan': the district, checked
        # against the province written with it (and against the province column, when both are given)
        district, named = split
        if province.code is not None and province.code != named.code:
            return _match_plain(index, district, province)  # two provinces: the district must be in the column's
        return _match_plain(index, district, named)
    alternates = name_alternates(name)
    if not alternates:
        return _match_plain(index, name, province)
    whole = _match_plain(index, name, province)  # 'Sawahlunto/Sijunjung' is itself a (former) name
    if whole.code is not None:
        return whole
    results = [_match_plain(index, alternate, province) for alternate in alternates]
    matched = {result.code for result in results if result.code}
    if len(matched) == 1 and not any(result.message == "ambiguous" for result in results):
        return next(result for result in results if result.code)
    if matched or any(result.message == "ambiguous" for result in results):
        codes = matched | {s.code for result in results for s in result.suggestions if result.message == "ambiguous"}
        return Match(None, None, "ambiguous", _suggestions(index, codes, jenis_and_words(name)[0], province))
    if all(result.message == "outside_area" for result in results):
        return Match(None, None, "outside_area")
    return Match(None, None, "unknown_name", _fuzzy(index, alternates[0], province))


@dataclass(frozen=True)
class _CodeRow:
    """A code whose system the row did not say: what each system reads, the old code it may be, and which
    reading its name confirmed. A code no system knows has no reading at all, and so counts against each."""

    readings: dict[str, str | None]
    historic: HistoricCode | None = None
    confirmed: str | None = None


NO_READING = {BPS: None, KEMENDAGRI: None}


@dataclass(frozen=True)
class CodeColumnNote:
    """The file's code column could not be read as district codes, so its rows were matched by name and
    province as if it had no code column. `form` names the id scheme when it is known ('gadm', 'hasc')."""

    form: str | None
    unreadable: int  # codes in the column that are no district code
    written: int  # codes written in the column at all
    examples: tuple[str, ...]

    @property
    def message(self) -> str:
        scheme = {"gadm": "ID GADM", "hasc": "kode HASC"}.get(self.form or "", "bukan kode BPS atau Kemendagri")
        return (
            f"Kolom kode tidak dipakai: {self.unreadable} dari {self.written} kode ({scheme}, mis. "
            f"{', '.join(self.examples)}) bukan kode kabupaten/kota. Baris dicocokkan dari nama dan provinsinya "
            f"saja; kode yang terbaca tetap diperiksa terhadap namanya."
        )


@dataclass(frozen=True)
class FileMatch:
    """Every row of one file matched: the matches in order, notes about the file, and the code column's fate."""

    matches: list[Match]
    notes: list[str]
    code_column: CodeColumnNote | None = None


def _conflict(index: DistrictIndex, codes, province: ProvinceRef) -> Match:
    return Match(None, None, "code_name_conflict", _suggestions(index, codes, None, province))


def _with_name(index: DistrictIndex, code: str, by_name: Match | None, province: ProvinceRef) -> Match:
    """The code's district, unless the row's name or province points elsewhere."""
    if by_name is not None:
        if by_name.code is not None and by_name.code != code:
            return _conflict(index, [code, by_name.code], province)
        if by_name.message == "outside_area":
            return _conflict(index, [code], province)
        if by_name.message == "ambiguous" and code not in {s.code for s in by_name.suggestions}:
            return _conflict(index, [code, *(s.code for s in by_name.suggestions)], province)
    if province.code is not None and index.provinces_of[code] != province.code:
        if index.split_year(code, province.code) is None:
            return _conflict(index, [code], province)
    return Match(code, "code", note=by_name.note if by_name and by_name.code == code else None)


def _historic_note(index: DistrictIndex, old: HistoricCode) -> str:
    return (
        f"Kode {old.code} adalah kode BPS lama {index.names[old.kemendagri]} (sampai {old.until}); "
        f"dicocokkan karena namanya sama. Kode BPS sekarang lain."
    )


def _historic_match(index: DistrictIndex, old: HistoricCode, by_name: Match | None, province: ProvinceRef) -> Match:
    """An old code matches its district only when the row's name names it; otherwise it is only offered."""
    if by_name is not None and by_name.code == old.kemendagri:
        return Match(old.kemendagri, "code", note=_historic_note(index, old))
    if by_name is not None and by_name.code is not None:
        return _conflict(index, [old.kemendagri, by_name.code], province)
    return Match(None, None, "historic_code", _historic_suggestions(index, old, province))


def _historic_suggestions(index: DistrictIndex, old: HistoricCode | None, province: ProvinceRef):
    if old is None or old.kemendagri not in index.in_area:
        return ()
    return (_suggestion(index, old.kemendagri, None, province, 100.0, BPS_HISTORIC),)


def _match_code(
    index: DistrictIndex, code_text: str, by_name: Match | None, province: ProvinceRef, system: str | None
) -> tuple[Match, _CodeRow | None]:
    code = parse_code(code_text)
    fallback = by_name.suggestions if by_name else ()
    if code is None:
        return Match(None, None, "bad_code", fallback), None
    if code.province not in index.province_names:
        return Match(None, None, "unknown_code", fallback), _CodeRow(NO_READING)
    if code.province not in index.area_provinces or (
        province.code is not None and province.code not in index.area_provinces
    ):
        return Match(None, None, "outside_area"), None
    readings = code_readings(code, index.crosswalk, index.names)
    old = historic_reading(code, index.crosswalk)
    said = system or code.system or (KEMENDAGRI if code.dotted else None)
    if said == BPS and code.dotted:
        said = None  # a dotted code in a column headed BPS: the file contradicts itself
    if said is not None:
        if readings[said] is None:
            if said == BPS and old is not None:
                return _historic_match(index, old, by_name, province), None
            return Match(None, None, "unknown_code", fallback), None
        return _with_name(index, readings[said], by_name, province), None
    options = {reading for reading in readings.values() if reading}
    if not options:
        if old is not None:
            return _historic_match(index, old, by_name, province), _CodeRow(readings, old)
        return Match(None, None, "unknown_code", fallback), _CodeRow(readings)
    if readings[BPS] == readings[KEMENDAGRI] and old is None:
        return _with_name(index, readings[BPS], by_name, province), _CodeRow(readings)
    named = set()
    if by_name is not None and by_name.code is not None:
        named = {by_name.code}
    elif by_name is not None and by_name.message in ("ambiguous", "other_province"):
        named = {s.code for s in by_name.suggestions}
    possible = options | ({old.kemendagri} if old else set())
    if by_name is not None and (by_name.code is not None or by_name.message == "outside_area"):
        if not named & possible:
            return _conflict(index, possible | named, province), _CodeRow(readings, old)
    chosen = named & possible
    if len(chosen) == 1:
        code_found = chosen.pop()
        if code_found not in options:  # the name confirms the old code
            return _historic_match(index, old, by_name, province), _CodeRow(readings, old, BPS_HISTORIC)
        system_found = BPS if readings[BPS] == code_found else KEMENDAGRI
        match = _with_name(index, code_found, None, province)
        return match, _CodeRow(readings, old, system_found)
    return _code_system_match(index, readings, old, province), _CodeRow(readings, old)


def _code_system_match(
    index: DistrictIndex, readings: dict[str, str | None], old: HistoricCode | None, province: ProvinceRef
) -> Match:
    """Unmatched: the code names one district as BPS and another as Kemendagri (or is an old code); offer each
    reading, labelled with its system."""
    suggestions = tuple(
        _suggestion(index, code, None, province, 100.0, system)
        for system, code in readings.items()
        if code and code in index.in_area
    ) + _historic_suggestions(index, old, province)
    return Match(None, None, "code_system", suggestions)


def _fits(read: list[str | None]) -> bool:
    """Every code read, and no district twice."""
    return bool(read) and all(read) and len(set(read)) == len(read)


def _file_system(rows: list[_CodeRow]) -> str | None:
    """The one code system every unlabelled code of the file is known in (no district twice, no name
    contradicting it), or None. A code no system knows counts against every reading; when the file's codes
    also fit as old BPS codes (data/kode_lama.csv), no reading is chosen: it may be an old file."""
    consistent = {system for system in (BPS, KEMENDAGRI) if _fits([row.readings[system] for row in rows])}
    if any(row.historic for row in rows) and _fits(
        [row.readings[BPS] or (row.historic.kemendagri if row.historic else None) for row in rows]
    ):
        consistent.add(BPS_HISTORIC)
    confirmed = {row.confirmed for row in rows if row.confirmed}
    options = consistent & confirmed if confirmed else consistent
    chosen = options.pop() if len(options) == 1 and len(confirmed) <= 1 else None
    return chosen if chosen in (BPS, KEMENDAGRI) else None


def match_one(index: DistrictIndex, row: RowInput, code_system: str | None = None) -> tuple[Match, _CodeRow | None]:
    """Match one row on its own; a code whose system is unknown is left to match_rows to settle."""
    name = str(row.name or "").strip()
    code_text = str(row.code or "").strip()
    province = _province_ref(index, row.province)
    if (both := CODE_AND_NAME.match(name)) and parse_code(both.group(1)):
        if not code_text or parse_code(code_text) == parse_code(both.group(1)):
            code_text, name = both.group(1), both.group(2).strip()
    typed_code = parse_code(name) if name else None
    if typed_code is not None:  # a code typed into the name column is a code
        if not code_text:
            code_text, name = name, ""
        elif parse_code(code_text) == typed_code:
            name = ""
        else:
            return Match(None, None, "code_name_conflict"), None
    by_name = match_name(index, name, province) if name else None
    if not code_text:
        return (by_name or Match(None, None, "empty")), None
    return _match_code(index, code_text, by_name, province, code_system)


def _unreadable_code_column(rows: list[RowInput]) -> CodeColumnNote | None:
    """The code column, when at least half of its codes are no district code (GADM or HASC ids, database or
    courier ids): then it says nothing about the districts and the names decide."""
    written = [str(row.code).strip() for row in rows if str(row.code or "").strip()]
    unreadable = [code for code in written if parse_code(code) is None]
    if not written or len(unreadable) * 2 < len(written):
        return None
    forms = {foreign_form(code) for code in unreadable}
    form = forms.pop() if len(forms) == 1 else None
    return CodeColumnNote(form, len(unreadable), len(written), tuple(unreadable[:3]))


def match_rows(index: DistrictIndex, rows: list[RowInput], code_system: str | None = None) -> FileMatch:
    """Match every row of one file; return the matches in order and notes about the file as a whole.

    `code_system` (bps/kemendagri) is what the file's code column holds, when its header or the user says so.
    Otherwise a bare code that two systems read differently is settled by the row's name, then by the file:
    if only one reading fits every code of the file, it is used and a note says so. A code column that holds
    no district codes is set aside (`code_column`), and its rows are matched by name and province.
    """
    code_column = _unreadable_code_column(rows)
    if code_column is not None:
        # a row without a name keeps its code, to be reported as not a district code
        rows = [
            RowInput(row.name, None, row.province) if str(row.name or "").strip() and not parse_code(row.code) else row
            for row in rows
        ]
    results = [match_one(index, row, code_system) for row in rows]
    decided = _file_system([code_row for _, code_row in results if code_row is not None])
    matches, used = [], 0
    for row, (match, code_row) in zip(rows, results, strict=True):
        if match.message == "code_system" and decided and code_row and code_row.readings[decided]:
            # the file's reading, still checked against the row's province
            match = _with_name(index, code_row.readings[decided], None, _province_ref(index, row.province))
            used += match.code is not None
        matches.append(match)
    notes = []
    if used:
        notes.append(
            f"Kode dibaca sebagai {SYSTEM_LABELS[decided]} untuk {used} baris: hanya bacaan itu cocok dengan "
            f"seluruh kode di berkas. Bila keliru, unggah lagi dan pilih sistem kodenya."
        )
    return FileMatch(matches, notes, code_column)


def match_district(
    index: DistrictIndex, name: str | None = None, code: str | None = None, province: str | None = None
) -> Match:
    """Match one input row by code, name and province text (a lone row: a code read two ways stays open)."""
    return match_rows(index, [RowInput(name, code, province)]).matches[0]


def alias_refusal(index: DistrictIndex, alias: str, suggestion: dict) -> str | None:
    """Why `alias` may not be saved as another name of the suggested district, or None when it may."""
    target = index.names.get(suggestion.get("code"), suggestion.get("code"))
    if suggestion.get("system"):
        return "Kode tidak disimpan sebagai nama lain; pilih sistem kodenya saat mengunggah."
    if parse_code(alias) is not None or not split_jenis(alias)[1]:
        return f"'{alias}' bukan nama wilayah, jadi tidak disimpan sebagai nama lain."
    if suggestion.get("jenis_differs"):
        return (
            f"Tidak disimpan sebagai nama lain: '{alias}' menyebut jenis (Kabupaten/Kota) yang berbeda dari {target}."
        )
    if suggestion.get("province_differs"):
        return f"Tidak disimpan sebagai nama lain: provinsi baris ini berbeda dari provinsi {target}."
    if _names_another_district(index, alias, suggestion.get("code")):
        return f"Tidak disimpan sebagai nama lain: '{alias}' adalah nama resmi wilayah lain, bukan {target}."
    return None
