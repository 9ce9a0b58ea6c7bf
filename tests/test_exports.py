"""Maps that leave the app: PNG/SVG/PDF, offline HTML, embed, presentation mode, palettes."""

import gc
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from layers.colours import check_palette


@pytest.mark.parametrize(
    ("query", "size"), [("", (1920, 1080)), ("?width=1280&height=720", (1280, 720)), ("?scale=2", (3840, 2160))]
)
def test_png_sizes(client, query, size):
    response = client.get(f"/export/kalimantan-tengah.png{query}")
    assert response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == size


def test_svg_is_vector_and_draws_every_district_in_the_map_colours(client):
    response = client.get("/export/kalimantan-tengah.svg?series=contoh")
    root = ET.fromstring(response.data)
    paths = root.iter("{http://www.w3.org/2000/svg}path")
    fills = {m.group(1).lower() for p in paths if (m := re.search(r"fill:\s*(#[0-9a-fA-F]{6})", p.get("style", "")))}
    features = client.get("/api/coverage.geojson?scope=62&series=contoh").get_json()["features"]
    assert {f["properties"]["fill"] for f in features} <= fills  # the same level -> colour mapping
    assert "<image" not in response.get_data(as_text=True)  # vector, not an embedded bitmap
    assert "Cakupan BPJS Ketenagakerjaan — Kalimantan Tengah" in response.get_data(as_text=True)  # text stays text


def test_pdf_is_one_page(client):
    data = client.get("/export/lampung.pdf").data
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") == 1


@pytest.mark.parametrize("query", ["?width=10", "?width=abc", "?scale=3", "?height=99999"])
def test_bad_sizes_are_refused(client, query):
    response = client.get(f"/export/kalimantan.png{query}")
    assert response.status_code == 400 and "Traceback" not in response.get_data(as_text=True)


def test_unknown_export_format(client):
    assert client.get("/export/kalimantan.gif").status_code == 404


def test_offline_html_inlines_everything(client):
    page = client.get("/export/kalimantan.html").get_data(as_text=True)
    assert "<script src" not in page and '<link rel="stylesheet"' not in page
    assert "http://" not in page.replace("http://www.w3.org", "") or "https://" not in page.split("<body>")[0]
    assert "L.map(" in page and "peta-hatch" in page
    # the search's aliases inline (the site's pages fetch them): none of another scope's districts
    terms = json.loads(re.search(r'<script type="application/json" id="search-terms">(.*?)</script>', page).group(1))
    assert "kotim" in terms["62.02"] and all(code[:1] == "6" for code in terms)
    assert "data-terms=" not in page


