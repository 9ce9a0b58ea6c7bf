"""`make bench-timeline`: what presentation mode's time slider transfers (issue 25 item 1).

On a SQLite file in a temporary folder, with the bundled samples loaded and SERIES_PERIODS synthetic monthly periods
published in the main series (the sample's districts, participants on a random walk, workers and targets per year).
Through Flask's test client, brotli, bodies only (no headers): the presentation page's first visit (the page and
every script, style and image it names) against that plus the slider's one periods.json (every period's frame:
what the map shows while it plays), for the sample series (2 periods) and the synthetic one; then what resting on
every period adds (one values.json each: every tooltip row and the table), and what the slider fetched before
(one values.json per other period, all of them at once). Goal: playing every period ≤ 1,3× the 1-period first
visit; a publish re-costs only its period.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PETA_SECRET_KEY", "bench-only-" + "0" * 40)

from app import create_app  # noqa: E402
from geo.history import publish_records  # noqa: E402
from geo.store import MAIN_SERIES, SAMPLE_SERIES, read_records  # noqa: E402
from scripts.page_assets import Assets  # noqa: E402
from web.resources import get_resources  # noqa: E402
from web.results import live_snapshot  # noqa: E402

SCOPE = "kalimantan-sumatera"
SERIES_PERIODS = 60
GOAL = 1.3
BROTLI = {"Accept-Encoding": "br"}


def monthly_periods(count: int, last: str = "2025-12") -> list[str]:
    year, month = map(int, last.split("-"))
    index = year * 12 + month - 1
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def publish_synthetic(app, count: int) -> list[str]:
    """Publish `count` monthly periods of the sample's districts in the main series."""
    rng = np.random.default_rng(25)
    with app.app_context():
        resources = get_resources()
        sample = live_snapshot(resources).live(SAMPLE_SERIES)[0]
        base = read_records(resources.engine, sample.id)[["code", "input", "participants", "workers", "target_pct"]]
        participants = base["participants"].astype(float).to_numpy() * 0.8
        periods = monthly_periods(count)
        for i, period in enumerate(periods):
            participants *= 1 + rng.normal(0.004, 0.01, len(participants))
            workers = base["workers"].astype(float).to_numpy() * (1 + 0.01 * (i // 12))
            records = base.copy()
            records["participants"] = participants.round().astype("int64")
            records["workers"] = workers.round().astype("int64")
            records["coverage_pct"] = (100 * records["participants"] / records["workers"]).round(2)
            records["target_pct"] = base["target_pct"] + 2 * (i // 12)
            records["source"] = "Sintetis (bench)"
            publish_records(resources.engine, MAIN_SERIES, period, records, replace=True, file_name="b", actor="b")
        return periods


def body(client, url: str) -> int:
    answer = client.get(url, headers=BROTLI)
    assert answer.status_code == 200, (url, answer.status_code)
    return len(answer.data)


def first_visit(client, path: str) -> int:
    page = client.get(path, headers=BROTLI)
    assert page.status_code == 200, path
    parser = Assets()
    parser.feed(client.get(path).get_data(as_text=True))
    return len(page.data) + sum(body(client, urlsplit(u).path + "?" + urlsplit(u).query) for u in set(parser.local))


def measure(client, series: str, periods: list[str]) -> None:
    shown = periods[-1]
    page = f"/map/{SCOPE}?series={series}&period={shown}&mode=present"
    visit = first_visit(client, page)
    query = f"series={series}&view=cakupan&layer=kabupaten&lang=id&labels=1"
    whole = body(client, f"/map/{SCOPE}/periods.json?{query}")
    raw = client.get(f"/map/{SCOPE}/periods.json?{query}", headers={"Accept-Encoding": "identity"}).data
    Path(tempfile.gettempdir(), f"periods-{series}.json").write_bytes(raw)  # to try other compressions on
    before = sum(body(client, f"/map/{SCOPE}/values.json?{query}&period={p}") for p in periods if p != shown)
    print(f"{series}, {len(periods)} periods:")
    print(f"  first visit (1 period)             {visit / 1024:7.1f} KB")
    each = whole / len(periods) / 1024
    print(f"  periods.json (every frame)  {whole / 1024:7.1f} KB  ({each:.2f} KB a period, {len(raw) >> 10} KB raw)")
    total = visit + whole
    print(f"  playing every period               {total / 1024:7.1f} KB  = {total / visit:.2f}× (goal ≤ {GOAL}×)")
    rested = total + before
    print(f"  resting on every period too        {rested / 1024:7.1f} KB  = {rested / visit:.2f}×")
    print(f"  before: one values.json per period {(visit + before) / 1024:7.1f} KB  = {(visit + before) / visit:.2f}×")


def seconds(client, url: str) -> float:
    started = time.perf_counter()
    body(client, url)
    return time.perf_counter() - started


def recost(app, client, periods: list[str]) -> None:
    """Server time of periods.json: made cold, then after the newest period is published again (a correction)."""
    url = f"/map/{SCOPE}/periods.json?series={MAIN_SERIES}&view=cakupan&layer=kabupaten&lang=en&labels=1"
    cold = seconds(client, url)
    with app.app_context():
        resources = get_resources()
        newest = max(live_snapshot(resources).live(MAIN_SERIES), key=lambda d: d.period)
        records = read_records(resources.engine, newest.id)
        records = records[["code", "input", "participants", "workers", "coverage_pct", "target_pct", "source"]]
        records["participants"] += 1
        publish_records(resources.engine, MAIN_SERIES, newest.period, records, replace=True, file_name="b", actor="b")
    again = seconds(client, url)
    print(f"{len(periods)} periods: periods.json made cold in {cold:.2f} s; after the newest is published again,")
    print(f"  {again:.2f} s (only its frame is made again)")


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'bench'}.db"})
    app.test_cli_runner().invoke(args=["coverage", "load-samples"])
    periods = publish_synthetic(app, SERIES_PERIODS)
    client = app.test_client()
    recost(app, client, periods)  # first, while nothing is cached
    measure(client, SAMPLE_SERIES, ["2025-06", "2025-12"])
    measure(client, MAIN_SERIES, periods)


if __name__ == "__main__":
    main()
