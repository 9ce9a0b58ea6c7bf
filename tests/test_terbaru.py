"""The default map is the terbaru view: each district's latest figure, honestly dated, never sparse by surprise.

The case of issue 20: one province's file for a new month (Kalimantan Tengah, Desember 2025) used to turn every
visitor's map into that month, with 196 of 210 districts hatched. The figures in that file are the synthetic
sample's for Kalimantan Tengah (geo/samples.py, invented, not official); the rest are the bundled published figures.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from pptx import Presentation

from geo.boundaries import district_table
from geo.latest import months_between
from geo.samples import synthetic_records
from tests.test_uploads import auth, tokens, upload  # noqa: F401 - tokens is a fixture
from web.resources import get_resources

NEW_MONTH = "2025-12"


def kalteng_file(app) -> tuple[str, list[str]]:
    """A Kalimantan Tengah file for Desember 2025: its 14 districts, with the sample's counts."""
    with app.app_context():
        districts = district_table(get_resources().boundaries)
    kalteng = districts[districts["kode_prov"] == "62"]
    figures = synthetic_records(kalteng, 1)
    lines = ["kode,wilayah,peserta,pekerja,tanggal"]
    lines += [f"{r.code},{r.input},{r.participants},{r.workers},31 Desember 2025" for r in figures.itertuples()]
    return "\n".join(lines) + "\n", list(figures["code"])


def shown(client, query: str = "") -> dict[str, dict]:
    """The districts the map colours (a current figure), with their properties."""
    data = client.get(f"/api/coverage.geojson?{query}").get_json()
    return {f["properties"]["code"]: f["properties"] for f in data["features"] if f["properties"]["coverage_pct"]}


def features(client, query: str = "") -> list[dict]:
    return client.get(f"/api/coverage.geojson?{query}").get_json()["features"]


def publish_kalteng(app, token) -> list[str]:
    client = app.test_client()
    text, codes = kalteng_file(app)
    draft = upload(client, token, text, NEW_MONTH, source="BPJS Ketenagakerjaan Kalimantan Tengah").get_json()
    response = client.post(f"/api/uploads/{draft['id']}/publish", headers=auth(token))
    assert response.status_code == 201, response.get_json()
    return codes


def test_a_one_province_file_never_makes_the_default_map_emptier(app, tokens):  # noqa: F811
    client = app.test_client()
    before = shown(client)
    codes = publish_kalteng(app, tokens["editor"])
    after = shown(client)
    assert len(codes) == 14
    # Every district shown before is still shown, with its own figure, period and source (unless Kalimantan
    # Tengah's new file gave it a newer one), or, when the new month moved the 24-month window past its figure,
    # drawn as data lama with that same figure: never lost, never silent.
    stale = {f["properties"]["code"]: f["properties"] for f in features(client) if f["properties"]["stale"]}
    aged = {code for code, props in before.items() if months_between(props["period"], NEW_MONTH) > 24}
    for code, props in before.items():
        if code in codes:
            continue
        if code in aged:
            assert code not in after and stale[code]["stale_coverage_pct"] == props["coverage_pct"], code
            continue
        assert after[code]["coverage_pct"] == props["coverage_pct"], code
        assert (after[code]["period"], after[code]["source"]) == (props["period"], props["source"]), code
    assert all(after[code]["period"] == NEW_MONTH for code in codes)
    assert set(after) == (set(before) - aged) | set(codes)
    assert len(after) > len(before)  # never emptier
    # The single month is one click away, and it holds only the new file.
    assert set(shown(client, f"period={NEW_MONTH}")) == set(codes)


def test_the_default_map_names_the_span_and_the_period_list_counts_districts(app, tokens):  # noqa: F811
    publish_kalteng(app, tokens["editor"])
    client = app.test_client()
    count = len(shown(client))
    page = client.get("/").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert f"Data terbaru per wilayah · Agu 2024 – Des 2025 · {count} wilayah" in title
    assert f'<option value="{NEW_MONTH}" >Desember 2025 · 14 wilayah</option>' in page
    assert '<option value="" selected>Terbaru per wilayah</option>' in page
    english = client.get("/?lang=en").get_data(as_text=True)
    assert f"Latest data per district · Aug 2024 – Dec 2025 · {count} districts" in english
    assert "December 2025 · 14 districts" in english


def test_old_figures_are_data_lama_counted_in_the_legend_and_a_window_takes_them_back(client):
    """Kota Banda Aceh's 46,98% is of 31 Desember 2021: more than 24 months before the newest period."""
    props = {
        f["properties"]["code"]: f["properties"] for f in client.get("/api/coverage.geojson").get_json()["features"]
    }
    aceh = props["11.71"]
    assert aceh["level"] == "data_lama" and aceh["coverage_pct"] is None and aceh["rank"] is None
    assert aceh["stale_coverage_pct"] == 46.98 and aceh["period"] == "2021-12"
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'data-level="data_lama">.*?legend-range">&gt; 24 bulan<.*?legend-count">1<', page, re.S)
    assert "1 data lama (angka terakhir lebih dari 24 bulan)" in page  # the description says it too
    assert "total dan peringkat mencampur tanggal" in page  # the totals say their figures mix dates
    assert "Angka terakhir 47,0% (Des 2021), lebih dari 24 bulan sebelum periode terbaru" in page  # its tooltip
    wide = client.get("/api/coverage.geojson?window=60").get_json()
    assert wide["latest"]["window_months"] == 60 and wide["latest"]["stale"] == 0
    aceh = next(f["properties"] for f in wide["features"] if f["properties"]["code"] == "11.71")
    assert aceh["coverage_pct"] == 46.98 and aceh["level"] == "rendah"


