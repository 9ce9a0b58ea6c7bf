"""`make bench-growth`, its last case: what grows with the prepared districts, 210 → 442 (issue 25, "210 → 440").

The 210 districts of Sumatra and Kalimantan, then the same with Java, Sulawesi, Nusa Tenggara Barat and Timur
(442 districts of 27 provinces; Bali left out to stay near the issue's 440), each prepared from ../shared/boundaries
into a temporary folder (`geo.boundaries.prepare_boundaries`, the flaws of data/boundary_flaws.csv accepted), then
served by an app on that folder with the bundled samples (Flask's test client, brotli, bodies only):

- preparation: wall time and CPU time of the whole step, and per island group its districts and time;
- the Kalimantan map's first visit (the page and every script, style and geometry file it names) and the full
  area's (`kalimantan-sumatera`), in bytes: the same maps, whatever else is prepared;
- the first (cold) render of those two pages, and a PowerPoint of the full area, in seconds.

Goals (issue 25 item 4): the Kalimantan map the same bytes in both; preparation about linear in the districts.
About five minutes on the 2-core machine.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PETA_SECRET_KEY", "bench-only-" + "0" * 40)

import shapely  # noqa: E402

from app import create_app  # noqa: E402
from geo.boundaries import DEFAULT_PROVINCES, PrepareSettings, prepare_boundaries, read_source  # noqa: E402
from geo.flaws import read_accepted_flaws  # noqa: E402
from scripts.page_assets import Assets  # noqa: E402

SOURCE = ROOT.parent / "shared" / "boundaries"
MORE = (
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "52",
    "53",
    "71",
    "72",
    "73",
    "74",
    "75",
    "76",
)  # Java, Nusa Tenggara, Sulawesi
CASES = {"210 (Sumatra, Kalimantan)": DEFAULT_PROVINCES, "442 (+ Java, Sulawesi, NTB, NTT)": DEFAULT_PROVINCES + MORE}
PAGES = {
    "kalimantan": "/map/kalimantan?series=contoh&period=2025-12",
    "full area": "/map/kalimantan-sumatera?series=contoh&period=2025-12",
}
SLIDES = "/export/kalimantan-sumatera.pptx?series=contoh&period=2025-12"
BROTLI = {"Accept-Encoding": "br"}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def prepared(codes: tuple[str, ...], out: Path) -> dict:
    accepted = read_accepted_flaws(ROOT / "data" / "boundary_flaws.csv")
    vertices = int(shapely.get_num_coordinates(read_source(SOURCE, codes).geometry.values).sum())
    started, cpu = time.perf_counter(), cpu_seconds()
    report = prepare_boundaries(SOURCE, out, PrepareSettings(provinces=codes, accepted=accepted))
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return {"districts": report.districts, "vertices": vertices, "wall": wall, "cpu": cpu}


def visit(client, path: str) -> dict[str, int]:
    """The bytes of a page and of every script, style and image it names, by address (brotli, bodies only)."""
    page = client.get(path, headers=BROTLI)
    parser = Assets()
    parser.feed(client.get(path).get_data(as_text=True))
    files = {"page": len(page.data)}
    for url in sorted(set(parser.local)):
        files[url] = len(client.get(url, headers=BROTLI).data)
    return files


def timed(client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    answer = client.get(url, headers=BROTLI)
    assert answer.status_code == 200, (url, answer.status_code)
    return time.perf_counter() - started, len(answer.data)


def measure(name: str, codes: tuple[str, ...]) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bench-districts-"))
    result = prepared(codes, folder / "boundaries")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "BOUNDARIES_DIR": str(folder / "boundaries"),
        }
    )
    app.test_cli_runner().invoke(args=["coverage", "load-samples"])
    client = app.test_client()
    for label, url in PAGES.items():
        result[f"{label} cold"], _ = timed(client, url)
        result[f"{label} files"] = visit(client, url)
        result[f"{label} visit"] = sum(result[f"{label} files"].values())
    result["pptx"], result["pptx bytes"] = timed(client, SLIDES)
    print(f"{name}: prepared {result['districts']} districts in {result['wall']:.0f} s ({result['cpu']:.0f} s CPU)")
    return result


def main() -> None:
    results = {name: measure(name, codes) for name, codes in CASES.items()}
    small, large = results.values()
    print("\n| What | " + " | ".join(results) + " | ratio |")
    print("| --- | --- | --- | --- |")
    rows = [
        ("districts prepared", "districts", "{:.0f}"),
        ("source vertices", "vertices", "{:,.0f}"),
        ("preparation, wall s", "wall", "{:.0f}"),
        ("preparation, CPU s", "cpu", "{:.0f}"),
        ("Kalimantan first visit, bytes", "kalimantan visit", "{:,.0f}"),
        ("full-area first visit, bytes", "full area visit", "{:,.0f}"),
        ("Kalimantan page, cold s", "kalimantan cold", "{:.2f}"),
        ("full-area page, cold s", "full area cold", "{:.2f}"),
        ("PowerPoint of the full area, cold s", "pptx", "{:.2f}"),
    ]
    for label, key, form in rows:
        print(f"| {label} | {form.format(small[key])} | {form.format(large[key])} | {large[key] / small[key]:.2f}× |")
    per_district = (large["cpu"] / large["districts"]) / (small["cpu"] / small["districts"])
    per_vertex = (large["cpu"] / large["vertices"]) / (small["cpu"] / small["vertices"])
    print(f"\nPreparation CPU per district {per_district:.2f}×, per source vertex {per_vertex:.2f}× (1,00×: linear).")
    for label in PAGES:
        before, after = small[f"{label} files"], large[f"{label} files"]
        same = [url for url in before if after.get(url) == before[url]]
        other = {url: (before[url], after.get(url)) for url in before if url not in same}
        other |= {url: (None, after[url]) for url in after if url not in before}
        print(f"{label}: {len(same)} of {len(before)} files the same bytes; other: {other or 'none'}")


if __name__ == "__main__":
    main()
