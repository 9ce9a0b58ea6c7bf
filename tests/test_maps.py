"""Map layers: tooltip content and escaping, labels, legend — checked on the objects, not the page."""

import json
import re
from dataclasses import fields

import pandas as pd
import pytest

from geo.numbers import format_count, format_percent, format_points
from layers.choropleth import TooltipLabels, source_label, tooltip_content
from layers.legend import legend_entries

LABELS = TooltipLabels(
    "Cakupan",
    "Peserta",
    "Pekerja",
    "Target",
    "Selisih",
    "Tingkat",
    "Peringkat",
    "Sumber",
    "tidak ada data",
    "{rank} dari {total}",
)
ROW = {
    "name": "Kabupaten Pulang Pisau",
    "province": "Kalimantan Tengah",
    "coverage_pct": 41.3,
    "participants": 3302762,
    "workers": 7996826,
    "target_pct": 61.0,
    "gap_pct": -19.7,
    "rank": 3,
    "source": "https://www.example.go.id/berita/1",
    "as_of": "Oktober 2025",
}


def test_tooltip_shows_every_figure_in_indonesian_format():
    tip = tooltip_content(ROW, LABELS, "Rendah", 14, "id")
    assert (tip.title, tip.subtitle) == ("Kabupaten Pulang Pisau", "Kalimantan Tengah")
    assert tip.rows == (
        ("Cakupan", "41,3%"),
        ("Peserta", "3.302.762"),
        ("Pekerja", "7.996.826"),
        ("Target", "61,0%"),
        ("Selisih", "-19,7 poin"),
        ("Peringkat", "3 dari 14"),
        ("Tingkat", "Rendah"),
        ("Sumber", "example.go.id (Oktober 2025)"),
    )


def test_tooltip_keeps_hostile_text_as_text():
    """Tooltips are plain text (the browser sets them with textContent): a name is kept exactly, never turned
    into markup or half-escaped; tests/test_browser.py checks that the page shows it as text."""
    hostile = {**ROW, "name": "<b>x</b>", "source": "<img src=x onerror=alert(1)>", "as_of": '"><script>'}
    tip = tooltip_content(hostile, LABELS, "<i>level</i>", 14, "id")
    assert tip.title == "<b>x</b>"
    assert ("Sumber", '<img src=x onerror=alert(1)> ("><script>)') in tip.rows
    assert ("Tingkat", "<i>level</i>") in tip.rows


def test_tooltip_without_data_says_so():
    missing = {**ROW, "coverage_pct": float("nan"), "source": float("nan"), "as_of": float("nan")}
    tip = tooltip_content(missing, LABELS, "Tidak ada data", 14, "id")
    assert tip.rows == (("Cakupan", "tidak ada data"), ("Tingkat", "Tidak ada data"))


@pytest.mark.parametrize(
    ("source", "label"),
    [
        ("https://www.bpjsketenagakerjaan.go.id/berita/1", "bpjsketenagakerjaan.go.id"),
        ("Dinas Tenaga Kerja Kalteng", "Dinas Tenaga Kerja Kalteng"),
        ("javascript:alert(1)", "javascript:alert(1)"),
    ],
)
def test_source_label(source, label):
    assert source_label(source) == label


@pytest.mark.parametrize(
    ("function", "value", "locale", "text"),
    [
        (format_percent, 41.3, "id", "41,3%"),
        (format_percent, 41.3, "en", "41.3%"),
        (format_count, 3302762, "id", "3.302.762"),
        (format_count, 3302762, "en", "3,302,762"),
        (format_count, None, "id", "–"),
        (format_points, -2.5, "id", "-2,5 poin"),
        (format_percent, pd.NA, "id", "–"),
    ],
)
def test_number_formats(function, value, locale, text):
    assert function(value, locale) == text


def test_legend_counts_and_ranges():
    from app import ROOT
    from geo.levels import read_schemes

    scheme = read_schemes(ROOT / "data" / "levels.json")["cakupan"]
    entries = legend_entries({"rendah": 2, "tinggi": 1, "tidak_ada_data": 1}, scheme, "id")
    assert [(e.label, e.range, e.count) for e in entries] == [
        ("Tinggi", "≥ 75%", 1),
        ("Sedang", "50 – < 75%", 0),
        ("Rendah", "20 – < 50%", 2),
        ("Sangat rendah", "< 20%", 0),
        ("Tidak ada data", "", 1),
    ]
    assert entries[-1].hatched


