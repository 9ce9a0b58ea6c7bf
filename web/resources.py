"""What the app reads once: prepared boundaries, matching index, level schemes, scopes, database, map cache."""

from __future__ import annotations

import dataclasses
import functools
import sys
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

import cachetools
import pandas as pd
from flask import Flask, Response, current_app, g
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from geo.boundaries import REPORT_FILE, Boundaries, BoundaryError, district_table, read_boundaries, read_name_lists
from geo.codes import CodeError, read_crosswalk, read_historic_codes
from geo.compact import TopologyError
from geo.compare import district_neighbours
from geo.district_index import DistrictIndex, build_index, read_aliases
from geo.latest import DEFAULT_WINDOW_MONTHS, MAX_WINDOW_MONTHS
from geo.levels import Scheme, read_schemes
from geo.results import SHARED
from geo.saved_aliases import AliasStamp, saved_aliases, saved_aliases_stamp
from geo.scopes import Scope, build_scopes
from geo.search import SearchEntry, search_entries
from geo.store import StoreError, connect
from geo.topology import (
    TopologyFile,
    TopologyRef,
    detail_topologies,
    read_manifest,
    read_topology_text,
    scope_topology,
)
from web.encoding import StoredBody, store_body, stored_response
from web.security import script_hashes, without_nonces


def cached_page(html: str) -> StoredBody:
    """Prepare a rendered page for the cache: compressed once, with the CSP hashes of its inline scripts. The nonce
    of the request that rendered it is taken off (the hashes allow its scripts), so the page is the same bytes
    whichever worker or machine rendered it: one ETag."""
    html = without_nonces(html)
    return store_body(html, "text/html", script_hashes(html))


def page_response(page: StoredBody) -> Response:
    """The response for a cached page (the encoding the client takes, ETag, 304; script hashes for CSP)."""
    return stored_response(page)


class StartupError(Exception):
    """The app cannot start; the message names the file and the fix."""