def test_the_cache_keeps_windows_apart(client):
    narrow = client.get("/api/summary?window=12").get_json()
    wide = client.get("/api/summary?window=60").get_json()
    assert narrow["latest"]["window_months"] == 12 and wide["latest"]["window_months"] == 60
    assert narrow["latest"]["districts"] < wide["latest"]["districts"]


def test_ranking_and_csv_carry_each_row_s_period(client):
    ranking = client.get("/api/ranking").get_json()
    assert ranking["period"] is None and ranking["latest"]["mixed_periods"]
    rows = {row["code"]: row for row in ranking["rows"]}
    assert rows["18.72"]["period"] == "2024-09" and rows["62.02"]["period"] == "2025-07"
    csv = client.get("/api/coverage.csv").get_data(as_text=True).splitlines()
    header = csv[0].lstrip("\ufeff").split(",")
    metro = next(line.split(",") for line in csv if line.startswith("18.72,"))
    assert metro[header.index("period")] == "2024-09" and metro[header.index("as_of")] == "24 September 2024"


def span_of_default(client) -> str:
    latest = client.get("/api/summary").get_json()["latest"]
    return f"Data terbaru per wilayah · {month(latest['first_period'])} – {month(latest['last_period'])}", latest


MONTHS = "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des".split()


def month(period: str) -> str:
    year, number = period.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


@pytest.mark.parametrize(
    "fmt",
    [
        "svg",
        pytest.param("pdf", marks=pytest.mark.skipif(not shutil.which("pdftotext"), reason="no pdftotext")),
        "png",
        "pptx",
    ],
)
def test_every_export_of_the_terbaru_view_states_the_span_and_the_count(client, fmt):
    span, latest = span_of_default(client)
    expected = f"{span} · {latest['districts']} wilayah"
    body = client.get(f"/export/kalimantan-sumatera.{fmt}").get_data()
    assert expected in export_text(fmt, body)


def export_text(fmt: str, body: bytes) -> str:
    """The text an export carries: SVG text, PDF strings (matplotlib writes them plainly), PNG metadata, PPTX."""
    if fmt == "svg":
        return body.decode()
    if fmt == "png":
        from PIL import Image

        return " ".join(str(v) for v in Image.open(io.BytesIO(body)).info.values())
    if fmt == "pptx":
        deck = Presentation(io.BytesIO(body))
        return " ".join(s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame)
    # Debian's poppler-utils (scripts/system-deps.sh): the text as a reader would copy it from the page.
    return subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True, check=True).stdout.decode()


def test_offline_and_embed_state_the_span(client):
    span, latest = span_of_default(client)
    expected = f"{span} · {latest['districts']} wilayah"
    for url in ("/export/kalimantan-sumatera.html", "/embed/kalimantan-sumatera", "/?mode=present"):
        assert expected in client.get(url).get_data(as_text=True), url


def test_the_table_names_the_data_lama_level(client):
    """The ranking table's rows read their level's label and colour from the table's levels."""
    values = client.get("/map/kalimantan-sumatera/values.json").get_json()
    table = values["table"]
    assert table["levels"]["data_lama"][0] == "Data lama"
    assert table["columns"]["level"][table["columns"]["code"].index("11.71")] == "data_lama"
    assert values["period"] == "" and values["period_label"] == "Nov 2023 – Okt 2025"  # the bundled figures' span


def test_the_tooltip_shows_the_period_where_the_date_does_not_say_it(client):
    """Ketapang's figure is dated "2024" (a year's achievement): its period, Desember 2024, is shown beside it;
    Kota Metro's "24 September 2024" says its month already."""
    features = client.get("/map/kalimantan-sumatera/values.json").get_json()["features"]
    ketapang, metro = (dict(features[code]["tip"]["rows"]) for code in ("61.04", "18.72"))
    assert ketapang["Periode"] == "Des 2024" and ketapang["Sumber"].endswith("(2024)")
    assert "Periode" not in metro and metro["Sumber"].endswith("(24 September 2024)")


def test_one_period_s_tooltip_says_when_a_figure_is_of_an_earlier_month(client):
    """The bundled compilation is published as Oktober 2025; Kota Metro's figure in it is of September 2024."""
    features = client.get("/map/kalimantan-sumatera/values.json?period=2025-10").get_json()["features"]
    metro, kayong = (dict(features[code]["tip"]["rows"]) for code in ("18.72", "61.11"))
    assert metro["Periode"] == "Sep 2024" and "Periode" not in kayong  # Kayong Utara's is of 7 Oktober 2025


def test_the_deck_says_old_figures_are_left_out_of_its_ranking(client):
    deck = Presentation(io.BytesIO(client.get("/export/kalimantan-sumatera.pptx").get_data()))
    texts = [s.text_frame.text for s in deck.slides[-1].shapes if s.has_text_frame]
    assert any("tanpa data atau dengan data lama (lebih dari 24 bulan) tidak dicantumkan" in t for t in texts)