def test_tooltips_show_the_path_over_the_periods(client):
    """The sample series has two periods: each tooltip reads 'Jun 2025 x% → Des 2025 y%' from the same records."""
    features = {
        period: {
            f["properties"]["code"]: f["properties"]["coverage_pct"]
            for f in client.get(f"/api/coverage.geojson?scope=62&series=contoh&period={period}").get_json()["features"]
        }
        for period in ("2025-06", "2025-12")
    }
    june, december = (f"{features[p]['62.11']:.1f}%".replace(".", ",") for p in ("2025-06", "2025-12"))
    expected = f"Jun 2025 {june} → Des 2025 {december}"
    page = client.get("/map/kalimantan-tengah?series=contoh").get_data(as_text=True)
    assert json.dumps(["Riwayat", expected]) in page  # the page's values, as the browser reads them
    values = client.get("/map/kalimantan-tengah/values.json?series=contoh&period=2025-06").get_json()
    assert ["Riwayat", expected] in values["features"]["62.11"]["tip"]["rows"]  # another period's values too


@pytest.mark.parametrize(
    ("query", "points"),
    [("view=pembiayaan", False), ("view=target", False), ("view=cakupan", False), ("compare=2025-06", True)],
)
def test_labels_say_what_the_colours_say(shared_app, query, points):
    """A label's number is the value the map is coloured by (a who-pays map never labels coverage)."""
    from urllib.parse import parse_qsl

    from geo.query import MapQuery
    from web.rendering import map_labels
    from web.resources import get_resources
    from web.results import resolve_result

    args = {"series": "contoh", "period": "2025-12", **dict(parse_qsl(query))}
    with shared_app.test_request_context("/"):
        resources = get_resources()
        view = resolve_result(resources, MapQuery.parse(args, resources, scope="kalimantan-timur"))
        texts = [label.text for label in map_labels(resources, view, "id")]
    berau = view.joined.set_index("name").loc["Kabupaten Berau", view.scheme.value]
    expected = format_points(berau, "id") if points else format_percent(berau, "id")
    assert f"Berau {expected}" in texts


VIEW_QUERIES = [
    ("", "id"),
    ("&compare=2025-06", "id"),  # the change view, the map's own when comparing
    ("&lang=en", "en"),
    ("&view=target", "id"),
    ("&view=target&compare=2025-06&lang=en", "en"),
    ("&view=pu", "id"),
    ("&view=bpu", "id"),
    ("&view=jakon", "id"),
    ("&view=pmi", "id"),
    ("&view=pembiayaan", "id"),
    ("&layer=provinsi", "id"),  # units are provinces: the table's districts carry their own texts
    ("&layer=provinsi&view=target", "id"),
]


def _view_of(query: str) -> str:
    """The view a map query shows: the one asked, else change when comparing, else coverage."""
    asked = [part.split("=")[1] for part in query.split("&") if part.startswith("view=")]
    return asked[0] if asked else "perubahan" if "compare=" in query else "cakupan"


@pytest.mark.parametrize(("query", "locale"), VIEW_QUERIES)
def test_page_and_values_carry_the_table_with_each_districts_numbers(client, query, locale):
    """The ranking table the browser builds (tests.pages.table_rows reads it as choropleth.js does): every
    district once, in the API's rank order for the same view (ranked by what the map is coloured by), each number
    formatted on the server in the reader's language, in its own row; the period's values.json carries the same
    rows."""
    from tests.pages import page_values, table_rows

    scope = "kalimantan"
    view = _view_of(query)
    compare = "&compare=2025-06" if "compare" in query else ""
    api = client.get(f"/api/ranking?scope={scope}&series=contoh&period=2025-12{compare}&view={view}").get_json()
    page = client.get(f"/map/{scope}?series=contoh&period=2025-12{query}").get_data(as_text=True)
    values = client.get(f"/map/{scope}/values.json?series=contoh&period=2025-12{query}").get_json()
    shown = table_rows(page)
    assert api["measure"] == client.application.extensions["peta"].schemes[view].value
    api = api["rows"]
    assert list(shown) == [r["code"] for r in api]
    for r in api:
        row = shown[r["code"]]
        assert (row["rank"], row["name"], row["province"], row["level"]) == (
            r["rank"],
            r["name"],
            r["province"],
            r["level"],
        )
        expected = {
            "coverage": format_percent(r["coverage_pct"], locale),
            "target": format_percent(r["target_pct"], locale),
            "gap": format_points(r["gap_pct"], locale),
            "uncovered": format_count(r["uncovered_to_target"], locale),
            "participants": format_count(r["participants"], locale),
            "workers": format_count(r["workers"], locale),
        }
        if compare:
            expected["change"] = format_points(r["change_pct_points"], locale)
        assert {k: row[k] or "–" for k in expected} == expected, r["code"]
        assert ("change" in row) == bool(compare)
    assert page_values(page)["table"] == values["table"]  # the same table whether on the page or switched to


