"""Layouts for the room, measured in Chromium at the sizes projectors, laptops and phones really have."""

import re
import threading

import pytest

from tests.test_browser import page, server, wait_until  # noqa: F401 - live server and browser page fixtures
from tests.test_uploads import tokens  # noqa: F401 - a fixture

SIZES = [(1280, 720), (1024, 768), (390, 844)]
DISTRICTS = ".leaflet-overlay-pane path.leaflet-interactive"

MAP_SHARE = """() => {
    const r = document.querySelector('.folium-map').getBoundingClientRect();
    const w = Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0));
    const h = Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
    return w * h / (innerWidth * innerHeight);
}"""
# Districts whose drawn box meets the box of the legend or another overlay (none may, at the default view).
UNDER_LEGEND = """(selector) => {
    const overlays = Array.from(document.querySelectorAll('.legend, .map-tools, .stage-tools, .timeline'))
        .filter(o => o.offsetWidth).map(o => o.getBoundingClientRect());
    return Array.from(document.querySelectorAll(selector)).filter(p => {
        const b = p.getBoundingClientRect();
        const meets = l => b.left < l.right && b.right > l.left && b.top < l.bottom && b.bottom > l.top;
        return b.width > 0 && overlays.some(meets);
    }).length;
}"""
# Pairs of overlays on the map (legend, tools, slider, scale bar, the boundaries' credit) whose boxes meet: none may.
OVERLAYS_MEETING = """() => {
    const names = ['.legend', '.map-tools', '.stage-tools', '.timeline', '.leaflet-control-scale',
        '.leaflet-control-attribution'];
    const boxes = names.map(n => [n, document.querySelector(n)]).filter(([, e]) => e && e.offsetWidth)
        .map(([n, e]) => [n, e.getBoundingClientRect()]);
    const meeting = [];
    boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, q]) => {
        if (r.left < q.right && r.right > q.left && r.top < q.bottom && r.bottom > q.top) meeting.push([a, b]);
    }));
    return meeting;
}"""
# Districts drawn outside the map's frame (none may, at the default view or after the layout changes).
OUTSIDE_MAP = """(selector) => {
    const m = document.querySelector('.folium-map').getBoundingClientRect();
    return Array.from(document.querySelectorAll(selector)).filter(p => {
        const b = p.getBoundingClientRect();
        return b.left < m.left - 1 || b.right > m.right + 1 || b.top < m.top - 1 || b.bottom > m.bottom + 1;
    }).length;
}"""
# Zoom in on the scope's middle, so land lies just above the legend: a tooltip opened there reaches down over it.
ZOOM_IN = """() => {
    const bridge = window.PetaCakupan.maps[0];
    bridge.map.setView(bridge.districts.getBounds().getCenter(), bridge.map.getZoom() + 1.5, {animate: false});
}"""
ABOVE_LEGEND = """() => {
    const l = document.querySelector('.legend').getBoundingClientRect();
    return [[l.left + 0.3 * l.width, l.top - 6], [l.right - 20, l.top - 6], [l.right + 12, l.top + 30]];
}"""
# Points across the open tooltip that another element would cover.
TOOLTIP_COVERED = """() => {
    const tip = document.querySelector('.leaflet-tooltip.peta-tooltip');
    const r = tip.getBoundingClientRect();
    tip.style.pointerEvents = 'auto';  // Leaflet's tooltips ignore the pointer, and so would elementFromPoint
    const covered = [];
    for (const fx of [0.1, 0.5, 0.9]) for (const fy of [0.1, 0.5, 0.9]) {
        const x = r.left + fx * r.width, y = r.top + fy * r.height;
        if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
        const hit = document.elementFromPoint(x, y);
        if (!hit || !tip.contains(hit)) covered.push([fx, fy, hit ? hit.className : null]);
    }
    tip.style.pointerEvents = '';
    return covered;
}"""


def open_map(page, url: str, size: tuple[int, int]):  # noqa: F811 - page is the fixture
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(url)
    page.wait_for_selector(DISTRICTS)
    page.wait_for_timeout(200)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_map_page_gives_the_map_the_room(server, page, size):  # noqa: F811
    open_map(page, f"{server}/map/kalimantan-sumatera?series=contoh", size)
    assert page.evaluate(MAP_SHARE) >= 0.6
    assert page.evaluate(OVERLAYS_MEETING) == []
    assert page.evaluate(UNDER_LEGEND, DISTRICTS) == 0
    assert page.evaluate(OUTSIDE_MAP, DISTRICTS) == 0
    assert not page.errors


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_presentation_fills_the_screen_with_legible_labels(server, page, size):  # noqa: F811
    open_map(page, f"{server}/map/kalimantan-sumatera?series=contoh&mode=present", size)
    assert page.evaluate(MAP_SHARE) >= 0.8
    assert page.evaluate(OVERLAYS_MEETING) == []
    assert page.evaluate(UNDER_LEGEND, DISTRICTS) == 0
    sizes = page.eval_on_selector_all(
        ".peta-label",
        "els => els.filter(e => e.style.visibility !== 'hidden').map(e => parseFloat(getComputedStyle(e).fontSize))",
    )
    assert sizes and min(sizes) >= 14
    assert not page.errors


