"""Finding and walking districts: keyboard in rank order, search by any name people use, links that keep the view."""

import pytest

from geo.numbers import format_count, format_percent, format_points
from geo.search import search_entries, search_term
from tests.test_browser import page, server, wait_until  # noqa: F401 - live server and browser page fixtures
from tests.test_layout import DISTRICTS, open_map

SELECTED = "window.PetaCakupan.selected()"


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("KAB. PULANG PISAU", "pulang pisau"),
        ("Kota Palangka Raya", "palangka raya"),
        ("Kodya Medan", "medan"),
        ("Kotabaru", "kotabaru"),
        ("Kota", "kota"),
        ("Bengkulu Selatan", "bengkulu selatan"),
    ],
)
def test_search_terms_drop_jenis_and_punctuation(text, term):
    assert search_term(text) == term


def test_search_entries_carry_every_alias(districts):
    import pandas as pd

    aliases = pd.DataFrame({"alias": ["Kotim", "Sampit Raya", "Kab. X"], "kode": ["62.02", "62.02", "99.99"]})
    entries = {e.code: e for e in search_entries(districts, aliases)}
    assert {"kotawaringin timur", "kotim", "sampit raya"} <= set(entries["62.02"].terms)
    assert len(entries) == len(districts)  # an alias of an unknown code adds nothing


def test_keyboard_walks_the_districts_in_rank_order(server, page):  # noqa: F811
    open_map(page, f"{server}/map/kalimantan-tengah?series=contoh", (1280, 720))
    ranking = page.request.get(f"{server}/api/ranking?scope=kalimantan-tengah&series=contoh").json()["rows"]
    for _ in range(60):  # Tab into the map, as a keyboard user does
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('folium-map')"):
            break
    else:
        pytest.fail("the map cannot be reached with Tab")
    for expected in ranking[:3]:
        page.keyboard.press("ArrowRight")
        assert page.evaluate(SELECTED) == expected["code"]
        tooltip = page.wait_for_selector(".leaflet-tooltip.peta-tooltip")
        assert expected["name"] in tooltip.inner_text()
    said = page.text_content("#map-live")
    third = ranking[2]
    level = {"tinggi": "Tinggi", "sedang": "Sedang", "rendah": "Rendah", "sangat_rendah": "Sangat rendah"}
    assert said == (
        f"{third['name']}, Kalimantan Tengah: {format_percent(third['coverage_pct'], 'id')}, {level[third['level']]}, "
        f"{format_points(third['gap_pct'], 'id')} terhadap target, peringkat {third['rank']} dari 14."
    )  # the sentence joined in the browser from the table's texts (keyboard.js), as the server formatted them
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(SELECTED) == ranking[1]["code"]
    page.keyboard.press("End")
    assert page.evaluate(SELECTED) == ranking[-1]["code"]
    assert not page.errors


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("kotim", "62.02"),
        ("pulang", "62.11"),
        ("Palangkaraya", "62.71"),
        ("KAB. GUNUNG MAS", "62.10"),
        ("barito sel", "62.04"),
        ("6211", "62.11"),
    ],
)
def test_search_finds_short_old_and_partial_names(server, page, typed, code):  # noqa: F811
    open_map(page, f"{server}/map/kalimantan-tengah?series=contoh", (1280, 720))
    page.fill("#search", typed)
    assert page.get_attribute("#search-list li:first-child", "data-code") == code
    page.press("#search", "Enter")
    assert page.evaluate(SELECTED) == code
    assert page.wait_for_selector(".leaflet-tooltip.peta-tooltip").is_visible()
    assert not page.errors


def test_search_fetches_the_aliases_once_on_first_use(app, server, page):  # noqa: F811
    """The page carries no aliases: the search box fetches its scope's terms on first focus, once, and then finds a
    district by an alias an editor saved, as by a bundled one."""
    from geo.saved_aliases import save_alias
    from web.resources import get_resources

    with app.app_context():
        save_alias(get_resources().engine, "Pulpis Raya", "Kabupaten", "62.11", "uji")
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/api/search-terms" in r.url else None)
    open_map(page, f"{server}/map/kalimantan-tengah?series=contoh", (1280, 720))
    assert asked == []  # not with the page: only a search needs them
    page.fill("#search", "pulpis")
    assert page.get_attribute("#search-list li:first-child", "data-code") == "62.11"
    page.fill("#search", "kotim")
    assert page.get_attribute("#search-list li:first-child", "data-code") == "62.02"
    page.press("#search", "Enter")
    page.fill("#search", "pulpis raya")
    assert page.get_attribute("#search-list li:first-child", "data-code") == "62.11"
    assert asked == [f"{server}/api/search-terms?scope=kalimantan-tengah"]
    assert not page.errors