@pytest.mark.parametrize(("query", "locale"), VIEW_QUERIES)
def test_every_view_ranks_its_table_api_and_csv_by_what_the_map_shows(client, query, locale):
    """One measure per screen: the table's first figure after the name is the view's measure (attainment in the
    target view), its rows ranked by it (ties share a rank, no data last and unranked), its level cell in the
    map's colours; the ranking API and its CSV rank the same districts by the same measure, coverage beside it."""
    import csv
    import io

    from layers.legend import format_value
    from tests.pages import page_values, table_rows

    view = _view_of(query)
    scheme = client.application.extensions["peta"].schemes[view]
    measure = scheme.value
    compare = "&compare=2025-06" if "compare" in query else ""
    page = client.get(f"/map/kalimantan?series=contoh&period=2025-12{query}").get_data(as_text=True)
    head = re.search(r'<table class="ranking" id="ranking">.*?</thead>', page, re.S).group(0)
    sorts = re.findall(r'data-sort="(\w+)"', head)
    assert sorts[sorts.index("name") + (2 if "province" in sorts else 1)] == (
        "coverage" if measure == "coverage_pct" else "value"
    )
    assert "coverage" in sorts and sorts.count("change") == (1 if compare and measure != "change_pct_points" else 0)
    if measure != "coverage_pct":
        assert f">{scheme.measure[locale]}</th>" in head

    api = client.get(f"/api/ranking?scope=kalimantan&series=contoh&period=2025-12{compare}&view={view}").get_json()
    rows = api["rows"]
    numbers = [r[measure] for r in rows]
    with_value = [n for n in numbers if n is not None]
    assert len(with_value) > 30 and with_value == sorted(with_value, reverse=True)
    assert numbers[: len(with_value)] == with_value  # no data last
    assert all(r["rank"] is None for r in rows[len(with_value) :])
    for before, after in zip(rows, rows[1 : len(with_value)], strict=False):
        assert after["rank"] == (before["rank"] if after[measure] == before[measure] else rows.index(after) + 1)
    levels = {lv.key: lv.color for lv in scheme.levels}
    table, units = page_values(page)["table"], page_values(page)["features"]
    shown = table_rows(page)
    for r in rows:
        row = shown[r["code"]]
        assert row["value"] == (format_value(r[measure], scheme, locale) or None), r["code"]
        assert row["coverage"] == (format_percent(r["coverage_pct"], locale) if r["coverage_pct"] is not None else None)
        if r[measure] is not None:
            assert table["levels"][r["level"]][1] == levels[r["level"]]  # the map's colours
            if "layer=provinsi" not in query:
                assert units[r["code"]]["fill"] == levels[r["level"]] and units[r["code"]]["level"] == r["level"]
    assert table["total"] == len(with_value)
    if "layer=provinsi" not in query:  # the tooltip says the same rank, among the districts with the measure
        word = "Peringkat" if locale == "id" else "Rank"
        tips = {code: dict(unit["tip"]["rows"]) for code, unit in units.items()}
        for r in rows[: len(with_value)]:
            assert tips[r["code"]][word].endswith(f"{r['rank']} {'dari' if locale == 'id' else 'of'} {len(with_value)}")

    text = client.get(f"/api/ranking.csv?scope=kalimantan&series=contoh&period=2025-12{compare}&view={view}")
    read = list(csv.DictReader(io.StringIO(text.get_data(as_text=True).removeprefix("\ufeff"))))
    header = list(read[0])
    assert header[:6] == ["rank", "code", "name", "province", "province_code", measure] and "coverage_pct" in header
    assert [(r["code"], r["rank"]) for r in read] == [
        (r["code"], "" if r["rank"] is None else str(r["rank"])) for r in rows
    ]
    link = re.search(r'href="(/api/ranking\.csv[^"]*)"', page).group(1).replace("&amp;", "&")
    assert ("view=" in link) == (measure != "coverage_pct") and client.get(link).get_data() == text.get_data()


