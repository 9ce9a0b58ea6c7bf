"""`make bench-growth`: what a request costs as the saved aliases grow (issue 25 item 2, "O(1) per request").

In one run, on SQLite files in a temporary folder, with the bundled samples loaded:

- the cached map hit (`/map/kalimantan-sumatera?series=contoh&period=2025-12`, brotli) with 0 and with 20.000
  saved aliases: p50 of 200 requests each through Flask's test client, the two apps taking turns (in process:
  no sockets or gunicorn, so the times are the app's own work per request), and the page's bytes;
- the bytes (brotli) of that page, of a period switch's values.json and of the search terms the search box
  fetches, with 0 and with 20.000 saved aliases;
- the analysis of a 5.000-row file with 500 unmatched names (analyse_upload with the matching index, the
  index built before the clock starts) with 20.000 saved aliases.

It prints each against its goal: the hit with 20.000 aliases within 1,2× of the hit with none, the page and
values.json within 1,05× of their bytes with none, the analysis ≤ 5 s. `--profile` prints cProfile's top
functions of the analysis instead. The 60 periods are `make bench-timeline`; the 440 districts
`scripts/bench_districts.py`, which `make bench-growth` runs after this.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# A throwaway secret, so the bench never makes one in the real instance folder (as tests/conftest.py).
os.environ.setdefault("PETA_SECRET_KEY", "bench-only-" + "0" * 40)

from sqlalchemy.orm import Session  # noqa: E402

from app import create_app  # noqa: E402
from geo.boundaries import district_table  # noqa: E402
from geo.drafts import Upload, analyse_upload  # noqa: E402
from geo.matching import match_district  # noqa: E402
from geo.names import normalize_words  # noqa: E402
from geo.saved_aliases import SavedAlias  # noqa: E402
from web.resources import current_index, get_resources  # noqa: E402

PAGE = "/map/kalimantan-sumatera?series=contoh&period=2025-12"
# What a period switch on that page fetches (static/js/switch.js: the page's parts and the table's panel).
VALUES = "/map/kalimantan-sumatera/values.json?series=contoh&period=2025-12&parts=page&table=1"
TERMS = "/api/search-terms?scope=kalimantan-sumatera"  # what the search box fetches on its first use
ALIASES = 20_000
ROWS, UNMATCHED = 5_000, 500
HITS = 200
HIT_GOAL, ANALYSIS_GOAL, BYTES_GOAL = 1.2, 5.0, 1.05
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(rng: np.random.Generator, name: str, edits: int) -> str:
    """The name with `edits` letters replaced, dropped or added (never the first letter of a word)."""
    letters = list(name)
    for _ in range(edits):
        places = [i for i, c in enumerate(letters) if c.isalpha() and i > 0 and letters[i - 1] != " "]
        at = int(rng.choice(places))
        kind = rng.integers(3)
        if kind == 0:
            letters[at] = str(rng.choice(list(LETTERS)))
        elif kind == 1 and len(places) > 3:
            del letters[at]
        else:
            letters.insert(at, str(rng.choice(list(LETTERS))))
    return "".join(letters)


def growth_aliases(names: dict[str, str], count: int, seed: int = 25) -> list[tuple[str, str]]:
    """`count` distinct (alias, kode): misspellings of the area's district names, as editors save them."""
    rng = np.random.default_rng(seed)
    codes, official = sorted(names), {"".join(normalize_words(n)) for n in names.values()}
    made: dict[str, str] = {}
    while len(made) < count:
        code = codes[len(made) % len(codes)]
        text = typo(rng, names[code], int(rng.integers(1, 4)))
        if "".join(normalize_words(text)) not in official:
            made.setdefault(text, code)
    return list(made.items())


def make_app(folder: Path, name: str):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / name}.db"})
    result = app.test_cli_runner().invoke(args=["coverage", "load-samples"])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    return app


def save_aliases(app, aliases: list[tuple[str, str]]) -> None:
    """Saved aliases written in one transaction (geo.saved_aliases.save_alias audits each; the bench needs rows)."""
    with app.app_context():
        resources = get_resources()
        table = district_table(resources.boundaries)
        jenis = dict(zip(table["kode"], table["jenis"], strict=True))
        now = datetime.now(UTC)
        with Session(resources.engine) as session, session.begin():
            session.add_all(
                SavedAlias(alias=text, jenis=jenis[code], kode=code, created_by="bench", created_at=now)
                for text, code in aliases
            )


def cached_hits(apps: list) -> list[tuple[float, int]]:
    """(p50 ms, brotli bytes) of the cached map page for each app: one request each to fill the cache, then HITS
    timed, the apps taking turns so that a busy machine slows each alike."""
    clients, headers = [app.test_client() for app in apps], {"Accept-Encoding": "br"}
    sizes = []
    for client in clients:
        first = client.get(PAGE, headers=headers)
        assert first.status_code == 200, first.status_code
        sizes.append(len(first.data))
    times: list[list[float]] = [[] for _ in apps]
    for _ in range(HITS):
        for client, spent in zip(clients, times, strict=True):
            start = time.perf_counter()
            response = client.get(PAGE, headers=headers)
            spent.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    return [(statistics.median(spent), size) for spent, size in zip(times, sizes, strict=True)]