def test_search_uses_old_names_on_the_whole_area(server, page):  # noqa: F811
    open_map(page, f"{server}/map/kalimantan-sumatera?series=contoh", (1280, 720))
    page.fill("#search", "Toba Samosir")
    assert page.get_attribute("#search-list li:first-child", "data-code") == "12.12"
    page.fill("#search", "tidak ada nama begini")
    assert page.is_hidden("#search-list")


def test_links_keep_zoom_centre_and_district(server, page):  # noqa: F811
    open_map(page, f"{server}/map/kalimantan-tengah?series=contoh", (1280, 720))
    page.fill("#search", "Pulang Pisau")
    page.press("#search", "Enter")
    wait_until(page, "location.hash.includes('d=62.11')")
    url = page.url
    zoom = page.evaluate("window.PetaCakupan.maps[0].map.getZoom()")
    assert "z=" in url and "c=" in url
    assert "#z=" in page.input_value("#embed-code")  # the embed code carries the view too
    page.goto("about:blank")
    page.goto(url)
    page.wait_for_selector(DISTRICTS)
    assert page.evaluate(SELECTED) == "62.11"
    assert page.evaluate("window.PetaCakupan.maps[0].map.getZoom()") == pytest.approx(zoom, abs=0.01)
    assert not page.errors


def present_table(page) -> list[list[str]]:  # noqa: F811
    return page.eval_on_selector_all(
        "#present-table tbody tr", "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent))"
    )


def assert_table_is_the_periods(server, page, period: str) -> None:  # noqa: F811
    """The data table under the stage holds this period's rows: order, names and numbers."""
    ranking = page.request.get(f"{server}/api/ranking?scope=62&series=contoh&period={period}").json()["rows"]
    table = present_table(page)
    assert [row[1] for row in table] == [r["name"] for r in ranking]
    assert [row[3] for row in table] == [format_percent(r["coverage_pct"], "id") for r in ranking]
    assert [row[5] for row in table] == [format_count(r["participants"], "id") for r in ranking]


def test_time_slider_plays_every_period_in_place(server, page):  # noqa: F811
    from collections import Counter

    from tests.test_browser import DRAWN_FILLS

    loads, fetched = [], []
    page.on("load", lambda p: loads.append(p.url))  # whole-page loads (history.replaceState is not one)
    page.on("request", lambda r: fetched.append(r.url) if ".json" in r.url else None)
    open_map(page, f"{server}/map/kalimantan-tengah?series=contoh&period=2025-06&mode=present", (1280, 720))
    page.wait_for_load_state("networkidle")
    # Every period's frame in one request once the page has loaded (maps.periods_values), none per period.
    assert [url.split("?")[0].rsplit("/", 1)[1] for url in fetched] == ["periods.json"]
    page.evaluate("window.stillTheSamePage = true")
    before = len(loads)
    periods = sorted(p["period"] for p in page.request.get(f"{server}/api/periods?series=contoh").json())
    assert len(periods) >= 2 and page.get_attribute(".timeline", "data-shown") == periods[0]
    page.click(".timeline-play")
    for period in periods[1:]:
        page.wait_for_selector(f'.timeline[data-shown="{period}"]', timeout=10_000)
        features = page.request.get(f"{server}/api/coverage.geojson?scope=62&series=contoh&period={period}").json()
        expected = Counter(f["properties"]["fill"] for f in features["features"])
        assert Counter(page.evaluate(DRAWN_FILLS)) == expected  # this period's colours...
        labels = page.eval_on_selector_all(".peta-label", "els => els.map(e => e.textContent)")
        pulang_pisau = next(f["properties"] for f in features["features"] if f["properties"]["code"] == "62.11")
        shown = f"{pulang_pisau['coverage_pct']:.1f}%".replace(".", ",")
        assert f"Pulang Pisau {shown}" in labels  # ...and its numbers on the labels, never the last period's
        assert (
            page.text_content(".legend .current-period") == {"2025-06": "Juni 2025", "2025-12": "Desember 2025"}[period]
        )
        # the table under the stage is never another period's: this period's rows, or the sentence that they come
        # when the slider stops
        table = present_table(page)
        if page.get_attribute(".timeline", "data-details") == "0":
            assert table == [["Tabel periode ini tampil saat slider berhenti."]]
        else:
            assert_table_is_the_periods(server, page, period)
    page.wait_for_selector('.timeline-play[aria-pressed="false"]')
    # Stopped on the last period: its details come (one values.json), and the table is that period's.
    page.wait_for_selector('.timeline[data-details="1"]', timeout=10_000)
    assert_table_is_the_periods(server, page, periods[-1])
    assert [url.split("?")[0].rsplit("/", 1)[1] for url in fetched] == ["periods.json", "values.json"]
    assert f"period={periods[-1]}" in fetched[-1]
    # Back to the first period by the slider: the frame at once, then the whole period when it rests there.
    page.eval_on_selector(".timeline input", "r => { r.value = '0'; r.dispatchEvent(new Event('input')); }")
    page.wait_for_selector(f'.timeline[data-shown="{periods[0]}"][data-details="1"]', timeout=10_000)
    assert_table_is_the_periods(server, page, periods[0])
    assert page.evaluate("Object.keys(window.PetaCakupan.maps[0].values.features['62.11'].tip.rows).length") > 3
    assert len(loads) == before and page.evaluate("window.stillTheSamePage")  # no page was loaded
    assert f"period={periods[0]}" in page.url
    assert not page.errors


