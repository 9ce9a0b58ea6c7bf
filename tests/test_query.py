"""MapQuery: a request's scope, series, period, view, layer, palette and language, checked once."""

import pytest

from geo.query import MapQuery, Problem, QueryError, parse_segment
from web.resources import get_resources


@pytest.fixture()
def resources(shared_app):
    with shared_app.app_context():
        yield get_resources()


@pytest.mark.parametrize(
    ("args", "scope", "expected"),
    [
        ({}, None, MapQuery("kalimantan-sumatera", window=24)),  # no period: the terbaru view
        ({}, "62", MapQuery("kalimantan-tengah", window=24)),  # a province code names its scope
        ({"scope": "sumatera"}, None, MapQuery("sumatera", window=24)),
        ({"scope": "sumatera"}, "kalimantan", MapQuery("kalimantan", window=24)),  # the path wins over ?scope=
        ({"compare": "2025-06"}, None, MapQuery("kalimantan-sumatera", compare="2025-06", view="perubahan")),
        ({"compare": "2025-06", "view": "cakupan"}, None, MapQuery("kalimantan-sumatera", compare="2025-06")),
        (
            {"series": "contoh", "period": "2025-12", "layer": "provinsi", "palette": "cvd", "lang": "en"},
            None,
            MapQuery("kalimantan-sumatera", "contoh", "2025-12", layer="provinsi", palette="cvd", language="en"),
        ),
        ({"series": "", "period": "", "view": "", "lang": ""}, None, MapQuery("kalimantan-sumatera", window=24)),
        ({"view": "target", "unknown": "x"}, None, MapQuery("kalimantan-sumatera", view="target", window=24)),
        ({"window": "36"}, None, MapQuery("kalimantan-sumatera", window=36)),
        ({"window": "36", "period": "2025-10"}, None, MapQuery("kalimantan-sumatera", period="2025-10")),
    ],
)
def test_parse_reads_every_field_with_its_default(resources, args, scope, expected):
    assert MapQuery.parse(args, resources, scope=scope) == expected


def test_parse_takes_a_default_view_for_tables(resources):
    query = MapQuery.parse({"compare": "2025-06"}, resources, default_view="cakupan")
    assert query.view == "cakupan" and query.compare == "2025-06"
    assert MapQuery.parse({"view": "target"}, resources, default_view="cakupan").view == "target"


@pytest.mark.parametrize(
    ("args", "scope", "field", "problem", "choice"),
    [
        ({}, "jawa-barat", "scope", Problem.NOT_FOUND, "kalimantan"),
        ({"scope": "atlantis"}, None, "scope", Problem.UNKNOWN, "sumatera"),
        ({"series": "palsu"}, None, "series", Problem.UNKNOWN, "contoh"),
        ({"period": "kemarin"}, None, "period", Problem.MALFORMED, "TTTT-BB"),
        ({"period": "2025-1"}, None, "period", Problem.MALFORMED, "TTTT-BB"),
        ({"compare": "2025/06"}, None, "compare", Problem.MALFORMED, "TTTT-BB"),
        ({"view": "pelangi"}, None, "view", Problem.UNKNOWN, "target"),
        ({"layer": "desa"}, None, "layer", Problem.UNKNOWN, "provinsi"),
        ({"palette": "pelangi"}, None, "palette", Problem.UNKNOWN, "cvd"),
        ({"lang": "fr"}, None, "lang", Problem.UNKNOWN, "en"),
        ({"window": "dua tahun"}, None, "window", Problem.MALFORMED, "0–240"),
        ({"window": "999"}, None, "window", Problem.MALFORMED, "0–240"),
    ],
)
def test_an_unknown_value_names_its_field_and_the_choices(resources, args, scope, field, problem, choice):
    with pytest.raises(QueryError) as caught:
        MapQuery.parse(args, resources, scope=scope)
    assert (caught.value.field, caught.value.problem) == (field, problem)
    assert choice in caught.value.choices


def test_table_query_keeps_the_data_and_drops_the_look():
    query = MapQuery("kalimantan", "contoh", "2025-12", "2025-06", "perubahan", "provinsi", "cvd", "en")
    assert query.table() == MapQuery("kalimantan", "contoh", "2025-12", "2025-06", "cakupan", "kabupaten", None, "en")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("pelangi", "pelangi"),
        ("x" * 40, "x" * 40),
        ("x" * 41, "x" * 39 + "…"),
        ("<script>alert(1)</script>" * 10, ("<script>alert(1)</script>" * 2)[:39] + "…"),
        ("a\nb\x00c", "a?b?c"),
    ],
)
def test_shown_value_is_short_and_printable(value, shown):
    assert QueryError("view", value, ("cakupan",)).shown_value == shown


