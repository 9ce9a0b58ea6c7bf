"""The uncovered workers' view: employed − participants per unit, drawn as circles whose area is in proportion
(layers.symbols) over the coverage levels' fills. Expected numbers are computed by hand in the comments."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from layers.symbols import MAX_RADIUS, nice_below, radii, reference_values, symbol_legend


def test_radii_are_in_proportion_of_area_and_nothing_is_drawn_for_no_or_negative_counts():
    # 100 is the largest: MAX_RADIUS; 25 is a quarter of the area: half the radius; 0, −5 and missing: no circle.
    sizes = radii(pd.Series([100, 25, 0, None, -5], dtype="Int64"))
    assert sizes.iloc[0] == MAX_RADIUS and sizes.iloc[1] == MAX_RADIUS / 2
    assert sizes.iloc[2:].isna().all()
    assert radii(pd.Series([None, -3], dtype="Int64")).isna().all()  # no unit has a circle: none, no error


@pytest.mark.parametrize(
    ("value", "nice"), [(446_535, 200_000), (200_000, 200_000), (99_999, 50_000), (7, 5), (1, 1), (0.5, 0)]
)
def test_nice_counts_are_one_two_or_five_times_a_power_of_ten_not_above(value, nice):
    assert nice_below(value) == nice


def test_the_legend_shows_round_counts_at_the_radius_the_map_gives_them():
    # largest 446.535 → 200.000, then ¼ → 50.000, 1/16 = 12.500 → 10.000; each at 24·√(v ÷ 446.535) px.
    assert reference_values(446_535) == [200_000, 50_000, 10_000]
    legend = symbol_legend(pd.Series([446_535, 1_000, None]), "id_ID")
    assert [entry.label for entry in legend] == ["200.000", "50.000", "10.000"]
    assert legend[0].radius == round(MAX_RADIUS * math.sqrt(200_000 / 446_535), 1)
    assert symbol_legend(pd.Series([None], dtype="Int64"), "id_ID") == []


def test_the_view_ranks_colours_and_explains_the_uncovered_workers(client):
    query = "scope=kalimantan&series=contoh&view=belum_terlindungi"
    rows = client.get(f"/api/ranking?{query}").get_json()["rows"]
    with_counts = [r for r in rows if r["participants"] is not None and r["workers"] is not None]
    assert with_counts and all(r["uncovered_workers"] == r["workers"] - r["participants"] for r in with_counts)
    first = rows[0]  # ranked by the count: the most workers without protection first
    assert first["uncovered_workers"] == max(r["uncovered_workers"] for r in with_counts)
    plain_rows = client.get("/api/ranking?scope=kalimantan&series=contoh").get_json()["rows"]
    coverage = {r["code"]: r["level"] for r in plain_rows}
    assert all(r["level"] == coverage[r["code"]] for r in rows)  # the fills keep the coverage levels

    values = client.get("/map/kalimantan/values.json?series=contoh&view=belum_terlindungi").get_json()
    unit = values["features"][first["code"]]
    assert unit["sym"] == MAX_RADIUS  # the largest count has the largest circle
    tip = dict(unit["tip"]["rows"])
    assert tip["Belum terlindungi"] == f"{first['uncovered_workers']:,}".replace(",", ".")
    lat, lon = unit["at"]
    assert -5 < lat < 5 and 108 < lon < 120  # inside Kalimantan
    other = next(r for r in with_counts if r["uncovered_workers"] > 0 and r["code"] != first["code"])
    expected = round(MAX_RADIUS * math.sqrt(other["uncovered_workers"] / first["uncovered_workers"]), 1)
    assert values["features"][other["code"]]["sym"] == expected

    page = client.get("/map/kalimantan?series=contoh&view=belum_terlindungi").get_data(as_text=True)
    assert 'class="legend-symbols"' in page and "Luas lingkaran = jumlah" in page
    plain = client.get("/map/kalimantan/values.json?series=contoh").get_json()
    assert not any("sym" in u for u in plain["features"].values())  # other views draw no circles
    assert "legend-symbols" not in client.get("/map/kalimantan?series=contoh").get_data(as_text=True)


def test_the_english_page_says_the_view_in_english(client):
    page = client.get("/map/kalimantan?series=contoh&view=belum_terlindungi&lang=en").get_data(as_text=True)
    assert "Workers not yet protected" in page and "Circle area = number" in page
    tip = client.get("/map/kalimantan/values.json?series=contoh&view=belum_terlindungi&lang=en").get_json()
    assert any(row[0] == "Not yet protected" for u in tip["features"].values() for row in u["tip"]["rows"])


def test_the_static_map_draws_the_circles_and_their_legend(client):
    """The SVG keeps text as text: the legend says what the colour and the circles mean, with the round counts; one
    circle per district that has one, in the circles' own group."""
    svg = client.get("/export/kalimantan-barat.svg?series=contoh&view=belum_terlindungi").get_data(as_text=True)
    assert "Warna: tingkat cakupan" in svg and "pekerja belum terlindungi" in svg
    values = client.get("/map/kalimantan-barat/values.json?series=contoh&view=belum_terlindungi").get_json()
    circles = sum(1 for u in values["features"].values() if u.get("sym"))
    assert all(label in svg for label in ("200.000", "50.000", "10.000"))
    group = svg[svg.index('<g id="peta-circles">') :]
    assert group[: group.index("</g>")].count("<path ") == circles == 14
    assert 'id="peta-circles"' not in client.get("/export/kalimantan-barat.svg?series=contoh").get_data(as_text=True)


def test_the_deck_draws_one_named_circle_per_district_and_the_legend_circles(client):
    """PowerPoint: an outlined oval per district with a circle, named with its code and name so staff can find it,
    and the three reference circles; the colour's legend says it is coverage."""
    import io

    from pptx import Presentation

    deck = client.get("/export/kalimantan-barat.pptx?series=contoh&view=belum_terlindungi").data
    slide = Presentation(io.BytesIO(deck)).slides[0]
    names = [shape.name for shape in slide.shapes]
    circles = [name for name in names if name.startswith("Lingkaran ")]
    assert len(circles) == 14 and "Lingkaran 61.01 Kabupaten Sambas" in circles
    assert [n for n in names if n.startswith("Legenda lingkaran ")] == [
        "Legenda lingkaran 200.000",
        "Legenda lingkaran 50.000",
        "Legenda lingkaran 10.000",
    ]
    texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
    assert any(text.startswith("Warna: tingkat cakupan") for text in texts)
    plain = Presentation(io.BytesIO(client.get("/export/kalimantan-barat.pptx?series=contoh").data)).slides[0]
    assert not any(shape.name.startswith("Lingkaran") for shape in plain.shapes)
