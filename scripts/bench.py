"""`make bench`: Peta Cakupan beside a plain `folium.Choropleth` page of the same 210 districts and data.

Both are served by gunicorn with 2 workers on 127.0.0.1 (free ports), on an equal footing: each renders a view
once and then sends it from memory (brotli/gzip made once, ETag), and folium's CDN files are served by its server
from the packages they come in (scripts/bench_folium.py; files no registry carries are listed, not counted).
Every worker renders one untimed view before anything is measured (scripts/bench_gunicorn.py), so the warm-up
is reported apart from the cold render of a new view. The server workers and the load client run on different
CPUs where there are two, and the client's CPU time ÷ wall time is printed with each throughput, beside the
server's CPU time per request and the load average. Measured: bytes for a first visit (the page and every script
and stylesheet it names) and for switching period, server time (warm-up, cold, warm p50/p99, compression
included, at the client), throughput of cached answers (wrk when it is installed or can be installed with apt,
else a bounded loop of Python threads), a tiny JSON answer for scale, and the ratios ours ÷ folium.
About two minutes.
"""

from __future__ import annotations

import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_folium import CDN_FILES, fetch_cdn_files  # noqa: E402  (scripts/ is on the path: this script's folder)
from bench_serve import ACCEPT, CLIENT_CPUS, PINNING, WORKERS, Answer, Server, decoded, get, serve  # noqa: E402
from page_assets import Assets  # noqa: E402

SCOPE = "kalimantan-sumatera"
QUERY = "series=contoh&period=2025-12"
SWITCH_QUERY = "series=contoh&period=2025-06"
PAGE = f"/map/{SCOPE}?{QUERY}"
VALUES = f"/map/{SCOPE}/values.json?{SWITCH_QUERY}"
# What the map page's own controls fetch to switch period or view in place (static/js/controls.js, switch.js):
# the values without the names the map has (names=0), the parts that change and the table's panel (table=1).
SWITCH = f"/map/{SCOPE}/values.json?period=2025-06&series=contoh&view=cakupan&parts=page&table=1&names=0"
SWITCH_VIEW = f"/map/{SCOPE}/values.json?period=2025-12&series=contoh&view=target&parts=page&table=1&names=0"
# Before: without names=0, and without the table's panel (no longer asked by the page)
SWITCH_NAMED = f"/map/{SCOPE}/values.json?period=2025-06&series=contoh&view=cakupan&parts=page&table=1"
# Seconds for the workers to make their answers' brotli 11 forms (web/encoding.py Upgrades): both workers share
# one CPU, and the cold views before queued theirs too.
UPGRADE_WAIT = 6.0
SETTLED_TRIES = 6
TINY = "/api/scopes"
ISLANDS = ("kalimantan", "sumatera")
DISTRICT, DISTRICT_API = "/district/62.11?series=contoh", "/api/district/62.11?series=contoh"  # cached by versions
# Views nobody asked for yet: each is a cold render (map, table, totals, page, both compressions).
COLD_VIEWS = [
    f"/map/{SCOPE}?series=contoh&period=2025-06",
    f"/map/{SCOPE}?series=contoh&period=2025-12&view=target",
    f"/map/{SCOPE}?series=contoh&period=2025-06&lang=en",
    f"/map/{SCOPE}?series=contoh&period=2025-12&palette=cvd",
    f"/map/{SCOPE}?series=contoh&period=2025-06&view=target&lang=en",
]
# Rendered once by every worker before anything is timed (a view none of the above asks for).
WARM_VIEW = f"/map/{SCOPE}?series=contoh&period=2025-06&view=target&palette=cvd"
WARM_REQUESTS = 200
LOAD_SECONDS = 5
LOAD_CONNECTIONS = 8
PY_LOAD_MAX_REQUESTS = 3000


# ----- pages and their files -----


@dataclass
class Visit:
    page: int
    assets: int
    local: int
    external: list[str]

    @property
    def total(self) -> int:
        return self.page + self.assets