def test_the_published_target_view_ranks_only_the_districts_with_a_target(client):
    """In the bundled published series only two districts print a target (Banjar 29,47%, Mahakam Ulu 40%): the
    target view ranks those two, by attainment, in the table, the API and the tooltips; the rest are unranked."""
    from tests.pages import page_values, table_rows

    page = client.get("/map/kalimantan-sumatera?view=target").get_data(as_text=True)
    rows = client.get("/api/ranking?scope=kalimantan-sumatera&view=target").get_json()["rows"]
    ranked = [(r["code"], r["rank"], r["attainment_pct"]) for r in rows if r["rank"] is not None]
    assert ranked == [("63.03", 1, round(26.10 / 29.47 * 100, 1)), ("64.11", 2, round(12.7 / 40 * 100, 1))]
    shown = table_rows(page)
    assert [(code, row["rank"]) for code, row in shown.items()][:2] == [("63.03", 1), ("64.11", 2)]
    assert shown["63.03"]["value"] == "88,6%" and shown["63.03"]["coverage"] == "26,1%"
    tips = {code: dict(unit["tip"]["rows"]) for code, unit in page_values(page)["features"].items()}
    assert tips["64.11"]["Peringkat"] == "2 dari 2" and "Peringkat" not in tips["64.72"]  # Samarinda: no target


def test_table_beside_sends_a_tooltips_text_once():
    """A table cell is sent as 0 only where the district's tooltip shows exactly that text."""
    from web.rendering import table_beside

    labels = TooltipLabels(*"Cakupan Peserta Pekerja Target Selisih Tingkat Peringkat Sumber x {rank}".split())
    from layers.navigation import TableRow, table_columns

    names = tuple(f.name for f in fields(TableRow) if f.name not in ("change", "value"))
    rows = [
        TableRow("62.11", 1, "Kabupaten Pulang Pisau", "62", "41,3%", "rendah", "61,0%", "-19,7 poin", "5", "3", "8"),
        TableRow("62.02", 2, "Kabupaten Kotawaringin Timur", "62", "12,0%", "rendah", "61,0%", None, "5", "3", "8"),
    ]
    table = {"columns": table_columns(rows, names)}
    tip = {"title": "Kabupaten Pulang Pisau", "sub": "", "rows": [["Cakupan", "41,3%"], ["Selisih", "-19,8 poin"]]}
    beside = table_beside(table, {"62.11": {"tip": tip}, "62": {"tip": tip}}, labels)
    sent = beside["columns"]
    assert [sent[name][0] for name in names] == ["62.11", 1, 0, "62", 0, "rendah", "61,0%", "-19,7 poin", "5", "3", "8"]
    assert [sent[name][1] for name in names] == [table["columns"][name][1] for name in names]  # no unit of that code
    assert beside["from_tooltip"] == {
        "coverage": "Cakupan",
        "target": "Target",
        "gap": "Selisih",
        "participants": "Peserta",
        "workers": "Pekerja",
    }  # no change column, so no change label
    assert table["columns"]["name"][0] == "Kabupaten Pulang Pisau"  # the table's own columns are left as made


def test_province_capitals_are_labelled_first(shared_app):
    from geo.capitals import read_capitals
    from geo.query import MapQuery
    from web.rendering import map_labels
    from web.resources import get_resources
    from web.results import resolve_result

    capitals = read_capitals()
    assert len(capitals) == 15 and {"62.71", "63.72", "65.01", "21.72"} <= capitals  # Banjarbaru since UU 8/2022
    with shared_app.test_request_context("/"):
        resources = get_resources()
        view = resolve_result(
            resources, MapQuery.parse({"series": "contoh", "period": "2025-12"}, resources, scope="kalimantan-tengah")
        )
        first = map_labels(resources, view, "id")[0].text
    assert first.startswith("Kota Palangkaraya ")