@pytest.mark.parametrize(
    "url",
    [
        "/map/kalimantan-tengah?series=contoh",
        "/map/kalimantan-tengah?series=contoh&mode=present",
        "/map/kalimantan-tengah?series=contoh&view=pembiayaan&mode=present",  # the segment breakdown fits too
    ],
)
def test_tooltips_are_never_covered(server, page, url):  # noqa: F811
    open_map(page, server + url, (1280, 720))
    page.evaluate(ZOOM_IN)
    page.wait_for_timeout(100)
    tested = 0
    for x, y in page.evaluate(ABOVE_LEGEND):
        page.mouse.move(2, 2)
        page.mouse.move(x, y)
        if not page.wait_for_selector(".leaflet-tooltip.peta-tooltip", timeout=1000, state="attached"):
            continue
        page.wait_for_timeout(50)  # one animation frame for the overlays to step aside
        assert page.evaluate(TOOLTIP_COVERED) == [], (x, y)
        tested += 1
    assert tested >= 2
    page.mouse.move(2, 2)  # off the districts: the legend comes back
    page.wait_for_timeout(50)
    assert page.eval_on_selector(".legend", "e => getComputedStyle(e).visibility") == "visible"


def test_opening_the_table_fits_the_map_again(server, page):  # noqa: F811
    open_map(page, f"{server}/map/kalimantan-sumatera?series=contoh", (1280, 720))
    assert not page.is_visible("#panel")  # the map comes first on a projector
    page.click("#toggle-panel")
    page.wait_for_selector("#panel", state="visible")
    assert page.get_attribute("#toggle-panel", "aria-expanded") == "true"
    assert page.evaluate(OUTSIDE_MAP, DISTRICTS) == 0 and page.evaluate(UNDER_LEGEND, DISTRICTS) == 0
    assert not page.is_visible('#ranking th[data-sort="participants"]')  # fewer columns by default...
    page.click("#more-columns")
    assert page.is_visible('#ranking th[data-sort="participants"]')  # ...the rest on demand
    page.click("#toggle-panel")
    page.wait_for_selector("#panel", state="hidden")
    assert page.evaluate(OUTSIDE_MAP, DISTRICTS) == 0


def test_phone_controls_sit_behind_one_button(server, page):  # noqa: F811
    open_map(page, f"{server}/map/kalimantan-tengah?series=contoh", (390, 844))
    assert not page.is_visible("select[name=period]")
    page.click(".options-toggle")
    assert page.is_visible("select[name=period]")
    assert page.evaluate(OUTSIDE_MAP, DISTRICTS) == 0


def test_side_by_side_opens_both_maps_at_one_view_and_falls_back_to_the_period_before(server, page):  # noqa: F811
    open_map(page, f"{server}/map/kalimantan-tengah/berdampingan?series=contoh", (1280, 720))
    views = page.evaluate(
        "window.PetaCakupan.maps.map(m => [m.map.getZoom(), m.map.getCenter().lat, m.map.getCenter().lng])"
    )
    assert len(views) == 2 and views[0] == pytest.approx(views[1])
    titles = page.eval_on_selector_all(".map-title", "els => els.map(e => e.textContent)")
    assert titles == ["Juni 2025", "Desember 2025"]  # no compare period: the one before
    page.mouse.move(320, 400)  # over the left map: zooming it zooms the right one too
    page.mouse.wheel(0, -400)
    wait_until(page, f"window.PetaCakupan.maps[0].map.getZoom() > {views[0][0]}")
    page.wait_for_timeout(400)
    zooms = page.evaluate("window.PetaCakupan.maps.map(m => m.map.getZoom())")
    assert zooms[0] == zooms[1] and zooms[0] > views[0][0]
    assert not page.errors


def test_side_by_side_with_a_single_period_says_so(client):
    html = client.get("/map/kalimantan-tengah/berdampingan").get_data(as_text=True)
    assert html.count('class="map-title"') == 1 and "Hanya ada satu periode" in html