def csp(headers) -> dict[str, str]:
    """The Content-Security-Policy header as {directive: sources}."""
    items = (part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    return {item[0]: item[1] if len(item) > 1 else "" for item in items}


def test_embed_may_be_framed_and_the_rest_may_not(client, shared_app):
    embed = client.get("/embed/kalimantan")
    assert csp(embed.headers)["frame-ancestors"] == "*"
    assert "X-Frame-Options" not in embed.headers
    page = client.get("/map/kalimantan")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert csp(page.headers)["frame-ancestors"] == "'none'"
    assert "PETA_PUBLIC_URL" in page.get_data(as_text=True)  # no address configured: the iframe code says so


def test_embed_origins_are_configuration(app):
    app.config["EMBED_ORIGINS"] = "https://bpjs.example.go.id, https://kalteng.example.go.id"
    headers = app.test_client().get("/embed/62").headers
    assert csp(headers)["frame-ancestors"] == "https://bpjs.example.go.id https://kalteng.example.go.id"


def test_presentation_mode(client):
    page = client.get("/map/kalimantan-tengah?mode=present&series=contoh&title=<b>Rapat</b>&legend=kanan")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "&lt;b&gt;Rapat&lt;/b&gt;" in text and "<b>Rapat" not in text
    assert "legend-kanan" in text and 'id="search"' in text
    # No period asked: the terbaru view, which names its span (every district of the sample is of Desember 2025).
    span = "Data terbaru per wilayah · Des 2025 · 14 wilayah"
    assert re.search(rf"Kalimantan Tengah, cakupan ucj \({span}\): \d+ dari 14 kabupaten/kota", text)


def test_colour_blind_palette_option(client):
    fills = {
        f["properties"]["fill"]
        for f in client.get("/api/coverage.geojson?scope=62&series=contoh&palette=cvd").get_json()["features"]
    }
    assert fills <= {"#d7191c", "#fdae61", "#abd9e9", "#2c7bb6"}
    assert client.get("/map/62?palette=pelangi").status_code == 400  # not one of the palettes: 400 with the choices


def test_palette_checks(client):
    data = {(p["scheme"], p["palette"]): p for p in client.get("/api/palettes").get_json()["palettes"]}
    default = {c["vision"]: c["ok"] for c in data[("cakupan", "default")]["checks"]}
    cvd = {c["vision"]: c["ok"] for c in data[("cakupan", "cvd")]["checks"]}
    # The default red-to-green fails for deuteranopia and in grey: labels (presentation) and patterns
    # (print) carry the levels there; the colour-blind palette passes every deficiency.
    assert default["deuteranopia"] is False and default["greyscale"] is False
    assert cvd["protanopia"] and cvd["deuteranopia"] and cvd["tritanopia"]
    assert data[("cakupan", "default")]["has_patterns"]


def test_identical_colours_fail_the_check():
    checks = {c.vision: c for c in check_palette(["#ff0000", "#ff0000"], ["a", "b"])}
    assert checks["normal"].min_delta_e == 0 and not checks["normal"].ok


def test_map_page_offers_presentation_and_describes_itself(client):
    page = client.get("/map/kalimantan-tengah?series=contoh").get_data(as_text=True)
    assert "mode=present" in page
    assert re.search(r'id="map-description">Kalimantan Tengah, cakupan ucj \(Data terbaru per wilayah · Des 2025', page)
    one = client.get("/map/kalimantan-tengah?series=contoh&period=2025-12").get_data(as_text=True)
    assert re.search(r'id="map-description">Kalimantan Tengah, cakupan ucj 2025-12: \d+ dari 14', one)


@pytest.mark.parametrize(
    "query", ["?width=3997&height=4000&scale=2", "?width=4000&height=2200", "?width=2000&height=2000&scale=2"]
)
def test_bitmaps_above_8_megapixels_are_refused_with_the_limit(client, query):
    response = client.get(f"/export/kalimantan.png{query}")
    assert response.status_code == 400
    assert "8,3 megapiksel" in response.get_data(as_text=True)


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.slow  # over 15 s: make test runs it, make test-fast leaves it out
def test_twenty_distinct_sizes_leave_the_memory_bounded(client):  # 270 MB before the fix, 5 MB after
    """Each size near the limit needs ~100 MB while drawing; it must be given back, not kept per size."""
    client.get("/export/kalimantan-tengah.png?width=1280&height=720")  # warm: fonts, boundaries, join
    gc.collect()
    before = _rss_mb()
    for n in range(20):
        width, height = 3800 - 37 * n, 2150 - 13 * n  # about 8 MP each, none of them a cached size
        response = client.get(f"/export/kalimantan-tengah.png?width={width}&height={height}")
        assert response.status_code == 200 and Image.open(io.BytesIO(response.data)).size == (width, height)
    gc.collect()
    grown = _rss_mb() - before
    assert grown < 100, f"{grown:.0f} MB more after 20 sizes"


SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("scope", ["kalimantan-tengah", "kalimantan"])
def test_svg_names_every_district_and_keeps_labels_as_text(client, scope):
    root = ET.fromstring(client.get(f"/export/{scope}.svg?series=contoh").data)
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("kab-")}
    features = client.get(f"/api/coverage.geojson?scope={scope}&series=contoh").get_json()["features"]
    expected = {f"kab-{f['properties']['code']}": f["properties"]["name"] for f in features}
    assert {code: g.find(f"{SVG}title").text for code, g in groups.items()} == expected  # every district, by code
    assert all(g.find(f".//{SVG}path") is not None for g in groups.values())  # ... and name, on its own shape
    texts = {t.text for t in root.iter(f"{SVG}text")}
    values = client.get(f"/map/{scope}/values.json?series=contoh")
    shown = values.get_json()["labels"] if values.status_code == 200 else []
    labels = [f"{label['name']} {label['value']}".strip() for label in shown]
    if scope == "kalimantan":  # the island map names its five provinces, each as text
        assert {"Kalimantan Barat", "Kalimantan Tengah", "Kalimantan Selatan", "Kalimantan Timur"} <= texts
    drawn = [label for label in labels if label in texts]
    assert len(drawn) >= len(labels) // 2 or scope == "kalimantan"
    assert not root.findall(f".//{SVG}use")  # no glyphs drawn as shapes and reused


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is installed by system-deps.sh")
def test_pdf_text_layer_holds_the_labels(client, tmp_path):
    pdf = tmp_path / "peta.pdf"
    pdf.write_bytes(client.get("/export/kalimantan.pdf?series=contoh").data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for province in ("Kalimantan Barat", "Kalimantan Tengah", "Kalimantan Selatan", "Kalimantan Timur"):
        assert province in text
    assert "Cakupan BPJS Ketenagakerjaan — Kalimantan" in text


def test_the_embed_code_needs_the_site_address_and_names_the_setting(app):
    client = app.test_client()
    page = client.get("/map/kalimantan-tengah").get_data(as_text=True)
    assert 'id="embed-code"' not in page and "PETA_PUBLIC_URL" in page  # no bare path that breaks elsewhere
    app.config["TRUSTED_HOSTS"] = ["peta.example.go.id", "localhost"]
    page = client.get("/map/kalimantan-tengah?series=contoh", headers={"Host": "localhost"}).get_data(as_text=True)
    assert 'src="http://peta.example.go.id/embed/kalimantan-tengah?' in page.replace("&amp;", "&")
    assert "allowfullscreen" in page  # the ready-to-copy iframe code


def test_the_colour_blind_palette_is_offered_in_the_controls_and_the_unduh_menu(client):
    page = client.get("/map/kalimantan-tengah?series=contoh").get_data(as_text=True).replace("&amp;", "&")
    choice = r'<select name="palette">\s*<option value="" selected>Standar</option>\s*<option value="cvd"'
    assert re.search(choice, page)
    menu = page[page.index('id="share-cvd"') :].split("</p>", 1)[0]
    assert len(re.findall(r'href="[^"]*palette=cvd', menu)) == 5  # the map, PNG, SVG, PDF and PowerPoint
    cvd = client.get("/map/kalimantan-tengah?series=contoh&palette=cvd").get_data(as_text=True).replace("&amp;", "&")
    assert '<option value="cvd" selected>' in cvd and '<option value="cakupan" selected>' in cvd
    assert re.search(r'href="/export/kalimantan-tengah\.png\?[^"]*palette=cvd', cvd)  # downloads as the map shows
    assert 'id="share-cvd"' not in cvd
    segment = client.get("/map/kalimantan-tengah?series=contoh&view=pu&palette=cvd")
    assert segment.status_code == 200 and 'name="palette"' not in segment.get_data(as_text=True)


@pytest.mark.slow
def test_the_offline_file_searches_ranks_and_walks_from_file(client, tmp_path):
    """Saved to disk and opened from file:// with no server: search, the ranking table and the keyboard walk."""
    from playwright.sync_api import sync_playwright

    from tests.chromium import launch_chromium

    saved = tmp_path / "peta.html"
    saved.write_bytes(client.get("/export/kalimantan-tengah.html?series=contoh").data)
    ranking = client.get("/api/ranking?scope=62&series=contoh").get_json()["rows"]
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(saved.as_uri())
        page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
        page.fill("#search", "kotim")  # an alias, from the file's own terms
        assert page.get_attribute("#search-list li:first-child", "data-code") == "62.02"
        page.fill("#search", "Pulang Pisau")
        assert page.get_attribute("#search-list li:first-child", "data-code") == "62.11"
        page.press("#search", "Enter")
        assert page.evaluate("window.PetaCakupan.selected()") == "62.11"
        page.wait_for_selector("#ranking tbody tr")
        names = page.eval_on_selector_all("#ranking tbody tr td:nth-child(3)", "cells => cells.map(c => c.textContent)")
        assert names == [row["name"] for row in ranking]  # the same order as the site's table
        page.focus(".folium-map")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        assert page.evaluate("window.PetaCakupan.selected()") in {r["code"] for r in ranking}
        assert page.text_content("#map-live")
        browser.close()
    assert not errors