def brotli_bytes(app, url: str) -> int | None:
    """The bytes of an answer as a browser taking brotli receives them (None when the app has no such address)."""
    response = app.test_client().get(url, headers={"Accept-Encoding": "br"})
    if response.status_code == 404:
        return None
    assert response.status_code == 200, (url, response.status_code)
    return len(response.data)


def print_sizes(none_app, grown_app, count: int) -> None:
    """The page, a period switch's values.json and the search terms, with 0 and `count` aliases, against the goal
    that the page and values.json do not grow with the aliases (only the terms, fetched by a search, may)."""
    print(f"Bytes (brotli) with 0 vs {count} saved aliases:")
    for label, url, goal in (("map page", PAGE, True), ("values.json", VALUES, True), ("search terms", TERMS, False)):
        base, grown = brotli_bytes(none_app, url), brotli_bytes(grown_app, url)
        if base is None or grown is None:
            print(f"  {label} ({url}): not served")
            continue
        ratio = grown / base
        verdict = f" (goal <= {BYTES_GOAL}x: {'ok' if ratio <= BYTES_GOAL else 'OVER'})" if goal else ""
        print(f"  {label}: {base / 1000:.1f} KB vs {grown / 1000:.1f} KB; {ratio:.2f}x{verdict}")


def growth_file(app, aliases: list[tuple[str, str]], seed: int = 26) -> bytes:
    """ROWS rows: the area's districts by name over and over, and UNMATCHED misspellings no alias or rule matches."""
    rng = np.random.default_rng(seed)
    with app.app_context():
        index = current_index()
        names = {code: index.names[code] for code in sorted(index.in_area)}
        saved = {text for text, _ in aliases}
        unmatched: list[str] = []
        while len(unmatched) < UNMATCHED:
            text = typo(rng, names[str(rng.choice(list(names)))], int(rng.integers(2, 4)))
            if text not in saved and text not in unmatched and match_district(index, text).code is None:
                unmatched.append(text)
    matched = [names[code] for code in names]
    rows = [matched[i % len(matched)] for i in range(ROWS - UNMATCHED)] + unmatched
    lines = ["wilayah,peserta,pekerja"] + [f'"{name}",{1000 + i},{5000 + i}' for i, name in enumerate(rows)]
    return ("\n".join(lines) + "\n").encode()


def analysis_seconds(app, data: bytes, profile: bool) -> float:
    """Seconds analyse_upload takes on `data` (the index is built first, as the running app has it)."""
    with app.app_context():
        engine, index = get_resources().engine, current_index()
        profiler = cProfile.Profile() if profile else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        report = analyse_upload(engine, index, Upload(data, "tumbuh.csv", "2026-01"))
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - start
        unmatched = sum(1 for row in report.rows if row.code is None)
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue())
    print(f"  (the report: {len(report.rows)} rows, {unmatched} unmatched)")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="cProfile the analysis")
    parser.add_argument("--aliases", type=int, default=ALIASES)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="peta-growth-") as folder:
        none_app = make_app(Path(folder), "none")
        grown_app = make_app(Path(folder), "grown")
        with grown_app.app_context():
            names = {code: current_index().names[code] for code in current_index().in_area}
        aliases = growth_aliases(names, options.aliases)
        save_aliases(grown_app, aliases)
        (base_ms, base_bytes), (grown_ms, grown_bytes) = cached_hits([none_app, grown_app])
        ratio = grown_ms / base_ms
        print(f"Cached map hit ({PAGE}, brotli, Flask test client, p50 of {HITS}):")
        print(f"  0 aliases: {base_ms:.2f} ms, {base_bytes / 1000:.1f} KB")
        verdict = "ok" if ratio <= HIT_GOAL else "OVER"
        print(
            f"  {len(aliases)} aliases: {grown_ms:.2f} ms, {grown_bytes / 1000:.1f} KB; "
            f"{ratio:.2f}x (goal <= {HIT_GOAL}x: {verdict})"
        )
        print_sizes(none_app, grown_app, len(aliases))
        data = growth_file(grown_app, aliases)
        seconds = analysis_seconds(grown_app, data, options.profile)
        verdict = "ok" if seconds <= ANALYSIS_GOAL else "OVER"
        print(
            f"Analysis of a {ROWS}-row file with {UNMATCHED} unmatched names, {len(aliases)} aliases: "
            f"{seconds:.2f} s ({seconds / ANALYSIS_GOAL:.2f} of the {ANALYSIS_GOAL:.0f} s goal: {verdict})"
        )
        print("Not measured here: the other growth cases of issue 25 (60 periods, 440 districts).")


if __name__ == "__main__":
    main()
