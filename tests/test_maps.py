"""Map layers: tooltip content and escaping, labels, legend — checked on the objects, not the page."""

import json

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
    entries = legend_entries(pd.Series(["rendah", "rendah", "tinggi", "tidak_ada_data"]), scheme, "id")
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

    from web.data import resolve_view
    from web.rendering import place_labels
    from web.resources import get_resources

    args = {"series": "contoh", "period": "2025-12", **dict(parse_qsl(query))}
    with shared_app.test_request_context("/"):
        resources = get_resources()
        view = resolve_view(resources, "kalimantan-timur", args)
        texts = [text for _, _, text in place_labels(resources, view, "id")]
    berau = view.joined.set_index("name").loc["Kabupaten Berau", view.scheme.value]
    expected = format_points(berau, "id") if points else format_percent(berau, "id")
    assert f"Berau {expected}" in texts
