"""Routes, formats, errors, language and the map cache."""

import ast
import csv
import gzip
import io
import re

import pandas as pd
import pytest

from app import ROOT
from geo.store import RECORD_COLUMNS, publish
from tests.pages import page_values, rows_labelled
from web.resources import get_resources

XSS = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/", "Kalimantan &amp; Sumatera"),
        ("/map/kalimantan-sumatera", "Kalimantan &amp; Sumatera"),
        ("/map/kalimantan", "Cakupan BPJS Ketenagakerjaan — Kalimantan"),
        ("/map/sumatera", "— Sumatera"),
        ("/map/kalimantan-tengah", "— Kalimantan Tengah"),
        ("/map/62", "— Kalimantan Tengah"),
        ("/map/kalimantan?series=contoh&period=2025-06", "DATA CONTOH — bukan data resmi"),
        ("/map/lampung?view=target", "Capaian terhadap target"),
    ],
)
def test_map_pages(client, url, text):
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert text in page
    assert "cdn." not in page and "https://" not in page.split("<body>")[0]  # nothing from a CDN


def test_real_figures_open_by_default_without_the_sample_banner(client):
    page = client.get("/").get_data(as_text=True)
    assert "2025-10" in page and "DATA CONTOH" not in page


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        # what is not there is 404: a map in the path, a period not published
        ("/map/jawa-barat", 404, "Wilayah peta &#39;jawa-barat&#39; tidak ada. Pilihan: kalimantan-sumatera"),
        ("/map/kalimantan?period=2019-01", 404, "Periode &#39;2019-01&#39; tidak ada. Pilihan: 2025-10"),
        ("/tidak-ada", 404, "Halaman tidak ditemukan"),
        # a query value that is not one of the choices, or not in form, is 400 and lists the choices
        ("/map/kalimantan?period=kemarin", 400, "Periode &#39;kemarin&#39; tidak berbentuk TTTT-BB"),
        ("/map/kalimantan?compare=kemarin", 400, "Periode pembanding &#39;kemarin&#39; tidak berbentuk TTTT-BB"),
        ("/map/kalimantan?series=palsu", 400, "Seri data &#39;palsu&#39; tidak ada. Pilihan: utama, contoh."),
        ("/map/kalimantan?view=pelangi", 400, "Tampilan peta &#39;pelangi&#39; tidak ada. Pilihan: cakupan"),
        ("/map/kalimantan?layer=desa", 400, "Lapisan &#39;desa&#39; tidak ada. Pilihan: kabupaten, provinsi."),
        ("/map/kalimantan?palette=pelangi", 400, "Palet &#39;pelangi&#39; tidak ada. Pilihan: cvd"),
        ("/map/kalimantan?lang=fr", 400, "Bahasa &#39;fr&#39; tidak ada. Pilihan: id, en."),
    ],
)
def test_unknown_things_answer_with_the_field_and_the_choices(client, url, status, message):
    response = client.get(url)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/coverage.geojson?scope=atlantis")
    assert response.status_code == 400  # a query value, not a page: 400 with the choices
    assert response.get_json()["error"].startswith("Wilayah peta 'atlantis' tidak ada. Pilihan: kalimantan-sumatera")


def test_geojson_has_every_district_with_its_properties(client):
    # The default is the terbaru view (each district's latest figure, geo.latest): no single period, a span.
    data = client.get("/api/coverage.geojson?scope=kalimantan-sumatera").get_json()
    assert data["type"] == "FeatureCollection" and data["period"] is None
    assert data["latest"]["window_months"] == 24 and data["latest"]["mixed_periods"]
    assert len(data["features"]) == 210
    props = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert set(props["63.03"]) == {
        "code",
        "name",
        "province",
        "period",
        "participants",
        "workers",
        "coverage_pct",
        "target_pct",
        "gap_pct",
        "rank",
        "level",
        "fill",
        "source",
        "as_of",
        "origin_version",
        "origin_dataset_id",
        "origin_draft_id",
        "stale",
        "stale_coverage_pct",
    }
    assert props["63.03"]["coverage_pct"] == 26.1 and props["63.03"]["level"] == "rendah"
    # Each figure with its own month: Kota Metro's 24 September 2024, Banda Aceh's 2021 figure is data lama.
    assert props["18.72"]["period"] == "2024-09" and props["18.72"]["as_of"] == "24 September 2024"
    assert props["11.71"]["level"] == "data_lama" and props["11.71"]["stale_coverage_pct"] == 46.98
    assert props["63.03"]["fill"] == "#fdae61" and props["63.03"]["source"].startswith("https://")
    assert props["62.11"]["level"] == "tidak_ada_data" and props["62.11"]["coverage_pct"] is None


def test_sample_series_covers_every_district_in_two_periods(client):
    periods = client.get("/api/periods?series=contoh").get_json()
    assert [p["period"] for p in periods] == ["2025-12", "2025-06"]
    assert all(p["is_sample"] for p in periods)
    data = client.get("/api/coverage.geojson?series=contoh&period=2025-06").get_json()
    assert all(f["properties"]["coverage_pct"] is not None for f in data["features"])


def test_csv_is_the_same_table(client):
    response = client.get("/api/coverage.csv?scope=kalimantan-tengah")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 14 and rows[0]["code"] == "62.01"
    geojson = client.get("/api/coverage.geojson?scope=kalimantan-tengah").get_json()
    assert [r["fill"] for r in rows] == [f["properties"]["fill"] for f in geojson["features"]]


def test_scopes(client):
    scopes = {s["slug"]: s for s in client.get("/api/scopes").get_json()}
    assert len(scopes) == 3 + 15
    assert scopes["kalimantan"]["province_codes"] == ["61", "62", "63", "64", "65"]


