"""`make bench-draw`: the first draw of the full-area map in headless Chromium, ours beside plain folium (issue 25.6).

Both apps are served from this process on loopback (werkzeug, threaded, free ports; each view warmed once before
anything is timed): Peta Cakupan (`wsgi:app`) and the plain `folium.Choropleth` page of `make bench`
(`bench_folium.folium_app()`, its CDN files from their packages). Each page is opened in Debian's Chromium
(tests/chromium.py) in three cases: loopback, loopback with the CPU slowed ×4 (CDP `Emulation.setCPUThrottlingRate`),
and a second visit (a new tab in the same browser context: HTTP cache warm). For every visit it records:

- drawn: ms from navigation start until the map's `.leaflet-overlay-pane path.leaflet-interactive` count reaches the
  district count, then two animation frames (so the frame with the districts has been painted);
- from CDP `Performance.getMetrics` at that moment: TaskDuration, ScriptDuration, LayoutDuration,
  RecalcStyleDuration (ms of main-thread work), JSHeapUsedSize and Nodes;
- GC: ms of MinorGC + MajorGC events in a Chromium trace (`devtools.timeline`, as the Performance panel records).

Requests leaving loopback (folium's OpenStreetMap tiles, its 2 CDN stylesheets that no package carries) are
aborted at once: tiles are left out on both sides, as in `make bench`. Median of RUNS visits per page and case,
the pages taking turns; ratios are ours ÷ folium.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_folium import fetch_cdn_files, folium_app  # noqa: E402  (scripts/ is on the path: this script's folder)

from tests.chromium import launch_chromium  # noqa: E402

DISTRICTS = 210
PAGE = "/map/kalimantan-sumatera?series=contoh&period=2025-12"
FOLIUM_PAGE = f"/?{urlsplit(PAGE).query}"
RUNS = 5
CASES = ("loopback", "cpu4", "second")
CASE_NAMES = {"loopback": "loopback", "cpu4": "loopback, CPU ×4", "second": "second visit (cache warm)"}
METRICS = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "JSHeapUsedSize", "Nodes")
TRACE_CATEGORIES = ["devtools.timeline", "v8", "disabled-by-default-devtools.timeline"]
GC_EVENTS = {"MinorGC", "MajorGC"}

# Installed before any of the page's scripts: marks the moment the districts are all in the DOM, then painted.
WATCH = """(() => {
  const want = %d;
  const seen = () => document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive').length;
  const done = () => requestAnimationFrame(() => requestAnimationFrame(() => { window.__drawn = performance.now(); }));
  const observer = new MutationObserver(() => {
    if (seen() >= want) { observer.disconnect(); window.__inDom = performance.now(); done(); }
  });
  observer.observe(document, {childList: true, subtree: true});
})();"""


def serve(app) -> tuple[str, threading.Thread, object]:
    """Serve a WSGI app on a free loopback port from a thread; return its base address and the server."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", thread, server


@dataclass
class Visit:
    drawn: float  # ms from navigation start, painted
    in_dom: float  # ms from navigation start, every district in the DOM
    gc: float  # ms of MinorGC + MajorGC
    metrics: dict[str, float] = field(default_factory=dict)


def gc_ms(trace: bytes) -> float:
    """Milliseconds of garbage collection on the page's renderer in a Chromium trace."""
    events = json.loads(trace)
    events = events["traceEvents"] if isinstance(events, dict) else events
    return sum(e.get("dur", 0) for e in events if e.get("name") in GC_EVENTS and e.get("ph") == "X") / 1000


def visit(browser, context, url: str, throttle: float) -> Visit:
    """Open url in a new tab of the context and measure its first draw."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable", {"timeDomain": "timeTicks"})
    if throttle != 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
    try:
        page.goto(url, wait_until="commit")
        page.wait_for_function("() => window.__drawn !== undefined", timeout=120_000)
        reported = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        drawn, in_dom = page.evaluate("() => [window.__drawn, window.__inDom]")
    finally:
        trace = browser.stop_tracing()
    metrics = {name: reported.get(name, 0) * (1000 if name.endswith("Duration") else 1) for name in METRICS}
    page.close()
    return Visit(drawn, in_dom, gc_ms(trace), metrics)


def new_context(browser):
    """A fresh context (empty cache) whose requests off loopback fail at once."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route(lambda url: urlsplit(url).hostname not in ("127.0.0.1", "localhost"), lambda r: r.abort())
    context.add_init_script(WATCH % DISTRICTS)
    return context