def settled(server: Server, path: str, accept: str = ACCEPT) -> Answer:
    """The smallest of SETTLED_TRIES answers: the form most visits get once the worker that answers has made its
    brotli 11 form (the workers take connections unevenly, so one try may reach a worker that has not yet)."""
    return min((get(server, path, accept) for _ in range(SETTLED_TRIES)), key=lambda answer: answer.wire)


def first_visit(server: Server, path: str, accept: str = ACCEPT) -> Visit:
    """The page and every same-site asset it names, fetched once each; other sites' assets are listed."""
    page = settled(server, path, accept)
    parser = Assets()
    parser.feed(decoded(page))
    local, external, assets = 0, [], 0
    for url in dict.fromkeys(parser.urls):
        absolute = urljoin(f"http://127.0.0.1:{server.port}{path}", url)
        parts = urlsplit(absolute)
        if parts.netloc != f"127.0.0.1:{server.port}":
            external.append(url)
            continue
        answer = get(server, parts.path + (f"?{parts.query}" if parts.query else ""), accept)
        assert answer.status == 200, (url, answer.status)
        assets += answer.wire
        local += 1
    return Visit(page.wire, assets, local, external)


# ----- time and load -----


def percentiles(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]
    return statistics.median(ordered) * 1000, p99 * 1000


def warm(server: Server, path: str, count: int) -> tuple[float, float]:
    """p50/p99 in ms of `count` requests, after both workers have the answer (concurrent warm-up)."""
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: get(server, path), range(12)))
    return percentiles([get(server, path).seconds for _ in range(count)])


def wrk_binary() -> str | None:
    """wrk, installed from Debian's packages when missing (as root); None when it cannot be had."""
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if os.geteuid() == 0 and shutil.which("apt-get"):
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, timeout=120, **quiet)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-qq"], check=False, timeout=120, **quiet)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, timeout=120, **quiet)
    return shutil.which("wrk")


@dataclass
class Load:
    rps: float
    client_share: float  # the load client's CPU time ÷ wall time (1.0 = one core busy all along)
    server_ms: float  # server workers' CPU time per request, in ms

    @property
    def label(self) -> str:
        server_share = self.rps * self.server_ms / 1000  # how much of its CPU the server got while loaded
        return (
            f"{self.rps:,.0f} req/s (server {self.server_ms:.2f} ms CPU/req, {server_share:.2f} CPU busy; "
            f"client {self.client_share:.2f} CPU)"
        )


def throughput(
    server: Server, path: str, wrk: str | None, accept: str = "gzip, deflate, br", seconds: int = LOAD_SECONDS
) -> Load:
    """Requests per second over loopback for `seconds` (wrk, or Python threads bounded in count and time), with
    what the client and the server workers spent in CPU time meanwhile."""
    server_cpu, client_cpu = server.cpu_seconds(), client_seconds()
    start = time.monotonic()
    if wrk:
        threads = min(2, len(CLIENT_CPUS) or 2)
        command = [wrk, f"-t{threads}", f"-c{LOAD_CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s"]
        command += ["-H", f"Accept-Encoding: {accept}", f"http://127.0.0.1:{server.port}{path}"]
        out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
        assert not re.search(r"Non-2xx or 3xx responses: (\d+)", out), out
        count = int(re.search(r"(\d+) requests in", out).group(1))
    else:
        count = python_throughput(lambda: get(server, path, accept), seconds)
    wall = time.monotonic() - start
    return Load(
        count / wall, (client_seconds() - client_cpu) / wall, (server.cpu_seconds() - server_cpu) / count * 1000
    )


