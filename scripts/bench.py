"""`make bench`: Peta Cakupan beside a plain `folium.Choropleth` page of the same 210 districts and data.

Both are served by gunicorn with 2 workers on 127.0.0.1 (free ports) and asked over loopback only:
bytes for a first visit (the page and every script, stylesheet and image it names) and for switching period,
server time (cold and warm p50/p99, compression included, measured at the client), throughput of cached
answers (wrk when it is installed or can be installed with apt, else a bounded loop of Python threads), a tiny
JSON answer on the same server for scale, and the ratios. Runs in about two minutes.
"""

from __future__ import annotations

import http.client
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCOPE = "kalimantan-sumatera"
QUERY = "series=contoh&period=2025-12"
SWITCH_QUERY = "series=contoh&period=2025-06"
PAGE = f"/map/{SCOPE}?{QUERY}"
VALUES = f"/map/{SCOPE}/values.json?{SWITCH_QUERY}"
# What the map page's own controls fetch to switch period in place: the values and the parts that change.
SWITCH = f"/map/{SCOPE}/values.json?period=2025-06&series=contoh&view=cakupan&parts=page"  # table closed
SWITCH_TABLE = f"{SWITCH}&table=1"  # the table open beside the map (screens from 1500 px wide)
SWITCH_VIEW = f"/map/{SCOPE}/values.json?period=2025-12&series=contoh&view=target&parts=page"
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
ACCEPT = "gzip, deflate, br, zstd"  # what Chromium sends
WARM_REQUESTS = 200
LOAD_SECONDS = 5
LOAD_CONNECTIONS = 8
PY_LOAD_MAX_REQUESTS = 3000


# ----- the plain folium page, served by gunicorn: `bench:folium_app()` -----


def folium_app():
    """A Flask app that renders a plain folium.Choropleth of the same districts and data on every request,
    as folium's "Using folium with Flask" guide does, compressed by Flask-Compress."""
    import folium
    from flask import Flask, request
    from flask_compress import Compress

    from app import create_app
    from geo.query import MapQuery
    from web.resources import get_resources
    from web.results import resolve_result

    project = create_app()
    frames = {}
    for period in ("2025-06", "2025-12"):
        with project.test_request_context():
            resources = get_resources()
            query = MapQuery.parse({"series": "contoh", "period": period}, resources, scope=SCOPE)
            view = resolve_result(resources, query)
            frames[period] = view.joined[["code", "name", "coverage_pct", "geometry"]].copy()

    app = Flask("folium_plain")
    Compress(app)

    @app.get("/")
    def page():
        frame = frames.get(request.args.get("period", "2025-12"), frames["2025-12"])
        top = max(100.0, math.ceil(frame["coverage_pct"].max()))
        fmap = folium.Map(location=[0, 108], zoom_start=5)
        choropleth = folium.Choropleth(
            geo_data=frame.__geo_interface__,
            data=frame[["code", "coverage_pct"]],
            columns=["code", "coverage_pct"],
            key_on="feature.properties.code",
            bins=[0, 20, 50, 75, top],
            fill_color="RdYlGn",
            nan_fill_color="lightgrey",
            legend_name="Cakupan (%)",
        ).add_to(fmap)
        choropleth.geojson.add_child(folium.GeoJsonTooltip(fields=["name", "coverage_pct"]))
        return fmap.get_root().render()

    return app


# ----- serving -----


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def serve(name: str, target: str, check: str) -> Server:
    port = free_port()
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "120",
        "--pythonpath",
        f"{ROOT},{ROOT / 'scripts'}",
        target,
    ]
    process = subprocess.Popen(command, cwd=ROOT)
    server = Server(name, port, process)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{name}: gunicorn stopped (exit {process.returncode}). Hint: run `make setup` first.")
        try:
            if get(server, check, "identity").status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    server.stop()
    sys.exit(f"{name}: no answer on 127.0.0.1:{port} within 90 s.")


@dataclass
class Answer:
    status: int
    body: bytes  # as sent on the wire (compressed when Content-Encoding says so)
    header_bytes: int
    encoding: str
    seconds: float

    @property
    def wire(self) -> int:
        return len(self.body) + self.header_bytes


def get(server: Server, path: str, accept: str = ACCEPT, headers: dict | None = None) -> Answer:
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": accept, **(headers or {})})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    seconds = time.perf_counter() - start
    header_bytes = len(f"HTTP/1.1 {response.status} {response.reason}\r\n") + len(str(response.msg))
    return Answer(response.status, body, header_bytes, response.getheader("Content-Encoding") or "identity", seconds)