def measure(browser, url: str, case: str) -> Visit:
    """One visit of the case: a first visit in a fresh context, or the second of two in one context."""
    context = new_context(browser)
    try:
        if case == "second":
            visit(browser, context, url, 1)
        return visit(browser, context, url, 4 if case == "cpu4" else 1)
    finally:
        context.close()


def median(visits: list[Visit], key: str) -> float:
    if key in ("drawn", "in_dom", "gc"):
        return statistics.median(getattr(v, key) for v in visits)
    return statistics.median(v.metrics[key] for v in visits)


ROWS = (
    ("First draw (navigation start → all districts painted)", "drawn", "ms"),
    ("All districts in the DOM", "in_dom", "ms"),
    ("Main-thread task time (TaskDuration)", "TaskDuration", "ms"),
    ("Script time (ScriptDuration)", "ScriptDuration", "ms"),
    ("Layout + style recalculation", "layout_style", "ms"),
    ("Garbage collection (trace: MinorGC + MajorGC)", "gc", "ms"),
    ("JS heap used", "JSHeapUsedSize", "MB"),
    ("DOM nodes", "Nodes", ""),
)


def value(visits: list[Visit], key: str) -> float:
    if key == "layout_style":
        return statistics.median(v.metrics["LayoutDuration"] + v.metrics["RecalcStyleDuration"] for v in visits)
    result = median(visits, key)
    return result / 2**20 if key == "JSHeapUsedSize" else result


def show(unit: str, number: float) -> str:
    if unit == "MB":
        return f"{number:.1f} MB"
    if unit == "ms":
        return f"{number:,.0f} ms"
    return f"{number:,.0f}"


def table(results: dict[str, dict[str, list[Visit]]]) -> str:
    """A Markdown table per case: median ours, median folium, ours ÷ folium."""
    lines = []
    for case in results:
        ours, theirs = results[case]["ours"], results[case]["folium"]
        lines += [
            f"\n{CASE_NAMES[case]} (median of {len(ours)})\n",
            "| What | Peta Cakupan | plain folium | ours ÷ folium |",
        ]
        lines.append("| --- | --- | --- | --- |")
        for label, key, unit in ROWS:
            a, b = value(ours, key), value(theirs, key)
            lines.append(
                f"| {label} | {show(unit, a)} | {show(unit, b)} | {a / b:.2f}× |"
                if b
                else f"| {label} | {a} | {b} | – |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--case", choices=CASES, action="append", help="only these cases (repeatable)")
    args = parser.parse_args()
    for problem in fetch_cdn_files():
        print(f"folium's CDN files: {problem}", flush=True)
    from playwright.sync_api import sync_playwright

    from wsgi import app as project

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

    ours, _, our_server = serve(project)
    plain, _, plain_server = serve(folium_app())
    urls = {"ours": ours + PAGE, "folium": plain + FOLIUM_PAGE}
    print(f"Peta Cakupan on {ours}, plain folium on {plain}; load average {os.getloadavg()[0]:.1f}", flush=True)
    results: dict[str, dict[str, list[Visit]]] = {}
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for url in urls.values():  # warm-up: each view rendered and cached on the server, untimed
                measure(browser, url, "loopback")
            for case in args.case or CASES:
                results[case] = {"ours": [], "folium": []}
                for run in range(args.runs):
                    for name, url in urls.items():  # taking turns, so a busy moment touches both
                        results[case][name].append(measure(browser, url, case))
                    last = {n: round(results[case][n][-1].drawn) for n in urls}
                    print(f"{CASE_NAMES[case]} run {run + 1}: drawn {last} ms", flush=True)
            browser.close()
    finally:
        our_server.shutdown()
        plain_server.shutdown()
    print(table(results))
    print(f"\nload average at the end {os.getloadavg()[0]:.1f} (1 min)")


if __name__ == "__main__":
    main()
