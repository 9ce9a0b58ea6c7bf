"""The lookup tables matching reads (geo.matching): every district and province of Indonesia, the area served,
the aliases (data/aliases.csv and those editors saved) and which of them may be saved, and province texts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo.codes import Crosswalk, parse_code
from geo.fuzzy import FuzzyChoices, prepare_choices
from geo.names import PARENTHESES, fuzzy_text, jenis_and_words, province_key, split_jenis


class MatchingError(Exception):
    """The alias data cannot be read."""


@dataclass(frozen=True)
class Candidate:
    code: str
    jenis: str
    method: str


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
        choices[fuzzy_text(row.nama)] = row.kode
    for kode_prov, name in index.province_names.items():
        index.province_keys[province_key(name)] = kode_prov
        index.province_keys[kode_prov] = kode_prov
    for row in aliases.itertuples():
        if row.kode not in index.in_area:
            continue  # an alias for a district outside the configured scope
        jenis, key = split_jenis(row.alias)
        if not key or _names_another_district(index, row.alias, row.kode, row.jenis or None):
            index.ignored_aliases.append(row.alias)
            continue
        index.by_key[key].append(Candidate(row.kode, row.jenis or jenis or "", "alias"))
        index.choices.setdefault(fuzzy_text(row.alias), row.kode)
    for row in province_aliases.itertuples():
        index.province_keys[province_key(row.alias)] = row.kode_prov
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


@dataclass(frozen=True)
class ProvinceRef:
    """The province column of a row: its code when recognised, and the text as written."""

    code: str | None
    text: str

    @property
    def unrecognised(self) -> bool:
        return self.code is None and bool(self.text)


def resolve_province(index: DistrictIndex, text: str | None) -> str | None:
    """Return the kode_prov a province name, alias or code stands for, or None."""
    return province_ref(index, text).code


def whole_province(index: DistrictIndex, text: str | None) -> str | None:
    """The province a name is in its entirety ('Kalimantan Tengah', 'Provinsi Jambi', 'Aceh (NAD)', 'Jambi (15)'),
    or None. 'Kabupaten Kapuas (Kalimantan Tengah)', 'Banjar, Kalsel', 'Bengkulu (Kota)' and 'Sampit (18)' are
    not provinces: something in them is not the province's name."""
    text = str(text or "").strip()
    if not text:
        return None
    if code := index.province_keys.get(province_key(text)):
        return code
    inner, outer = " ".join(PARENTHESES.findall(text)).strip(), PARENTHESES.sub(" ", text).strip()
    if inner and outer and "(" not in outer and ")" not in outer:
        named = index.province_keys.get(province_key(outer))
        return named if named and index.province_keys.get(province_key(inner)) == named else None
    return None


def province_ref(index: DistrictIndex, text: str | None) -> ProvinceRef:
    """Read a row's province column: the province its text names (as written, without or inside parentheses)."""
    text = str(text or "").strip()
    if not text:
        return ProvinceRef(None, "")
    inner = " ".join(PARENTHESES.findall(text))
    for variant in (text, PARENTHESES.sub(" ", text), inner):
        if variant.strip() and (code := index.province_keys.get(province_key(variant))):
            return ProvinceRef(code, text)
    return ProvinceRef(None, text)