def test_a_frame_says_what_it_has_and_the_keyboard_reads_it(server, page):  # noqa: F811
    """Before a period's details come, its district tooltip, the keyboard's sentence and the table are that
    period's frame: its value and level, and that the rest comes when the slider stops; never the rows of the
    period shown before. The details are held back here (page.route) so the frame stays on screen."""
    held = []
    page.route("**/values.json?*", lambda route: held.append(route))
    open_map(page, f"{server}/map/kalimantan-tengah?series=contoh&period=2025-06&mode=present", (1280, 720))
    page.wait_for_load_state("networkidle")
    frames = page.request.get(
        f"{server}/map/kalimantan-tengah/periods.json?series=contoh&view=cakupan&layer=kabupaten&lang=id&labels=1"
    ).json()
    last = frames["frames"][-1]
    at = (last.get("codes") or frames["codes"]).index("62.11")
    value = last["values"][at]
    level = {e["key"]: e["label"] for e in last["legend"]}[frames["styles"][last["style"][at]][0]]
    page.evaluate("window.PetaCakupan.select('62.11')")
    page.eval_on_selector(".timeline input", "r => { r.value = '1'; r.dispatchEvent(new Event('input')); }")
    page.wait_for_selector(f'.timeline[data-shown="{frames["periods"][-1]}"]', state="attached", timeout=10_000)
    page.wait_for_timeout(600)
    assert held and page.get_attribute(".timeline", "data-details") == "0"  # the details were asked, and wait
    rows = page.evaluate("window.PetaCakupan.maps[0].values.features['62.11'].tip.rows")
    assert rows == [["Cakupan", value], ["Tingkat", level], ["Rincian", "tampil saat slider berhenti"]]
    said = page.text_content("#map-live")
    assert said.startswith("Kabupaten Pulang Pisau, Kalimantan Tengah: Cakupan " + value) and "Peserta" not in said
    assert present_table(page) == [["Tabel periode ini tampil saat slider berhenti."]]
    for route in held:
        route.continue_()
    page.wait_for_selector('.timeline[data-details="1"]', state="attached", timeout=10_000)
    rows = dict(page.evaluate("window.PetaCakupan.maps[0].values.features['62.11'].tip.rows"))
    assert rows["Cakupan"] == value and "Peserta aktif" in rows
    assert "peringkat" in page.text_content("#map-live")
    assert_table_is_the_periods(server, page, frames["periods"][-1])
    assert not page.errors