def test_small_multiples_show_one_map_per_period_in_time_order(client):
    html = client.get("/map/kalimantan-tengah/waktu?series=contoh").get_data(as_text=True)
    frames = re.findall(r'<img src="([^"]+)"', html)
    captions = re.findall(r"<figcaption>([^<]+)</figcaption>", html)
    assert captions == ["Juni 2025", "Desember 2025"] and len(frames) == 2
    assert all("width=1280" in src and "height=720" in src for src in frames)
    for src in frames:
        png = client.get(src.replace("&amp;", "&"))
        assert png.status_code == 200 and png.mimetype == "image/png"


# How far the page reaches past the viewport's right edge, and the widest elements that do (none may on a phone).
SIDEWAYS = """() => [document.documentElement.scrollWidth - innerWidth,
    Array.from(document.querySelectorAll('body *')).filter(e => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.right > innerWidth + 1 && !e.closest('thead');  // a phone's table hides its head
    }).slice(0, 5).map(e => e.tagName + '.' + e.className)]"""


@pytest.mark.parametrize(
    "url",
    [
        "/district/62.11?series=contoh",
        "/district/62.11?series=contoh&lang=en",
        "/bandingkan?series=contoh&kode=62.11,62.71,62.01,61.06,12.01,14.71",
        "/bandingkan?series=contoh&kode=62.11,62.71,62.01,61.06,12.01,14.71&lang=en",
    ],
)
def test_district_and_compare_pages_do_not_scroll_sideways_on_a_phone(server, page, url):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + url)
    page.wait_for_selector("table.data")
    assert page.evaluate(SIDEWAYS) == [0, []]
    assert page.is_visible("table.data td[data-label]")  # every cell still says which column it is
    assert not page.errors


PERIOD_SEGMENTS = "2025-08"
ALL_SIZES = [(1280, 720), (1366, 768), (1024, 768), (390, 844)]
# Move the pointer onto a district (its label anchor is inside it): the map's own projection gives the pixel.
POINT_AT = """(code) => {
    const entry = window.PetaCakupan.maps[0];
    const layer = entry.byCode[code];
    const p = entry.map.latLngToContainerPoint(layer.getCenter ? layer.getBounds().getCenter() : layer.getLatLng());
    const r = entry.map.getContainer().getBoundingClientRect();
    return [r.left + p.x, r.top + p.y];
}"""
TOOLTIP_BOX = """() => {
    const tip = document.querySelector('.leaflet-tooltip.peta-tooltip');
    const r = tip.getBoundingClientRect();
    const values = Array.from(tip.querySelectorAll('td')).map(td => td.getBoundingClientRect().width);
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, values: Math.min(...values),
            text: tip.innerText};
}"""


@pytest.fixture()
def segment_server(app, tokens):  # noqa: F811 - the seeds' Kalimantan Timur file with segments and who pays
    from werkzeug.serving import make_server

    from tests.test_segments import KALTIM, PERIOD
    from tests.test_uploads import auth, upload

    client = app.test_client()
    draft = upload(client, tokens["editor"], KALTIM, PERIOD).get_json()
    assert client.post(f"/api/uploads/{draft['id']}/publish", headers=auth(tokens["editor"])).status_code == 201
    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()