@pytest.mark.parametrize(
    ("args", "expected"),
    [({}, None), ({"segment": ""}, None), ({"segment": "pu"}, "pu"), ({"segment": "pembiayaan"}, "pembiayaan")],
)
def test_segment(args, expected):
    assert parse_segment(args) == expected


def test_unknown_segment_lists_the_segments():
    with pytest.raises(QueryError) as caught:
        parse_segment({"segment": "x"})
    assert caught.value.field == "segment" and "bpu" in caught.value.choices


@pytest.mark.parametrize(
    ("url", "status", "shown", "hidden"),
    [
        (
            "/map/kalimantan?view=<script>alert(1)</script>",
            400,
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "<script>alert",
        ),
        ("/map/kalimantan?series=" + "x" * 5000, 400, "x" * 39 + "…", "x" * 41),
        ("/map/<b>kalimantan", 404, "Wilayah peta &#39;&lt;b&gt;kalimantan&#39; tidak ada", "<b>kalimantan"),
    ],
)
def test_hostile_values_are_escaped_and_shortened_in_pages(client, url, status, shown, hidden):
    response = client.get(url)
    text = response.get_data(as_text=True)
    assert response.status_code == status and shown in text and hidden not in text


def test_api_messages_name_field_value_and_choices(client):
    response = client.get("/api/ranking?layer=" + "y" * 300)
    assert response.status_code == 400
    assert response.get_json()["error"] == f"Lapisan '{'y' * 39}…' tidak ada. Pilihan: kabupaten, provinsi."
    english = client.get("/api/ranking?series=palsu&lang=en").get_json()["error"]
    assert english == "Data series 'palsu' does not exist. Choices: utama, contoh."


def options(page: str, name: str) -> list[tuple[str, str]]:
    import re

    select = re.search(rf'<select name="{name}">(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_every_series_and_layer_has_its_label_in_the_registrys_order():
    """geo.query declares the choices, web.query only labels them for the controls."""
    from geo.query import LAYERS, SERIES
    from web.query import LAYER_LABELS, SERIES_LABELS

    assert tuple(SERIES_LABELS) == SERIES and tuple(LAYER_LABELS) == LAYERS


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_maps_controls_offer_what_the_query_accepts(client, resources, lang):
    """Views, series and layers are declared once (geo.query, data/levels.json): the controls list them all, in
    the registry's order and words, and nothing the query would refuse."""
    from geo.query import CHANGE_VIEW, LAYERS, SERIES
    from geo.segments import VIEW_COLUMNS

    page = client.get(f"/map/kalimantan-tengah?series=contoh&lang={lang}").get_data(as_text=True)
    main = [k for k in resources.schemes if k not in VIEW_COLUMNS and k != CHANGE_VIEW]
    shown = options(page, "view")
    assert [k for k, _ in shown][: len(main)] == main == ["cakupan", "target", "jalur", "belum_terlindungi"]
    assert all(k in VIEW_COLUMNS for k, _ in shown[len(main) :])  # then the segments the figures carry
    assert [label for _, label in shown][:2] == (
        ["Cakupan", "Capaian target"] if lang == "id" else ["Coverage", "Target attainment"]
    )
    assert [k for k, _ in options(page, "series")] == list(SERIES)
    assert [k for k, _ in options(page, "layer")] == list(LAYERS)
    assert dict(options(page, "layer"))["kabupaten"] == ("Kabupaten/kota" if lang == "id" else "Regencies/cities")
    compared = client.get(f"/map/kalimantan-tengah?series=contoh&compare=2025-06&lang={lang}").get_data(as_text=True)
    assert CHANGE_VIEW in [k for k, _ in options(compared, "view")]
    for key, _ in shown:  # every choice is answered
        assert client.get(f"/map/kalimantan-tengah/values.json?series=contoh&view={key}").status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/district/62.11?series=lama", "/bandingkan?kode=62.11,62.01&series=lama", "/api/district/62.11?series=lama"],
)
def test_district_pages_refuse_an_unknown_series_instead_of_showing_another(client, url):
    """They once showed the published figures for any unknown series, under its name in the address."""
    response = client.get(url)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "lama" in text and "utama" in text and "contoh" in text