def test_english_switch_is_remembered(client):
    page = client.get("/map/kalimantan?lang=en")
    assert "BPJS Ketenagakerjaan coverage" in page.get_data(as_text=True)
    assert "lang=en" in page.headers["Set-Cookie"]
    assert "Target attainment" in client.get("/map/kalimantan").get_data(as_text=True)


def test_tooltips_use_indonesian_number_format(client):
    page = client.get("/map/kalimantan-barat?series=contoh&period=2025-06").get_data(as_text=True)
    assert all(re.fullmatch(r"\d{1,3},\d%", text) for text in rows_labelled(page, "Cakupan"))
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*", text) for text in rows_labelled(page, "Peserta aktif"))


def add_dataset(app, rows, period="2026-01"):
    frame = pd.DataFrame([dict(zip(RECORD_COLUMNS, row, strict=True)) for row in rows], columns=RECORD_COLUMNS)
    with app.app_context():
        return publish(get_resources().engine, "utama", period, frame, title=XSS)


def test_tooltip_and_titles_escape_hostile_text(app):
    add_dataset(app, [("62.11", XSS, 41300, 100000, 41.3, 61.0, XSS, "</script><script>alert(2)</script>")])
    page = app.test_client().get("/map/kalimantan-tengah?period=2026-01").get_data(as_text=True)
    assert XSS not in page and "<img" not in page  # the page's data never holds markup
    assert "<script>alert(2)" not in page
    tip = page_values(page)["features"]["62.11"]["tip"]  # kept as text: the browser sets it with textContent
    assert ["Sumber", f"{XSS} (</script><script>alert(2)</script>)"] in tip["rows"]
    assert "&amp;lt;img src=x onerror=alert(1)&amp;gt;" in page or "&lt;img src=x onerror=alert(1)&gt;" in page


def test_csv_neutralises_formulas(app):
    add_dataset(app, [("62.11", "x", 1, 2, 50.0, None, '=HYPERLINK("http://evil")', None)])
    text = app.test_client().get("/api/coverage.csv?scope=62&period=2026-01").get_data(as_text=True)
    assert "'=HYPERLINK" in text


def test_map_is_cached_and_a_new_dataset_shows_at_once(app):
    client = app.test_client()
    client.get("/map/kalimantan")
    with app.app_context():
        cache = get_resources().cache
    misses = cache.misses
    client.get("/map/kalimantan")
    assert cache.misses == misses  # the second request re-rendered nothing
    add_dataset(app, [("62.11", "x", 1, 2, 99.0, None, None, None)], period="2030-01")
    page = client.get("/map/kalimantan").get_data(as_text=True)
    assert "2030-01" in page and cache.misses > misses


def test_default_page_weight_is_under_600_kb_gzip(client):
    total = len(gzip.compress(client.get("/").data))
    for asset in (
        "/vendor/leaflet/leaflet.js",
        "/vendor/leaflet/leaflet.css",
        "/static/css/peta.css",
        "/static/js/controls.js",
    ):
        response = client.get(asset)
        assert response.status_code == 200
        total += len(gzip.compress(response.data))
        response.close()
    assert total < 600 * 1024


@pytest.mark.parametrize(
    "url",
    [
        "/vendor/leaflet/../../app.py",
        "/vendor/static/css/peta.css",
        "/vendor/jquery/x.js",
        "/static/../app.py",
        "/vendor/leaflet/nope.js",
    ],
)
def test_assets_outside_their_folders_are_not_served(client, url):
    assert client.get(url).status_code == 404


def test_assets_are_cached_and_compressed(client):
    first = client.get("/vendor/leaflet/leaflet.js", headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip" and "max-age=86400" in first.headers["Cache-Control"]
    etag = client.get("/vendor/leaflet/leaflet.js").headers["ETag"]
    assert client.get("/vendor/leaflet/leaflet.js", headers={"If-None-Match": etag}).status_code == 304


def test_map_page_is_compressed(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(response.data) < 450 * 1024


def web_imports() -> dict[str, tuple[bool, set[str]]]:
    """For each module of web/: whether it defines a Blueprint, and the web modules it imports."""
    modules = {}
    for path in sorted((ROOT / "web").glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        defines = any(
            isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Blueprint"
            for node in ast.walk(tree)
        )
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "web":
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("web."):
                imported.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                imported |= {a.name.split(".")[1] for a in node.names if a.name.startswith("web.")}
        modules[path.stem] = (defines, imported)
    return modules


def test_blueprints_import_no_other_blueprint():
    modules = web_imports()
    blueprints = {name for name, (defines, _) in modules.items() if defines}
    assert {"api", "districts", "editor", "exports", "maps", "uploads", "vendor"} <= blueprints  # the walk works
    assert "results" not in blueprints and "query" not in blueprints
    crossing = {name: sorted((modules[name][1] & blueprints) - {name}) for name in sorted(blueprints)}
    assert {name: found for name, found in crossing.items() if found} == {}


@pytest.mark.parametrize(
    "url",
    [
        "/map/kalimantan-tengah?series=contoh",
        "/map/kalimantan-tengah?series=contoh&mode=present",
        "/embed/kalimantan-tengah?series=contoh",
        "/export/kalimantan-tengah.html?series=contoh",
    ],
)
def test_the_sample_banner_follows_the_page_language(client, url):
    """Indonesian always (the words the figures are known by), English beside it on an English page."""
    indonesian = client.get(url).get_data(as_text=True)
    english = client.get(url + "&lang=en").get_data(as_text=True)
    assert "DATA CONTOH — bukan data resmi" in indonesian and "SAMPLE DATA" not in indonesian
    assert "DATA CONTOH — bukan data resmi · SAMPLE DATA — not official figures" in english