@pytest.mark.parametrize("size", ALL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("mode", ["", "&mode=present"])
def test_segment_tooltips_fit_the_screen_with_room_for_the_values(segment_server, page, size, mode):  # noqa: F811
    for view in ("pu", "bpu", "jakon", "pmi", "pembiayaan"):
        open_map(page, f"{segment_server}/map/kalimantan-timur?period={PERIOD_SEGMENTS}&view={view}{mode}", size)
        page.mouse.move(*page.evaluate(POINT_AT, "64.09"))
        page.wait_for_selector(".leaflet-tooltip.peta-tooltip")
        page.wait_for_timeout(50)  # the frame in which the tooltip is moved inside the map
        box = page.evaluate(TOOLTIP_BOX)
        assert box["left"] >= 0 and box["top"] >= 0, (view, box)
        assert box["right"] <= size[0] and box["bottom"] <= size[1], (view, box)
        assert box["values"] >= 150, (view, box)  # 90 px before: "kab/kota 72,8% · provinsi 27,2%" in one line
        assert "Rp3.024.000.000" in box["text"] and "Rp1.131.782.400" in box["text"]  # 15.000 and 5.614 × Rp16.800 × 12
        assert page.evaluate(TOOLTIP_COVERED) == [], view
    assert not page.errors


# The labels the presentation shows: their texts, smallest font size, pairs whose boxes meet, and those whose place is
# not on their own district (a label inside stands on it at its centre; a label beside, over the sea, at the start of
# its line, and its centre is over no district).
SHOWN_LABELS = """() => {
    const entry = window.PetaCakupan.maps[0];
    const codeOf = new Map(Object.entries(entry.byCode).map(([code, layer]) => [layer.getElement(), code]));
    const frame = entry.map.getContainer().getBoundingClientRect();
    const under = (x, y) => codeOf.get(document.elementFromPoint(x, y)) || null;
    const shown = Array.from(document.querySelectorAll('.peta-label')).filter(e => e.style.visibility !== 'hidden');
    const boxes = shown.map(e => e.getBoundingClientRect());
    const meeting = [];
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b, j) => {
        if (a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top)
            meeting.push([shown[i].textContent, shown[i + 1 + j].textContent]);
    }));
    const astray = shown.map((e, i) => {
        const r = boxes[i], own = e.firstChild.dataset.code, anchor = e.firstChild.dataset.anchor;
        const centre = under(r.left + r.width / 2, r.top + r.height / 2);
        if (!anchor) return centre === own ? null : [e.textContent, centre];
        const p = entry.map.latLngToContainerPoint(anchor.split(',').map(Number));
        const start = under(frame.left + p.x, frame.top + p.y);
        return start === own && centre === null ? null : [e.textContent, start, centre];
    }).filter(Boolean);
    return {texts: shown.map(e => e.textContent), total: document.querySelectorAll('.peta-label').length,
            font: Math.min(...shown.map(e => parseFloat(getComputedStyle(e).fontSize))), meeting, astray};
}"""


def capital_label(code: str) -> str:
    """The start of the capital district's label: its short name (web.rendering) and a space before the value."""
    import pandas as pd

    from app import ROOT
    from web.rendering import short_name

    codes = pd.read_csv(ROOT / "data" / "kode_bps_kemendagri.csv", dtype=str)
    return short_name(codes.set_index("kode_kemendagri").loc[code, "nama_kemendagri"]) + " "


@pytest.mark.parametrize("size", ALL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_presentation_labels_every_capital_large_and_apart_in_both_contrasts(server, page, size):  # noqa: F811
    from geo.capitals import read_capitals

    capitals = {code[:2]: code for code in read_capitals()}
    provinces = page.request.get(f"{server}/api/scopes").json()
    for scope in [s for s in provinces if s["kind"] == "province"]:
        open_map(page, f"{server}/map/{scope['slug']}?series=contoh&mode=present", size)
        for contrast in ("normal", "high"):
            if contrast == "high":
                page.click("button.theme-toggle") if page.is_visible("button.theme-toggle") else page.evaluate(
                    "document.body.classList.add('high-contrast'); document.dispatchEvent(new Event('peta:relayout'))"
                )
                page.wait_for_timeout(100)
            labels = page.evaluate(SHOWN_LABELS)
            assert labels["meeting"] == [], (scope["slug"], contrast)
            assert labels["astray"] == [], (scope["slug"], contrast)  # never on a neighbour
            assert labels["font"] >= (18 if size[0] >= 1024 else 15), (scope["slug"], contrast)
            capital = capital_label(capitals[scope["province_codes"][0]])
            assert any(text.startswith(capital) for text in labels["texts"]), (scope["slug"], contrast, capital)
            if size[0] >= 1024:  # half the districts named (Sumatera Utara 7 of 33 before labels moved or stood beside)
                assert len(labels["texts"]) * 2 >= labels["total"], (scope["slug"], contrast, labels["total"])
        page.evaluate("localStorage.clear()")  # high contrast is remembered
    assert not page.errors


@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_ranking_table_fits_its_panel(server, page, size):  # noqa: F811
    for query in ("", "&compare=2025-06", "&lang=en"):
        open_map(page, f"{server}/map/kalimantan-sumatera?series=contoh{query}", size)
        if not page.is_visible("#panel"):
            page.click("#toggle-panel")
        page.wait_for_selector("#ranking tbody tr")
        panel, table = page.evaluate(
            "() => [document.querySelector('#panel').clientWidth, document.querySelector('#ranking').scrollWidth]"
        )
        assert table <= panel + 1, (query, panel, table)  # 599 px in a 544 px panel at 1366 before


TEXT_OUTSIDE_CHART = """() => Array.from(document.querySelectorAll('svg.chart text')).filter(t => {
    const r = t.getBoundingClientRect(), s = t.closest('svg').getBoundingClientRect();
    return r.left < s.left - 0.5 || r.right > s.right + 0.5 || r.top < s.top - 0.5 || r.bottom > s.bottom + 0.5;
}).map(t => t.textContent)"""


@pytest.mark.parametrize("size", ALL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_district_chart_keeps_its_axis_labels_inside(server, page, size):  # noqa: F811
    page.set_viewport_size({"width": size[0], "height": size[1]})
    for lang in ("id", "en"):
        page.goto(f"{server}/district/62.71?series=contoh&lang={lang}")
        assert page.locator("svg.chart text").count() > 4
        assert page.evaluate(TEXT_OUTSIDE_CHART) == [], lang  # "Des 2025" was cut off at the right