def client_seconds() -> float:
    """CPU time of this process (the Python client's threads) and of its finished children (wrk)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def python_throughput(request: Callable[[], Answer], seconds: int) -> int:
    done, lock, stop = [0], threading.Lock(), time.monotonic() + seconds

    def loop() -> None:
        while time.monotonic() < stop:
            with lock:
                if done[0] >= PY_LOAD_MAX_REQUESTS:
                    return
                done[0] += 1
            assert request().status == 200

    threads = [threading.Thread(target=loop) for _ in range(LOAD_CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0]


# ----- report -----


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB" if n >= 10240 else f"{n / 1024:,.1f} KB"


def folium_path(url: str) -> str:
    """The folium page of the same view as one of our map addresses (same query keys)."""
    return f"/?{urlsplit(url).query}"


def load_average() -> str:
    return " / ".join(f"{n:.2f}" for n in os.getloadavg())


def ratio(ours: float, theirs: float, digits: int = 2) -> str:
    return f"{ours / theirs:.{digits}f}×"


def start_servers() -> tuple[Server, Server]:
    problems = fetch_cdn_files()
    for problem in problems:
        print(f"folium's CDN files: {problem}", flush=True)
    print(f"Starting gunicorn ({WORKERS} workers each, warmed) for Peta Cakupan and the plain folium page …")
    project = serve("Peta Cakupan", "wsgi:app", WARM_VIEW)
    try:
        plain = serve("folium", "bench_folium:folium_app()", folium_path(WARM_VIEW))
    except BaseException:
        project.stop()
        raise
    if CLIENT_CPUS:
        os.sched_setaffinity(0, CLIENT_CPUS)  # this process is the client from here on (wrk inherits it)
    return project, plain


def byte_rows(project: Server, plain: Server) -> tuple[list[tuple[str, ...]], dict[str, float]]:
    # An answer is sent at brotli 5 the first time a worker makes it, then at brotli 11 once that worker's
    # background thread has made that form: the first is measured, then every answer is asked several times at
    # once, the workers get UPGRADE_WAIT, and the rest is measured as later visitors get it (settled).
    made = get(project, PAGE)
    paths = (PAGE, VALUES, SWITCH, SWITCH_VIEW, SWITCH_NAMED, f"/map/{SCOPE}?{SWITCH_QUERY}")
    with ThreadPoolExecutor(2 * WORKERS) as pool:  # at once, so that every worker takes some of them
        list(pool.map(lambda path: get(project, path), [path for path in paths for _ in range(4 * WORKERS)]))
    time.sleep(UPGRADE_WAIT)
    visit, folium_visit = first_visit(project, PAGE), first_visit(plain, folium_path(PAGE))
    island_visits = {slug: first_visit(project, f"/map/{slug}?series=contoh&period=2025-12") for slug in ISLANDS}
    gzip_visit, folium_gzip_visit = first_visit(project, PAGE, "gzip"), first_visit(plain, folium_path(PAGE), "gzip")
    switch_values = settled(project, VALUES)
    switch_parts, switch_view = settled(project, SWITCH), settled(project, SWITCH_VIEW)
    switch_named = settled(project, SWITCH_NAMED)
    switch_page = settled(project, f"/map/{SCOPE}?{SWITCH_QUERY}")
    folium_switch = get(plain, f"/?{SWITCH_QUERY}")
    known = {f.url for f in CDN_FILES}
    assert set(folium_visit.external) <= known, f"folium names CDN files bench_folium.py does not know: {folium_visit}"
    uncounted = f" + {len(folium_visit.external)} not counted" if folium_visit.external else ""
    rows = [
        (
            "first visit, full-area map (page + its scripts and styles)",
            f"{kb(visit.total)} ({kb(visit.page)} page + {visit.local} files {kb(visit.assets)}; "
            f"the page {kb(made.wire)} when first made)",
            f"{kb(folium_visit.total)} ({kb(folium_visit.page)} page + {folium_visit.local} CDN files "
            f"{kb(folium_visit.assets)}{uncounted})",
            ratio(visit.total, folium_visit.total),
        ),
        (
            "first visit, island maps (each loads the outlines of its own districts only)",
            " / ".join(f"{slug} {kb(v.total)}" for slug, v in island_visits.items()),
            "–",
            "",
        ),
        (
            "first visit, gzip-only client",
            f"{kb(gzip_visit.total)} ({kb(gzip_visit.page)} page)",
            f"{kb(folium_gzip_visit.total)} ({kb(folium_gzip_visit.page)} page)",
            ratio(gzip_visit.total, folium_gzip_visit.total),
        ),
        (
            "switch period in place / switch view (values, parts, table panel, names=0); with the names",
            f"{kb(switch_parts.wire)} / {kb(switch_view.wire)}; {kb(switch_named.wire)}",
            f"{kb(folium_switch.wire)} (the whole page; its CDN files cached)",
            f"{ratio(switch_parts.wire, folium_switch.wire, 3)} / {ratio(switch_view.wire, folium_switch.wire, 3)}",
        ),
        (
            "switch period: values.json (presentation slider) / whole page again",
            f"{kb(switch_values.wire)} / {kb(switch_page.wire)}",
            f"{kb(folium_switch.wire)}",
            f"{ratio(switch_values.wire, folium_switch.wire, 3)} / {ratio(switch_page.wire, folium_switch.wire)}",
        ),
    ]
    facts = {
        "visit": visit.total,
        "folium_visit": folium_visit.total,
        "switch": switch_parts.wire,
        "switch_view": switch_view.wire,
        "folium_switch": folium_switch.wire,
        "external": folium_visit.external,
    }
    return rows, facts


def time_rows(project: Server, plain: Server, cold: list[float], folium_cold: list[float]) -> tuple[list, dict]:
    page_p50, page_p99 = warm(project, PAGE, WARM_REQUESTS)
    values_p50, values_p99 = warm(project, VALUES, WARM_REQUESTS)
    tiny_p50, tiny_p99 = warm(project, TINY, WARM_REQUESTS)
    district_p50, district_p99 = warm(project, DISTRICT, WARM_REQUESTS)
    district_api_p50, district_api_p99 = warm(project, DISTRICT_API, WARM_REQUESTS)
    folium_p50, folium_p99 = warm(plain, folium_path(PAGE), WARM_REQUESTS)
    warmups = [s * 1000 for s in project.workers.values()]
    folium_warmups = [s * 1000 for s in plain.workers.values()]
    rows = [
        (
            f"warm-up: each worker's first map render after start ({WORKERS} workers; untimed below)",
            " / ".join(f"{ms:,.0f}" for ms in warmups) + " ms",
            " / ".join(f"{ms:,.0f}" for ms in folium_warmups) + " ms",
            ratio(statistics.median(warmups), statistics.median(folium_warmups)),
        ),
        (
            f"cold render of a new view in a warm worker ({len(cold)} views: median / max)",
            f"{statistics.median(cold):,.0f} / {max(cold):,.0f} ms",
            f"{statistics.median(folium_cold):,.0f} / {max(folium_cold):,.0f} ms",
            ratio(statistics.median(cold), statistics.median(folium_cold)),
        ),
        (
            "cached page p50 / p99",
            f"{page_p50:.1f} / {page_p99:.1f} ms",
            f"{folium_p50:.1f} / {folium_p99:.1f} ms",
            ratio(page_p50, folium_p50),
        ),
        ("cached values.json p50 / p99", f"{values_p50:.1f} / {values_p99:.1f} ms", "–", ""),
        (f"tiny JSON ({TINY}) p50 / p99", f"{tiny_p50:.1f} / {tiny_p99:.1f} ms", "–", ""),
        (
            "cached district page / its API p50 / p99",
            f"{district_p50:.1f} / {district_p99:.1f} ms; {district_api_p50:.1f} / {district_api_p99:.1f} ms",
            "–",
            "",
        ),
    ]
    return rows, {"page_p50": page_p50, "values_p50": values_p50, "tiny_p50": tiny_p50}


def load_rows(project: Server, plain: Server, wrk: str | None, times: dict) -> tuple[list, dict]:
    page = throughput(project, PAGE, wrk)
    folium = throughput(plain, folium_path(PAGE), wrk)
    gzip_only = throughput(project, PAGE, wrk, "gzip")
    values = throughput(project, VALUES, wrk)
    tiny = throughput(project, TINY, wrk)
    tool = f"wrk, {LOAD_CONNECTIONS} connections, {LOAD_SECONDS} s" if wrk else "Python threads"
    rows = [
        (f"throughput, cached page, {WORKERS} workers ({tool})", page.label, folium.label, ratio(page.rps, folium.rps)),
        ("throughput, cached page, gzip-only clients", gzip_only.label, "–", ""),
        ("throughput, values.json", values.label, "–", ""),
        (f"throughput, tiny JSON ({TINY})", tiny.label, "–", ""),
        (
            "cost of a cached page / values.json vs the tiny JSON (p50 time; req/s) — goal ≤ 3×",
            f"page {times['page_p50'] / times['tiny_p50']:.1f}×, {tiny.rps / page.rps:.1f}×; "
            f"values {times['values_p50'] / times['tiny_p50']:.1f}×, {tiny.rps / values.rps:.1f}×",
            "",
            "",
        ),
    ]
    return rows, {"page": page, "folium": folium}


def main() -> None:
    started, load_before = time.monotonic(), load_average()
    project, plain = start_servers()
    try:
        wrk = wrk_binary()
        # Every worker has rendered WARM_VIEW; each of these is the first render of its view (in one worker).
        cold = [get(project, url).seconds * 1000 for url in [PAGE, *COLD_VIEWS]]
        folium_cold = [get(plain, folium_path(url)).seconds * 1000 for url in [PAGE, *COLD_VIEWS]]
        rows, facts = byte_rows(project, plain)
        more, times = time_rows(project, plain, cold, folium_cold)
        rows += more
        more, loads = load_rows(project, plain, wrk, times)
        rows += more
    finally:
        project.stop()
        plain.stop()

    print(f"\nPeta Cakupan vs a plain folium.Choropleth page, 210 districts, {QUERY}, Accept-Encoding: {ACCEPT}")
    print("(both cached and warmed; bytes on the wire incl. response headers; times measured by the client over")
    print(f"loopback; {PINNING}; load average 1/5/15 min {load_before} at start, {load_average()} at the end)\n")
    print("| what | Peta Cakupan | plain folium | ours ÷ folium |\n| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    missing = {f.url: f.why for f in CDN_FILES}
    for url in facts["external"]:
        print(f"not counted (no package registry has it, so not fetched): {url} — {missing[url]}")
    page, folium = loads["page"], loads["folium"]
    print(
        "\nRatios, ours ÷ folium: first-visit bytes "
        f"{ratio(facts['visit'], facts['folium_visit'])} (folium without {len(facts['external'])} uncounted files), "
        f"switch bytes {ratio(facts['switch'], facts['folium_switch'], 3)}, "
        f"cold render {ratio(statistics.median(cold), statistics.median(folium_cold))}, "
        f"cached throughput {ratio(page.rps, folium.rps)} (server CPU per request "
        f"{ratio(page.server_ms, folium.server_ms)}); first draw in Chromium: not measured by make bench."
    )
    goals = [
        ("first visit ≤ 150 KB", facts["visit"] <= 150 * 1024),
        ("switch period in place ≤ 20 KB", facts["switch"] <= 20 * 1024),
        ("switch view in place ≤ 20 KB", facts["switch_view"] <= 20 * 1024),
        ("cached page ≤ 3× tiny JSON (p50)", times["page_p50"] <= 3 * times["tiny_p50"]),
        ("values.json ≤ 3× tiny JSON (p50)", times["values_p50"] <= 3 * times["tiny_p50"]),
        ("cold render ≤ 300 ms (median)", statistics.median(cold) <= 300),
        ("≥ 500 req/s cached page", page.rps >= 500),
    ]
    print("\nGoals of issue 11: " + "; ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in goals))
    later = [
        ("first visit ≤ 125 KB", facts["visit"] <= 125 * 1024),
        ("switch period ≤ 10 KB", facts["switch"] <= 10 * 1024),
        ("switch view ≤ 10 KB", facts["switch_view"] <= 10 * 1024),
    ]
    print("Goals of issue 25: " + "; ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in later))
    print(f"Bench took {time.monotonic() - started:.0f} s.")


if __name__ == "__main__":
    main()
