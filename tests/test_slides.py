"""The PowerPoint export: one editable shape per district in the map's colours, a legend, the ranking as tables."""

import io
import os
import shutil
import subprocess

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.dml import MSO_FILL
from pptx.enum.shapes import MSO_SHAPE_TYPE

from app import ROOT
from geo.numbers import format_period

SOFFICE = shutil.which("soffice")


def deck(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    return Presentation(io.BytesIO(response.data)), response.data


def district_shapes(presentation) -> dict:
    """The freeforms of the map group, by the district code their name starts with."""
    (group,) = [s for s in presentation.slides[0].shapes if s.shape_type == MSO_SHAPE_TYPE.GROUP]
    shapes = list(group.shapes)
    assert all(s.shape_type == MSO_SHAPE_TYPE.FREEFORM for s in shapes)
    return {shape.name.split(" ", 1)[0]: shape for shape in shapes}


def fills(client, query: str) -> dict[str, str | None]:
    features = client.get(f"/api/coverage.geojson?{query}").get_json()["features"]
    return {
        f["properties"]["code"]: f["properties"]["fill"] if f["properties"]["coverage_pct"] is not None else None
        for f in features
    }


@pytest.mark.parametrize(
    ("scope", "query", "count"),
    [("kalimantan-tengah", "series=contoh", 14), ("lampung", "", 15), ("kalimantan-sumatera", "series=contoh", 210)],
)
def test_one_shape_per_district_in_the_map_colours(client, scope, query, count):
    presentation, _ = deck(client, f"/export/{scope}.pptx?{query}")
    shapes = district_shapes(presentation)
    expected = fills(client, f"scope={scope}&{query}")
    assert len(shapes) == count == len(expected)
    assert set(shapes) == set(expected)
    for code, fill in expected.items():
        shape = shapes[code]
        if fill is None:  # no data: hatched, never a level colour
            assert shape.fill.type == MSO_FILL.PATTERNED
        else:
            assert shape.fill.type == MSO_FILL.SOLID
            assert f"#{shape.fill.fore_color.rgb}".lower() == fill.lower()


@pytest.mark.parametrize("query", ["series=contoh", "series=contoh&view=target", "series=contoh&view=target&lang=en"])
def test_shapes_are_named_and_described_for_the_selection_pane_and_screen_readers(client, query):
    """A district's alternative text says its coverage and what its colour means in this map's levels: in the
    target view a colour is attainment of target, never a coverage level."""
    presentation, _ = deck(client, f"/export/kalimantan-tengah.pptx?{query}")
    values = client.get(f"/map/kalimantan-tengah/values.json?{query}").get_json()
    unit = values["features"]["62.11"]
    coverage = dict(unit["tip"]["rows"])["Cakupan" if "lang=en" not in query else "Coverage"]
    level = {entry["key"]: entry["label"] for entry in values["legend"]}[unit["level"]]
    shape = district_shapes(presentation)["62.11"]
    assert shape.name == "62.11 Kabupaten Pulang Pisau"
    assert shape._element.nvSpPr.cNvPr.get("descr") == f"Kabupaten Pulang Pisau: {coverage}, {level}"


def texts_of(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame and shape.text_frame.text]


def test_title_period_legend_and_source_are_text(client):
    presentation, _ = deck(client, "/export/kalimantan-tengah.pptx?series=contoh&period=2025-12")
    texts = texts_of(presentation.slides[0])
    assert texts[0] == "Kalimantan Tengah" or "Kalimantan Tengah" in texts
    assert any("Desember 2025" in text for text in texts)
    assert any(text.startswith("Sumber: ") for text in texts)
    assert any("DATA CONTOH" in text for text in texts)  # the sample is labelled as such
    legend = [t for t in texts if t.startswith(("Tinggi", "Sedang", "Rendah", "Sangat rendah", "Tidak ada data"))]
    assert len(legend) == 5 and sum(int(t.rsplit("(", 1)[1].rstrip(")")) for t in legend) == 14


def test_ranking_tables_list_every_district_with_figures_in_rank_order(client):
    presentation, _ = deck(client, "/export/kalimantan-sumatera.pptx")
    ranking = client.get("/api/ranking?scope=kalimantan-sumatera").get_json()["rows"]
    with_data = [row for row in ranking if row["coverage_pct"] is not None]
    rows = []
    for slide in list(presentation.slides)[1:]:
        (table,) = [s.table for s in slide.shapes if s.has_table]
        assert table.cell(0, 0).text == "Peringkat"
        rows += [[table.cell(r, c).text for c in range(6)] for r in range(1, len(table.rows))]
    assert [row[1] for row in rows] == [row["name"] for row in with_data]
    first = with_data[0]
    assert rows[0][0] == str(first["rank"]) and rows[0][3] == f"{first['coverage_pct']:.1f}%".replace(".", ",")
    last_texts = texts_of(presentation.slides[-1])
    assert any(t.startswith(f"{len(ranking) - len(with_data)} kabupaten/kota tanpa data") for t in last_texts)


@pytest.mark.parametrize("view", ["target", "pu", "pembiayaan"])
def test_ranking_tables_rank_by_what_the_map_shows(client, view):
    """In a view coloured by another measure the slides rank by it (the ranking API's order for that view), its
    column before the level (coloured in the map's legend colours) and coverage beside it."""
    query = f"series=contoh&period=2025-12&view={view}"
    presentation, _ = deck(client, f"/export/kalimantan.pptx?{query}")
    body = client.get(f"/api/ranking?scope=kalimantan&{query}").get_json()
    with_data = [row for row in body["rows"] if row[body["measure"]] is not None]
    scheme = client.application.extensions["peta"].schemes[view]
    colours = {lv.key: lv.color.lstrip("#").upper() for lv in scheme.levels}
    rows = []
    for slide in list(presentation.slides)[1:]:
        (table,) = [s.table for s in slide.shapes if s.has_table]
        header = [table.cell(0, c).text for c in range(7)]
        assert header[3:6] == [scheme.measure["id"], "Tingkat", "Cakupan"]
        for r in range(1, len(table.rows)):
            rows.append([table.cell(r, c).text for c in range(7)])
            assert str(table.cell(r, 4).fill.fore_color.rgb) in colours.values()
    assert [row[1] for row in rows] == [row["name"] for row in with_data]
    assert [row[0] for row in rows] == [str(row["rank"]) for row in with_data]
    first = with_data[0]
    assert rows[0][3] == f"{first[body['measure']]:.1f}%".replace(".", ",")
    assert rows[0][5] == f"{first['coverage_pct']:.1f}%".replace(".", ",")


def test_english_deck(client):
    presentation, _ = deck(client, "/export/kalimantan.pptx?lang=en&series=contoh&period=2025-12")
    texts = texts_of(presentation.slides[0])
    assert any("December 2025" in text for text in texts)
    (table,) = [s.table for s in presentation.slides[1].shapes if s.has_table]
    assert table.cell(0, 0).text == "Rank"


@pytest.mark.parametrize(
    ("period", "locale", "words"), [("2025-12", "id", "Desember 2025"), ("2026-02", "en", "February 2026")]
)
def test_periods_in_words(period, locale, words):
    assert format_period(period, locale) == words


@pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice is not installed (make test installs it)"
)
@pytest.mark.slow
def test_libreoffice_opens_the_deck_and_draws_the_map(client, tmp_path):
    """LibreOffice renders the map slide; the PNG is kept in artifacts/ to be looked at."""
    _, data = deck(client, "/export/kalimantan-sumatera.pptx?series=contoh")
    source = tmp_path / "peta-cakupan.pptx"
    source.write_bytes(data)
    subprocess.run(
        [
            SOFFICE or "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "png",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    png = tmp_path / "peta-cakupan.png"
    image = Image.open(png).convert("RGB")
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    image.save(artifacts / "peta-cakupan-kalimantan-sumatera-pptx.png")
    colours = {colour for _, colour in image.getcolors(maxcolors=1_000_000)}
    fill_colours = {
        tuple(int(f[i : i + 2], 16) for i in (1, 3, 5)) for f in fills(client, "series=contoh").values() if f
    }
    assert image.width / image.height == pytest.approx(16 / 9, rel=0.01)
    assert fill_colours <= colours  # every level colour on the map is drawn
