"""What the app reads once: prepared boundaries, matching index, level schemes, scopes, database, map cache."""

from __future__ import annotations

import functools
import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from flask import Flask, Response, current_app, make_response, request
from sqlalchemy.engine import Engine

from geo.boundaries import REPORT_FILE, Boundaries, BoundaryError, district_table, read_boundaries, read_name_lists
from geo.codes import CodeError, read_crosswalk
from geo.compare import district_neighbours
from geo.history import saved_aliases, saved_aliases_stamp
from geo.levels import Scheme, read_schemes
from geo.matching import DistrictIndex, build_index, read_aliases
from geo.scopes import Scope, build_scopes
from geo.search import SearchEntry, search_entries
from geo.store import StoreError, connect
from web.security import script_hashes


@dataclass(frozen=True)
class CachedPage:
    """A page as sent: its bytes, compressed once, and the CSP hashes of its inline scripts."""

    html: bytes
    gzipped: bytes
    script_hashes: tuple[str, ...]


def cached_page(html: str) -> CachedPage:
    """Prepare a rendered page for the cache (compressing 1.5 MB costs ~80 ms: once, not on every hit)."""
    data = html.encode()
    return CachedPage(data, gzip.compress(data, compresslevel=6), script_hashes(html))


def page_response(page: CachedPage) -> Response:
    """The response for a cached page: gzip when the client takes it, and the page's script hashes for CSP."""
    compressed = request.accept_encodings["gzip"] > 0
    response = make_response(page.gzipped if compressed else page.html)
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.script_hashes = page.script_hashes
    return response


class StartupError(Exception):
    """The app cannot start; the message names the file and the fix."""


class LRUCache:
    """A small thread-safe cache of rendered results, keyed by everything they depend on."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()
        self.hits = self.misses = 0

    def get_or_make(self, key: Hashable, make: Callable[[], object]) -> object:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                self.hits += 1
                return self.items[key]
        value = make()
        with self.lock:
            self.misses += 1
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
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


def matching_index(config, districts: pd.DataFrame, engine: Engine) -> DistrictIndex:
    """The matching index: every district of Indonesia (written at boundary preparation), the area served,
    the code crosswalk, province spellings and splits, and the alias data plus the aliases editors saved."""
    data = Path(config["ALIASES_FILE"]).parent
    aliases = pd.concat([read_aliases(Path(config["ALIASES_FILE"])), saved_aliases(engine)], ignore_index=True)
    provinces = pd.read_csv(config["PROVINCE_ALIASES_FILE"], dtype=str, keep_default_na=False)
    splits = pd.read_csv(config.get("PROVINCE_SPLITS_FILE") or data / "province_splits.csv", dtype=str)
    crosswalk = read_crosswalk(Path(config.get("CROSSWALK_FILE") or data / "kode_bps_kemendagri.csv"))
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


def search_index(resources: Resources) -> list[SearchEntry]:
    """Names and every alias of each district, for the map's search box; rebuilt when an alias is saved."""
    stamp = saved_aliases_stamp(resources.engine)

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


def load_resources(app: Flask) -> Resources:
    """Read everything the app needs once; raise StartupError with a hint when something is missing."""
    config = app.config
    try:
        boundaries, districts, neighbours = read_prepared(Path(config["BOUNDARIES_DIR"]))
        schemes = read_schemes(Path(config["LEVELS_FILE"]))
        engine = connect(config["DATABASE_URL"])
        index_stamp = saved_aliases_stamp(engine)
        index = matching_index(config, districts, engine)
    except (BoundaryError, CodeError, StoreError, OSError, ValueError) as error:
        raise StartupError(f"Peta Cakupan cannot start: {error}") from error
    resources = Resources(
        boundaries=boundaries,
        index=index,
        schemes=schemes,
        scopes=build_scopes(districts),
        engine=engine,
        cache=LRUCache(int(config["MAP_CACHE_SIZE"])),
        neighbours=neighbours,
        index_stamp=index_stamp,
    )
    app.extensions["peta"] = resources
    return resources


def get_resources() -> Resources:
    """Return the app's resources, loading them on first use."""
    app = current_app._get_current_object()
    return app.extensions.get("peta") or load_resources(app)