def size_of(value: object, depth: int = 0, seen: set[int] | None = None) -> int:
    """Roughly how many bytes a cached value holds: bodies and text exactly, frames by pandas' deep count.

    Shapely geometries are shared with the prepared boundaries (a scope's frame selects rows, it does not
    copy outlines), so a frame is counted without them. An object reached twice (one frame under two names) is
    counted once; a dataclass counts what it holds, computed properties included, but not its SHARED fields.
    """
    seen = set() if seen is None else seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, StoredBody):
        return value.size
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(deep=True, index=True).sum())
    if depth > 3:
        return sys.getsizeof(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        shared = {f.name for f in fields if f.metadata.get(SHARED)}
        held = getattr(value, "__dict__", None) or {f.name: getattr(value, f.name) for f in fields}
        for name in shared:  # what the shared entry holds is counted there, not again under another name here
            size_of(held.get(name), depth + 1, seen)
        return sum(size_of(item, depth + 1, seen) for name, item in held.items() if name not in shared) + 64
    if isinstance(value, dict):
        return sum(size_of(k, depth + 1, seen) + size_of(v, depth + 1, seen) for k, v in value.items()) + 64
    if isinstance(value, list | tuple | set | frozenset):
        return sum(size_of(item, depth + 1, seen) for item in value) + 56
    return sys.getsizeof(value)


class LRUCache:
    """A thread-safe cache of rendered results, keyed by everything they depend on, bounded in bytes
    (PETA_CACHE_BYTES): the least recently used entries go first; a value larger than the bound is not kept."""

    def __init__(self, max_bytes: int):
        # Each entry is (value, its size): a value is measured once, when it is made.
        self.items = cachetools.LRUCache(maxsize=max_bytes, getsizeof=lambda entry: entry[1])
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    @property
    def size(self) -> int:
        """Bytes held now."""
        return int(self.items.currsize)

    def get_or_make(self, key: Hashable, make: Callable[[], object]) -> object:
        with self.lock:
            if key in self.items:
                self.hits += 1
                return self.items[key][0]  # reading marks it recently used
        value = make()
        size = size_of(value)
        with self.lock:
            self.misses += 1
            if size <= self.items.maxsize:
                self.items[key] = (value, size)
        return value


@dataclass
class Resources:
    boundaries: Boundaries
    index: DistrictIndex
    schemes: dict[str, Scheme]
    scopes: dict[str, Scope]
    engine: Engine
    cache: LRUCache
    neighbours: dict[str, list[str]]
    index_stamp: tuple = ()
    # The live versions last read from the database: while it cannot be reached, pages already in the cache
    # are still served for them.
    last_live: tuple | None = None
    last_aliases_stamp: tuple | None = None  # likewise the saved aliases' stamp last read (aliases_stamp)
    latest_window: int = DEFAULT_WINDOW_MONTHS  # months the terbaru view reaches back (PETA_LATEST_WINDOW_MONTHS)


def matching_index(config, districts: pd.DataFrame, engine: Engine) -> DistrictIndex:
    """The matching index: every district of Indonesia (written at boundary preparation), the area served,
    the code crosswalk, province spellings and splits, and the alias data plus the aliases editors saved."""
    data = Path(config["ALIASES_FILE"]).parent
    aliases = pd.concat([read_aliases(Path(config["ALIASES_FILE"])), saved_aliases(engine)], ignore_index=True)
    provinces = pd.read_csv(config["PROVINCE_ALIASES_FILE"], dtype=str, keep_default_na=False)
    splits = pd.read_csv(config.get("PROVINCE_SPLITS_FILE") or data / "province_splits.csv", dtype=str)
    crosswalk = read_crosswalk(Path(config.get("CROSSWALK_FILE") or data / "kode_bps_kemendagri.csv"))
    crosswalk = read_historic_codes(Path(config.get("HISTORIC_CODES_FILE") or data / "kode_lama.csv"), crosswalk)
    indonesia, _ = read_name_lists(Path(config["BOUNDARIES_DIR"]))
    return build_index(districts, aliases, provinces, indonesia=indonesia, splits=splits, crosswalk=crosswalk)


def current_index() -> DistrictIndex:
    """The matching index, rebuilt when any instance sharing the database saved an alias since it was built."""
    resources = get_resources()
    stamp = saved_aliases_stamp(resources.engine)
    if stamp != resources.index_stamp:
        resources.index = matching_index(current_app.config, district_table(resources.boundaries), resources.engine)
        resources.index_stamp = stamp
    return resources.index


def aliases_stamp(resources: Resources) -> AliasStamp:
    """The saved aliases' stamp, read once per request: the search terms (web.api search_terms) are made and cached
    by it, so an alias saved on any instance shows in search at once. Pages carry no alias and are not keyed by it."""
    if "peta_aliases_stamp" not in g:
        try:
            resources.last_aliases_stamp = saved_aliases_stamp(resources.engine)
        except OperationalError:
            if resources.last_aliases_stamp is None:
                raise
            # The database is down: keep the last stamp, so cached pages are still served (as live_snapshot does).
        g.peta_aliases_stamp = resources.last_aliases_stamp
    return g.peta_aliases_stamp


def search_index(resources: Resources) -> list[SearchEntry]:
    """Names and every alias of each district, for the map's search box; rebuilt when an alias is saved."""
    stamp = aliases_stamp(resources)

    def make() -> list[SearchEntry]:
        aliases = pd.concat(
            [read_aliases(Path(current_app.config["ALIASES_FILE"])), saved_aliases(resources.engine)], ignore_index=True
        )
        return search_entries(district_table(resources.boundaries), aliases)

    return resources.cache.get_or_make(("search", stamp), make)


@functools.lru_cache(maxsize=4)
def _prepared(folder: str, stamp: int) -> tuple[Boundaries, pd.DataFrame, dict[str, list[str]]]:
    """Prepared boundaries with their district table and neighbours, read once per preparation (stamp)."""
    boundaries = read_boundaries(Path(folder))
    return boundaries, district_table(boundaries), district_neighbours(boundaries.districts)


def read_prepared(folder: Path) -> tuple[Boundaries, pd.DataFrame, dict[str, list[str]]]:
    """Read the prepared boundaries, sharing them between apps in one process until they are prepared again."""
    report = folder / REPORT_FILE
    return _prepared(str(folder.resolve()), report.stat().st_mtime_ns if report.exists() else 0)


@functools.lru_cache(maxsize=4)
def _manifest(folder: str, stamp: int) -> dict[str, TopologyFile]:
    return read_manifest(Path(folder))


def topology_manifest() -> dict[str, TopologyFile]:
    """The served geometry's manifest (geo.topology), read once per preparation."""
    folder = Path(current_app.config["BOUNDARIES_DIR"])
    report = folder / REPORT_FILE
    return _manifest(str(folder.resolve()), report.stat().st_mtime_ns if report.exists() else 0)


def scope_geometry(scope: Scope) -> TopologyRef:
    """The topology a scope's page loads: the overview, or the province's detail file."""
    return scope_topology(topology_manifest(), scope)


def scope_detail_geometry(scope: Scope) -> tuple[TopologyRef, ...]:
    """The detail topologies of a scope's provinces, for deep zoom."""
    return detail_topologies(topology_manifest(), scope)


def topology_text(ref: TopologyRef) -> str:
    """A topology file's text, for the offline HTML export to inline."""
    return read_topology_text(Path(current_app.config["BOUNDARIES_DIR"]), topology_manifest(), ref)


def latest_window_of(value: object) -> int:
    """The configured window of the terbaru view in whole months; raise ValueError with a hint."""
    text = str(value).strip()
    if not text.isdigit() or int(text) > MAX_WINDOW_MONTHS:
        raise ValueError(
            f"PETA_LATEST_WINDOW_MONTHS '{text[:20]}' is not a whole number of months from 0 to {MAX_WINDOW_MONTHS}. "
            f"Hint: set it to e.g. {DEFAULT_WINDOW_MONTHS}."
        )
    return int(text)


def load_resources(app: Flask) -> Resources:
    """Read everything the app needs once; raise StartupError with a hint when something is missing."""
    config = app.config
    try:
        boundaries, districts, neighbours = read_prepared(Path(config["BOUNDARIES_DIR"]))
        read_manifest(Path(config["BOUNDARIES_DIR"]))  # the served geometry must be there too
        schemes = read_schemes(Path(config["LEVELS_FILE"]))
        engine = connect(config["DATABASE_URL"])
        index_stamp = saved_aliases_stamp(engine)
        index = matching_index(config, districts, engine)
        window = latest_window_of(config.get("LATEST_WINDOW_MONTHS", DEFAULT_WINDOW_MONTHS))
    except (BoundaryError, CodeError, StoreError, TopologyError, OSError, ValueError) as error:
        raise StartupError(f"Peta Cakupan cannot start: {error}") from error
    resources = Resources(
        boundaries=boundaries,
        index=index,
        schemes=schemes,
        scopes=build_scopes(districts),
        engine=engine,
        cache=LRUCache(int(config["CACHE_BYTES"])),
        neighbours=neighbours,
        index_stamp=index_stamp,
        latest_window=window,
    )
    app.extensions["peta"] = resources
    return resources


def get_resources() -> Resources:
    """Return the app's resources, loading them on first use."""
    app = current_app._get_current_object()
    return app.extensions.get("peta") or load_resources(app)