def decoded(answer: Answer) -> str:
    if answer.encoding == "br":
        import brotli

        return brotli.decompress(answer.body).decode()
    if answer.encoding == "gzip":
        import gzip

        return gzip.decompress(answer.body).decode()
    if answer.encoding == "zstd":
        from backports import zstd

        return zstd.decompress(answer.body).decode()
    return answer.body.decode()


class Assets(HTMLParser):
    """The scripts, stylesheets and images a page names."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.urls.append(attributes["src"])
        elif tag == "link" and "stylesheet" in (attributes.get("rel") or "") and attributes.get("href"):
            self.urls.append(attributes["href"])
        elif tag == "img" and attributes.get("src") and not attributes["src"].startswith("data:"):
            self.urls.append(attributes["src"])


@dataclass
class Visit:
    page: int
    assets: int
    local: int
    external: list[str]

    @property
    def total(self) -> int:
        return self.page + self.assets


def first_visit(server: Server, path: str, accept: str = ACCEPT) -> Visit:
    """The page and every same-site asset it names, fetched once each; other sites' assets are listed."""
    page = get(server, path, accept)
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


def throughput(
    server: Server, path: str, wrk: str | None, accept: str = "gzip, deflate, br", seconds: int = LOAD_SECONDS
) -> float:
    """Requests per second over loopback for `seconds` (wrk, or Python threads bounded in count and time)."""
    if wrk:
        out = subprocess.run(
            [
                wrk,
                "-t2",
                f"-c{LOAD_CONNECTIONS}",
                f"-d{seconds}s",
                "--timeout",
                "30s",
                "-H",
                f"Accept-Encoding: {accept}",
                f"http://127.0.0.1:{server.port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
        non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        assert not non_2xx, out
        return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return python_throughput(lambda: get(server, path, accept), seconds)


def python_throughput(request: Callable[[], Answer], seconds: int) -> float:
    done, lock, stop = [0], threading.Lock(), time.monotonic() + seconds

    def loop() -> None:
        while time.monotonic() < stop:
            with lock:
                if done[0] >= PY_LOAD_MAX_REQUESTS:
                    return
                done[0] += 1
            assert request().status == 200

    start = time.monotonic()
    threads = [threading.Thread(target=loop) for _ in range(LOAD_CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.monotonic() - start)


# ----- report -----


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB" if n >= 10240 else f"{n / 1024:,.1f} KB"


def main() -> None:
    started = time.monotonic()
    print("Starting gunicorn (2 workers each) for Peta Cakupan and for the plain folium page …", flush=True)
    project = serve("Peta Cakupan", "wsgi:app", TINY)
    try:
        plain = serve("folium", "bench:folium_app()", "/?period=2025-12")
    except BaseException:
        project.stop()
        raise
    rows: list[tuple[str, str, str, str]] = []
    try:
        wrk = wrk_binary()
        # Cold first: nothing above has rendered a map yet (the readiness checks asked for /api/scopes and the
        # folium page; the folium page is rendered on every request anyway).
        cold = [get(project, url).seconds * 1000 for url in [PAGE, *COLD_VIEWS]]
        visit, folium_visit = first_visit(project, PAGE), first_visit(plain, "/?period=2025-12")
        island_visits = {slug: first_visit(project, f"/map/{slug}?series=contoh&period=2025-12") for slug in ISLANDS}
        gzip_visit, folium_gzip_visit = first_visit(project, PAGE, "gzip"), first_visit(plain, "/", "gzip")
        switch_values = get(project, VALUES)
        switch_parts, switch_view = get(project, SWITCH), get(project, SWITCH_VIEW)
        switch_table = get(project, SWITCH_TABLE)
        switch_page = get(project, f"/map/{SCOPE}?{SWITCH_QUERY}")
        folium_switch = get(plain, "/?period=2025-06")
        rows += [
            (
                "first visit, full-area map (page + its scripts, styles, images)",
                f"{kb(visit.total)} ({kb(visit.page)} page + {visit.local} assets {kb(visit.assets)})",
                f"{kb(folium_visit.total)} page + {len(folium_visit.external)} CDN files (not counted)",
                f"{folium_visit.total / visit.total:.2f}× (folium lower bound)",
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
                f"{kb(folium_gzip_visit.total)} page + CDN files",
                f"{folium_gzip_visit.total / gzip_visit.total:.2f}×",
            ),
            (
                "switch in place on the map page: period, table closed / period, table open / view",
                f"{kb(switch_parts.wire)} / {kb(switch_table.wire)} / {kb(switch_view.wire)}",
                f"{kb(folium_switch.wire)} (whole page)",
                f"{folium_switch.wire / switch_parts.wire:.0f}× / {folium_switch.wire / switch_table.wire:.0f}× / "
                f"{folium_switch.wire / switch_view.wire:.0f}×",
            ),
            (
                "switch period: values.json (presentation slider) / whole page again",
                f"{kb(switch_values.wire)} / {kb(switch_page.wire)}",
                f"{kb(folium_switch.wire)} (whole page)",
                f"{folium_switch.wire / switch_values.wire:.0f}× / {folium_switch.wire / switch_page.wire:.2f}×",
            ),
        ]

        page_p50, page_p99 = warm(project, PAGE, WARM_REQUESTS)
        values_p50, values_p99 = warm(project, VALUES, WARM_REQUESTS)
        tiny_p50, tiny_p99 = warm(project, TINY, WARM_REQUESTS)
        district_p50, district_p99 = warm(project, DISTRICT, WARM_REQUESTS)
        district_api_p50, district_api_p99 = warm(project, DISTRICT_API, WARM_REQUESTS)
        folium_p50, folium_p99 = warm(plain, "/?period=2025-12", 12)
        rows += [
            (
                "server time, cold render of a new view (6 views: median / max)",
                f"{statistics.median(cold):,.0f} / {max(cold):,.0f} ms",
                f"{folium_p50:,.0f} ms p50 (every request renders)",
                f"{folium_p50 / statistics.median(cold):.2f}×",
            ),
            (
                "server time, warm page p50 / p99",
                f"{page_p50:.1f} / {page_p99:.1f} ms",
                f"{folium_p50:,.0f} / {folium_p99:,.0f} ms",
                f"{folium_p50 / page_p50:,.0f}×",
            ),
            ("server time, warm values.json p50 / p99", f"{values_p50:.1f} / {values_p99:.1f} ms", "–", ""),
            (f"server time, tiny JSON ({TINY}) p50 / p99", f"{tiny_p50:.1f} / {tiny_p99:.1f} ms", "–", ""),
            (
                "server time, warm district page / its API p50 / p99",
                f"{district_p50:.1f} / {district_p99:.1f} ms; {district_api_p50:.1f} / {district_api_p99:.1f} ms",
                "–",
                "",
            ),
        ]

        page_rps = throughput(project, PAGE, wrk)
        gzip_rps = throughput(project, PAGE, wrk, "gzip")
        values_rps = throughput(project, VALUES, wrk)
        tiny_rps = throughput(project, TINY, wrk)
        folium_rps = throughput(plain, "/?period=2025-12", wrk)
        tool = f"wrk, {LOAD_CONNECTIONS} connections, {LOAD_SECONDS} s" if wrk else "Python threads"
        rows += [
            (
                f"throughput, cached page, 2 workers ({tool})",
                f"{page_rps:,.0f} req/s",
                f"{folium_rps:,.1f} req/s",
                f"{page_rps / folium_rps:,.0f}×",
            ),
            ("throughput, cached page, gzip-only clients", f"{gzip_rps:,.0f} req/s", "–", ""),
            ("throughput, values.json", f"{values_rps:,.0f} req/s", "–", ""),
            (f"throughput, tiny JSON ({TINY})", f"{tiny_rps:,.0f} req/s", "–", ""),
            (
                "cost of a cached page / values.json vs the tiny JSON (p50 time; req/s) — goal ≤ 3×",
                f"page {page_p50 / tiny_p50:.1f}×, {tiny_rps / page_rps:.1f}×; "
                f"values {values_p50 / tiny_p50:.1f}×, {tiny_rps / values_rps:.1f}×",
                "",
                "",
            ),
        ]
    finally:
        project.stop()
        plain.stop()

    print(f"\nPeta Cakupan vs a plain folium.Choropleth page, 210 districts, {QUERY}, Accept-Encoding: {ACCEPT}")
    print("(bytes on the wire incl. response headers; times measured by the client over loopback)\n")
    print("| what | Peta Cakupan | plain folium | ratio |\n| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if folium_visit.external:
        print(f"\nfolium's CDN files (not fetched; no network): {', '.join(folium_visit.external)}")
    goals = [
        ("first visit ≤ 150 KB", visit.total <= 150 * 1024),
        ("switch period in place ≤ 20 KB (table closed)", switch_parts.wire <= 20 * 1024),
        ("… with the table open", switch_table.wire <= 20 * 1024),
        ("switch view in place ≤ 20 KB", switch_view.wire <= 20 * 1024),
        ("cached page ≤ 3× tiny JSON (p50)", page_p50 <= 3 * tiny_p50),
        ("values.json ≤ 3× tiny JSON (p50)", values_p50 <= 3 * tiny_p50),
        ("cold render ≤ 300 ms (median)", statistics.median(cold) <= 300),
        ("≥ 500 req/s cached page", page_rps >= 500),
    ]
    print("\nGoals of issue 11: " + "; ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in goals))
    print(f"Bench took {time.monotonic() - started:.0f} s.")


if __name__ == "__main__":
    main()
