"""The choropleth as a folium plugin (layers.plugin): a saved map and a notebook's folium.Map draw the same units
from file:// with no network; our pages link the same element's scripts; nothing under geo/ or layers/ needs Flask."""

import json
import subprocess
import sys
from pathlib import Path

import folium
import pytest

from app import ROOT
from geo.join import join_coverage
from geo.levels import read_schemes
from geo.numbers import format_count, format_percent
from geo.samples import synthetic_records
from layers.choropleth import MapLabel
from layers.plugin import Geometry, Linked, PetaChoropleth, PetaMap, build_map, choropleth_map, render_components
from tests.chromium import CHROMIUM, launch_chromium

SCHEME = read_schemes(ROOT / "data" / "levels.json")["cakupan"]
HOSTILE = '</script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'


@pytest.fixture(scope="module")
def kalteng(boundaries):
    """Kalimantan Tengah's 14 districts joined with the synthetic sample, one name made hostile."""
    districts = boundaries.districts[boundaries.districts["kode_prov"] == "62"].reset_index(drop=True)
    joined = join_coverage(districts, synthetic_records(districts, 1), "2025-12", SCHEME)
    joined.loc[joined["code"] == "62.11", "name"] = HOSTILE
    return joined


def values_of(joined):
    return {
        "features": {
            c: {"level": "x", "fill": "#d73027", "tip": {"title": c, "sub": "", "rows": []}} for c in joined["code"]
        }
    }


def open_offline(path: Path):
    """Open a saved file in Chromium with the network off; return (playwright, browser, page, errors, requests)."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = launch_chromium(playwright)
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 720})
    requests, errors = [], []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
    return playwright, browser, page, errors, requests


def hover(page, code: str) -> str:
    box = page.evaluate(
        """(code) => { const e = window.PetaCakupan.maps[0].byCode[code].getElement().getBoundingClientRect();
        return [e.x + e.width / 2, e.y + e.height / 2]; }""",
        code,
    )
    page.mouse.move(*box)
    return page.wait_for_selector(".peta-tooltip").inner_text()


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it)")
def test_a_saved_map_opens_from_a_file_with_every_district_and_no_network(kalteng, tmp_path):
    path = tmp_path / "peta.html"
    choropleth_map(kalteng, SCHEME).save(str(path))
    html = path.read_text()
    assert "cdn" not in html.lower() and "user-scalable" not in html
    playwright, browser, page, errors, requests = open_offline(path)
    try:
        assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 14
        fills = page.evaluate(
            "Object.values(window.PetaCakupan.maps[0].byCode).map(l => l.getElement().getAttribute('fill'))"
        )
        assert sorted(set(fills)) == sorted(set(kalteng["fill"]))  # every unit in its level's colour
        row = kalteng[kalteng["code"] == "62.03"].iloc[0]
        tip = hover(page, "62.03")
        assert row["name"] in tip and "Cakupan" in tip
        assert f"Cakupan\t{format_percent(row['coverage_pct'], 'id_ID')}" in tip
        assert f"Peserta aktif\t{format_count(row['participants'], 'id_ID')}" in tip
        assert HOSTILE.split("<img")[0] in hover(page, "62.11")  # the hostile name shown as text
        assert page.evaluate("window.pwned") is None
        # Positioned once, on the units: the whole province in the window.
        inside = page.evaluate(
            "(() => { const m = window.PetaCakupan.maps[0];"
            " return m.map.getBounds().contains(m.districts.getBounds()); })()"
        )
        assert inside
        assert page.locator(".leaflet-tooltip.peta-label").count() == 14
        assert not errors
        assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    finally:
        browser.close()
        playwright.stop()


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it)")
def test_on_a_notebooks_folium_map_the_element_replaces_folium_leaflet(kalteng, tmp_path):
    m = folium.Map(tiles=None)
    PetaChoropleth(Geometry.of_frame(kalteng), values_of(kalteng), tuple(kalteng.total_bounds)).add_to(m)
    path = tmp_path / "notebook.html"
    m.save(str(path))
    html = path.read_text()
    assert "npm/leaflet@" not in html and "dist/leaflet.css" not in html  # folium's CDN Leaflet and CSS, replaced
    assert html.count("L.map(") == 1
    playwright, browser, page, errors, _ = open_offline(path)
    try:
        assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 14
        assert "62.05" in hover(page, "62.05")
        # folium's own jQuery/Bootstrap links cannot load offline; nothing of ours fails
        assert not [e for e in errors if "$" not in e and "jQuery" not in e]
    finally:
        browser.close()
        playwright.stop()


def test_linked_assets_go_before_the_maps_script_and_the_stylesheet_stays_with_the_page(kalteng):
    geometry = Geometry("62", url="/geometri/62.abc.js")
    element = PetaChoropleth(
        geometry, "map-values-x", (110, -3, 115, 1), assets=Linked(lambda n: f"/aset/{n}"), fit=False
    )
    parts = render_components(build_map(element, attribution="a", labels=[]))
    assert parts.links == (
        '<script src="/aset/vendor.js"></script>',
        '<script src="/aset/draw.js"></script>',
        '<script src="/geometri/62.abc.js"></script>',
        '<script src="/aset/labels.js"></script>',
    )
    assert "<script" not in parts.header and "<link" not in parts.header  # no link left in the header
    assert "viewport" not in parts.header  # folium's user-scalable=no meta is not ours
    spec = json.loads(parts.script.split("draw(map_peta_0, ", 1)[1].split(");", 1)[0])
    assert spec["values"] == "map-values-x" and spec["fit"] is False
    assert spec["bounds"] == [[-3.0, 110.0], [1.0, 115.0]]
    # positioned once, by the page: no starting view, no folium fit
    assert 'L.map("map_peta_0", {"zoomDelta": 0.5, "zoomSnap": 0.25})' in parts.script
    assert "fitBounds" not in parts.script


def test_the_element_says_what_it_needs():
    with pytest.raises(ValueError, match="geometry's address"):
        PetaChoropleth(Geometry("62", text="{}"), {}, (0, 0, 1, 1), assets=Linked(str))
    with pytest.raises(ValueError, match="geometry itself"):
        PetaChoropleth(Geometry("62", url="/g.js"), {}, (0, 0, 1, 1))
    lone = PetaChoropleth(Geometry("62", text="{}"), {}, (0, 0, 1, 1))
    with pytest.raises(TypeError, match="folium Map"):
        lone.render()


def test_the_same_view_renders_to_the_same_bytes(kalteng):
    def render():
        element = PetaChoropleth(Geometry.of_frame(kalteng), values_of(kalteng), tuple(kalteng.total_bounds))
        return (
            build_map(element, attribution="a", labels=[MapLabel("62", "x", "", ((0.0, 112.0),))], ids="p")
            .get_root()
            .render()
        )

    assert render() == render()
    assert isinstance(PetaMap(), folium.Map)


def test_no_module_under_geo_or_layers_imports_flask():
    modules = [f"{p.parent.name}.{p.stem}" for folder in ("geo", "layers") for p in (ROOT / folder).glob("*.py")]
    code = (
        f"import sys; [__import__(m) for m in {modules!r}];"
        " print(sorted(m for m in sys.modules if m.startswith('flask')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
