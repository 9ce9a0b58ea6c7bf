"""Reproduce the numbers the README states: page weight, render and response times, match rate, boundaries.

Run with `make measure` (after `make setup`). Uses the app's test client, so no server is needed.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import ROOT, create_app  # noqa: E402
from geo.boundaries import read_report  # noqa: E402
from geo.uploads import analyse_file  # noqa: E402
from web.resources import get_resources  # noqa: E402

ASSETS = ["/vendor/leaflet/leaflet.js", "/vendor/leaflet/leaflet.css", "/static/css/peta.css", "/static/js/controls.js"]


def timed(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def main() -> None:
    app = create_app()
    client = app.test_client()
    with app.app_context():
        resources = get_resources()
        published = ROOT / "data" / "coverage" / "terbitan.csv"
        report = analyse_file(published.read_bytes(), published.name, resources.index, "2025-10")
    cold = timed(client, "/")
    warm = statistics.median(timed(client, "/") for _ in range(20))
    page = client.get("/").data
    assets = [client.get(url).data for url in ASSETS]
    page_gz = len(gzip.compress(page))
    total_gz = page_gz + sum(len(gzip.compress(data)) for data in assets)
    province_cold = timed(client, "/map/kalimantan-tengah")
    api = statistics.median(timed(client, "/api/coverage.geojson") for _ in range(5))
    png_cold = timed(client, "/export/kalimantan-sumatera.png?series=contoh")
    png_warm = timed(client, "/export/kalimantan-sumatera.png?series=contoh")
    offline = client.get("/export/kalimantan-sumatera.html").data
    boundaries = read_report(Path(app.config["BOUNDARIES_DIR"]))
    matched = sum(1 for row in report.rows if row.code)
    print(
        f"default map page: {len(page) / 1024:.0f} KB raw, {page_gz / 1024:.0f} KB gzip; "
        f"with Leaflet and our CSS/JS {total_gz / 1024:.0f} KB gzip (limit 600 KB)"
    )
    print(f"render /: first (cold) {cold * 1000:.0f} ms, cached median {warm * 1000:.1f} ms")
    print(
        f"render /map/kalimantan-tengah cold: {province_cold * 1000:.0f} ms; /api/coverage.geojson median "
        f"{api * 1000:.0f} ms"
    )
    print(
        f"PNG 1920x1080 of 210 districts: {png_cold * 1000:.0f} ms first, {png_warm * 1000:.1f} ms cached; "
        f"offline HTML {len(offline) / 1024:.0f} KB ({len(gzip.compress(offline)) / 1024:.0f} KB gzip)"
    )
    print(f"bundled published figures: {matched}/{len(report.rows)} rows matched, {len(report.errors)} errors")
    print(
        f"boundaries: {boundaries['districts']} districts, largest displacement {boundaries['max_displacement_m']} m "
        f"({boundaries['max_displacement_district']}), largest overlap/gap repair {boundaries['max_repair_shift_m']} m "
        f"({boundaries['max_repair_shift_district']}), {boundaries['source_vertices']} -> "
        f"{boundaries['prepared_vertices']} vertices, {boundaries['collapsed_specks']} rocks under 100 m² collapsed"
    )


if __name__ == "__main__":
    main()