def test_values_answer_304_when_unchanged(client):
    first = client.get("/map/kalimantan-tengah/values.json?series=contoh&period=2025-12")
    assert first.status_code == 200 and first.headers["ETag"]
    body = first.get_json()
    assert set(body["features"]) == {f"62.{n:02d}" for n in range(1, 14)} | {"62.71"}
    assert body["period_label"] == "Desember 2025" and "<script" not in first.get_data(as_text=True)
    again = client.get(
        "/map/kalimantan-tengah/values.json?series=contoh&period=2025-12",
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304 and not again.data


def test_periods_json_is_every_periods_frame_and_a_publish_changes_it(app):
    """The time slider's one body: for every live period, what its map shows of values.json (every unit's level
    and fill, the view's value, the labels, legend, description, period and source), formatted alike; asked again
    with its ETag, a 304; after a publish in the series, a new ETag with the new period in it."""
    from geo.history import publish_records
    from geo.store import SAMPLE_SERIES, read_records
    from web.resources import get_resources
    from web.results import live_snapshot

    client = app.test_client()
    query = "series=contoh&view=cakupan&layer=kabupaten&lang=id&labels=1"
    url = f"/map/kalimantan-tengah/periods.json?{query}"
    first = client.get(url)
    assert first.status_code == 200 and "no-cache" in first.headers["Cache-Control"]
    body = first.get_json()
    assert body["periods"] == ["2025-06", "2025-12"] and body["texts"]["measure"] == "Cakupan"
    for period, frame in zip(body["periods"], body["frames"], strict=True):
        one = client.get(f"/map/kalimantan-tengah/values.json?{query}&period={period}").get_json()
        codes = frame.get("codes", body["codes"])
        assert sorted(codes) == sorted(one["features"])
        for code, style, value in zip(codes, frame["style"], frame["values"], strict=True):
            unit = one["features"][code]
            assert body["styles"][style] == [unit["level"], unit["fill"]]  # the same fill on the same district
            assert value == dict(unit["tip"]["rows"])["Cakupan"]  # and the same number as its tooltip
        for key in ("period", "period_label", "source", "is_sample", "legend", "description"):
            assert frame[key] == one[key], key
        by_code = dict(zip(codes, frame["values"], strict=True))
        labels = frame.get("labels") or [{"code": c, "name": n, "value": by_code[c] or ""} for c, n in body["labels"]]
        assert labels == [{k: x[k] for k in ("code", "name", "value")} for x in one["labels"]]
        assert frame["circles"] == {}
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    with app.app_context():
        resources = get_resources()
        records = read_records(resources.engine, live_snapshot(resources).live(SAMPLE_SERIES)[0].id)
        records = records[["code", "input", "participants", "workers", "coverage_pct", "target_pct", "source"]]
        publish_records(resources.engine, SAMPLE_SERIES, "2026-03", records, replace=True, file_name="t", actor="t")
    after = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != first.headers["ETag"]
    assert after.get_json()["periods"] == ["2025-06", "2025-12", "2026-03"]
    with app.app_context():  # the publish made its own period's frame; the two before it were kept, not made again
        frames = [key for key in get_resources().cache.items if key[0] == "frame"]
    assert sorted(key[3] for key in frames) == ["2025-06", "2025-12", "2026-03"]


def test_the_time_slider_keeps_the_colour_blind_palette(client):
    """A presentation in palette=cvd asks its periods in that palette: moving the slider never turns the map back
    to the standard colours."""
    import html
    import json
    import re

    text = client.get("/map/kalimantan-tengah?series=contoh&mode=present&palette=cvd").get_data(as_text=True)
    url = html.unescape(re.search(r'class="timeline"[^>]*data-url="([^"]+)"', text, re.S).group(1))
    assert "palette=cvd" in url
    cvd, standard = client.get(url).get_json(), client.get(url.replace("palette=cvd", "")).get_json()
    assert json.dumps(cvd["styles"]) != json.dumps(standard["styles"])  # the fills differ
    details = html.unescape(re.search(r'class="timeline"[^>]*data-values-url="([^"]+)"', text, re.S).group(1))
    assert "palette=cvd" in details  # and so do the details of a period the slider rests on
    unit = client.get(details + "&period=2025-06").get_json()["features"]["62.11"]
    assert [unit["level"], unit["fill"]] in cvd["styles"]


def test_a_frame_keeps_labels_that_are_not_its_values():
    """The labels' numbers are left out of a frame only when they are its units' values: province names (no
    value) or labels of other units stay in the frame, so the browser never writes a number onto a label it was
    not sent for."""
    from web.frames import series_frames

    def frame(values, labels):
        return {
            "period": "p",
            "codes": ["62.01", "62.02"],
            "styles": [["a", "#1"], ["b", "#2"]],
            "values": values,
            "labels": labels,
        }

    follows = frame(
        ["1,0%", None], [{"code": "62.01", "name": "A", "value": "1,0%"}, {"code": "62.02", "name": "B", "value": ""}]
    )
    other = frame(
        ["2,0%", "3,0%"],
        [{"code": "62.01", "name": "A", "value": "9,9%"}, {"code": "62.02", "name": "B", "value": "3,0%"}],
    )
    provinces = frame(["2,0%", "3,0%"], [{"code": "62", "name": "Kalimantan Tengah", "value": ""}])
    body = series_frames([follows, other, provinces], "Cakupan")
    assert body["labels"] == [["62.01", "A"], ["62.02", "B"]]
    assert "labels" not in body["frames"][0]
    assert body["frames"][1]["labels"] == other["labels"] and body["frames"][2]["labels"] == provinces["labels"]
    assert body["styles"] == [["a", "#1"], ["b", "#2"]] and body["frames"][0]["style"] == [0, 1]
