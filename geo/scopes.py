"""Map scopes: the whole product area, each island group and each province, as a registry of records."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

ISLAND_GROUPS = {"sumatera": "Sumatera", "kalimantan": "Kalimantan"}
DEFAULT_SCOPE = "kalimantan-sumatera"


class UnknownScope(KeyError):
    """A scope that does not exist; the message lists the valid ones."""

    def __init__(self, key: str, valid: list[str]):
        super().__init__(key)
        self.key, self.valid = key, valid

    def __str__(self) -> str:
        return f"Unknown scope '{self.key}'. Valid: {', '.join(self.valid)}"


@dataclass(frozen=True)
class Scope:
    slug: str
    name: str
    kind: str  # "all", "island" or "province"
    province_codes: tuple[str, ...]


def slugify(text: str) -> str:
    """'Kalimantan Tengah' -> 'kalimantan-tengah'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def build_scopes(districts: pd.DataFrame) -> dict[str, Scope]:
    """Build every scope the prepared districts allow, keyed by slug."""
    provinces = districts[["kode_prov", "provinsi", "pulau"]].drop_duplicates().sort_values("kode_prov")
    islands = [slug for slug, name in ISLAND_GROUPS.items() if name in set(provinces["pulau"])]
    scopes = {}
    if set(provinces["pulau"]) - set(ISLAND_GROUPS.values()):  # configured for more than the product's area
        scopes["indonesia"] = Scope("indonesia", "Indonesia", "all", tuple(provinces["kode_prov"]))
    if len(islands) > 1:
        name = " & ".join(ISLAND_GROUPS[slug] for slug in sorted(islands))
        codes = provinces.loc[provinces["pulau"].isin(ISLAND_GROUPS.values()), "kode_prov"]
        scopes[DEFAULT_SCOPE] = Scope(DEFAULT_SCOPE, name, "all", tuple(codes))
    for slug in islands:
        codes = provinces.loc[provinces["pulau"] == ISLAND_GROUPS[slug], "kode_prov"]
        scopes[slug] = Scope(slug, ISLAND_GROUPS[slug], "island", tuple(codes))
    for row in provinces.itertuples():
        scopes[slugify(row.provinsi)] = Scope(slugify(row.provinsi), row.provinsi, "province", (row.kode_prov,))
    return scopes


def get_scope(scopes: dict[str, Scope], key: str) -> Scope:
    """Return a scope by slug or province code ('62'); raise UnknownScope listing the valid slugs."""
    if key in scopes:
        return scopes[key]
    for scope in scopes.values():
        if scope.kind == "province" and scope.province_codes == (key,):
            return scope
    raise UnknownScope(key, list(scopes))


def default_scope(scopes: dict[str, Scope]) -> str:
    """Return the widest scope: both island groups, else the first one."""
    return DEFAULT_SCOPE if DEFAULT_SCOPE in scopes else next(iter(scopes))
