"""CoverageResult: one result per query and live versions, resolved once per request, read by every format."""

import csv
import io
import json
import re
from collections import Counter
from itertools import zip_longest

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from geo.query import MapQuery
from tests.databases import make_app
from tests.pages import page_values
from web.maps import INDENTATION
from web.resources import get_resources
from web.results import resolve_result


@pytest.fixture()
def tables_read(app):
    """The tables each statement on the app's engine reads from, in order (cleared by the test)."""
    with app.app_context():
        engine = get_resources().engine
    read: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        read.append(re.search(r"FROM (\w+)", statement).group(1))

    event.listen(engine, "before_cursor_execute", record)
    yield read
    event.remove(engine, "before_cursor_execute", record)


def queries_of(app, read: list[str], url: str) -> Counter:
    read.clear()
    response = app.test_client().get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return Counter(read)


# The sample series has two live periods; a page's tooltips show the path over both and every table carries each
# district's pace over them (geo.pace), so a cold request reads the records of each version once (never twice). The
# pages read no saved alias: the search box fetches its terms, which read the aliases (stamp and rows) when made and
# the aliases' stamp on every request, so they follow an alias saved on any instance.
@pytest.mark.parametrize(
    ("url", "cold", "warm"),
    [
        (
            "/map/kalimantan-sumatera?series=contoh",
            {"dataset": 1, "record": 2},
            {"dataset": 1},
        ),
        (
            "/map/kalimantan?series=contoh&view=target",
            {"dataset": 1, "record": 2},
            {"dataset": 1},
        ),
        (
            "/map/kalimantan-sumatera?series=contoh&layer=provinsi&period=2025-12",
            # cold: + each live period's province figures once, for the provinces' pace (geo.results.province_paths)
            {"dataset": 1, "province_figure": 3, "record": 2},
            {"dataset": 1, "province_figure": 1},  # the province figures are part of the key
        ),
        (  # the terbaru view reads each live period's province figures (every request: part of the key)
            "/map/kalimantan-sumatera?series=contoh&layer=provinsi",
            {"dataset": 1, "province_figure": 4, "record": 2},
            {"dataset": 1, "province_figure": 2},
        ),
        ("/api/ranking?series=contoh&period=2025-12", {"dataset": 1, "record": 2}, {"dataset": 1}),
        ("/api/ranking?series=contoh", {"dataset": 1, "record": 2}, {"dataset": 1}),  # terbaru: each version once
        ("/api/summary?series=contoh&scope=sumatera&period=2025-12", {"dataset": 1, "record": 2}, {"dataset": 1}),
        ("/api/coverage.geojson?series=contoh&compare=2025-06", {"dataset": 1, "record": 2}, {"dataset": 1}),
        ("/api/ranking.csv?series=contoh&period=2025-12", {"dataset": 1, "record": 2}, {"dataset": 1}),
        ("/api/search-terms?scope=kalimantan-sumatera", {"saved_alias": 2}, {"saved_alias": 1}),
    ],
)
def test_a_request_issues_only_the_queries_it_needs(app, tables_read, url, cold, warm):
    assert queries_of(app, tables_read, url) == Counter(cold)
    assert queries_of(app, tables_read, url) == Counter(warm)


def test_other_formats_of_a_read_version_need_only_the_live_versions(app, tables_read):
    queries_of(app, tables_read, "/api/ranking?series=contoh")
    for url in (
        "/api/coverage.csv?series=contoh",
        "/api/summary?series=contoh&scope=62",
        "/api/ranking.xlsx?series=contoh&view=target",
        "/export/kalimantan.svg?series=contoh",
    ):
        assert queries_of(app, tables_read, url) == Counter({"dataset": 1}), url


def test_the_result_is_cached_whole_and_shared_between_requests(shared_app):
    results = []
    for _ in range(2):
        with shared_app.test_request_context("/"):
            resources = get_resources()
            results.append(resolve_result(resources, MapQuery("kalimantan", "contoh")))
    assert results[0] is results[1]
    assert results[0].ranking is results[0].ranking  # computed once


@pytest.mark.parametrize("view", ["cakupan", "target", "perubahan"])
@pytest.mark.parametrize("layer", ["kabupaten", "provinsi"])
def test_the_table_ranks_the_districts_by_what_the_map_shows(shared_app, view, layer):
    """One measure per screen: the table's districts are ranked by the view's measure, in its levels, on either
    layer; the totals and the coverage-level table stay shared by every view."""
    with shared_app.test_request_context("/"):
        resources = get_resources()
        result = resolve_result(resources, MapQuery("kalimantan", "contoh", "2025-12", "2025-06", view, layer))
        plain = resolve_result(resources, MapQuery("kalimantan", "contoh", "2025-12", "2025-06"))
    scheme = resources.schemes[view]
    levels = [lv.key for lv in scheme.levels] + ["tidak_ada_data"]
    assert result.districts["level"].isin(levels).all() and result.ranking["level"].isin(levels).all()
    assert result.table["level"].tolist() == plain.table["level"].tolist()
    ranked = result.ranking
    values = ranked[scheme.value]
    assert len(ranked) == 56 and values.notna().sum() > 40
    assert values.dropna().is_monotonic_decreasing and values.iloc[: values.notna().sum()].notna().all()
    expected = values.rank(method="min", ascending=False)  # ties share the better rank, no data unranked
    assert ranked["rank"].astype(float).equals(expected.astype(float))
    assert list(ranked.columns[:6]) == ["rank", "code", "name", "province", "province_code", scheme.value]
    assert "coverage_pct" in ranked.columns  # coverage stays beside the measure
    assert (result.table is result.districts) == (view == "cakupan")
    # every view of the same data shares one coverage table and one set of totals
    assert result.table is plain.table and result.totals is plain.totals
    # the table's result: the same districts, ranking and totals, keyed as the table; the map's result on districts
    table = result.for_table
    assert table.joined is result.districts and table.ranking is result.ranking and table.totals is result.totals
    assert table.key == result.table_key and table.layer == "kabupaten" and table.leaders == result.leaders
    assert (table is result) == (layer == "kabupaten")


@pytest.mark.parametrize("scope", ["kalimantan-sumatera", "sumatera", "kalimantan-timur"])
def test_provinces_are_ranked_among_the_provinces_shown(shared_app, scope):
    with shared_app.test_request_context("/"):
        resources = get_resources()
        result = resolve_result(resources, MapQuery(scope, "contoh", layer="provinsi"))
    provinces = result.provinces
    assert provinces is not None and result.joined is provinces
    assert provinces["code"].is_unique and len(provinces) == len(result.scope.province_codes)
    ranked = provinces["rank"].dropna()
    assert ranked.max() <= len(provinces) and ranked.min() == 1
    assert result.layer_ranking["rank"].dropna().max() <= len(provinces)
    assert set(result.layer_ranking["code"]) == set(result.scope.province_codes)


def _csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def _number(value) -> float | None:
    return None if value in (None, "") else float(value)


def _by_code(rows, code="code") -> dict[str, tuple]:
    return {str(r[code]): (_number(r["rank"]), _number(r["gap_pct"])) for r in rows}


@pytest.mark.parametrize("layer", ["kabupaten", "provinsi"])
@pytest.mark.parametrize("query", ["series=contoh", "series=contoh&period=2025-06&scope=sumatera", "scope=kalimantan"])
def test_gap_and_rank_agree_in_every_format(client, layer, query):
    base = f"?{query}&layer={layer}"
    geojson = client.get(f"/api/coverage.geojson{base}").get_json()
    formats = {
        "geojson": _by_code(f["properties"] for f in geojson["features"]),
        "csv": _by_code(_csv_rows(client.get(f"/api/coverage.csv{base}").get_data(as_text=True))),
        "ranking": _by_code(client.get(f"/api/ranking{base}").get_json()["rows"]),
        "ranking.csv": _by_code(_csv_rows(client.get(f"/api/ranking.csv{base}").get_data(as_text=True))),
    }
    sheet = load_workbook(io.BytesIO(client.get(f"/api/ranking.xlsx{base}").data), read_only=True)["Peringkat"]
    header, *rows = list(sheet.values)
    formats["xlsx"] = _by_code(dict(zip_longest(header, row)) for row in rows)  # empty cells end a row early
    first = formats["geojson"]
    assert len(first) == (15 if layer == "provinsi" and "scope" not in query else len(first)) and len(first) > 3
    assert len({rank for rank, _ in first.values()}) > 3  # ranks that differ, so a shift would show
    if layer == "kabupaten" and "contoh" in query:  # only the sample's districts all have targets
        assert len({gap for _, gap in first.values()}) > 3
    for name, found in formats.items():
        assert found == first, name


def test_a_series_without_data_says_so(database_url, boundaries_dir):
    client = make_app(database_url, boundaries_dir, load_samples=False).test_client()
    response = client.get("/api/ranking?series=contoh")
    assert response.status_code == 404 and response.get_json()["error"].startswith("Belum ada data untuk seri ini.")
    page = client.get("/map/kalimantan")
    assert page.status_code == 404 and "Belum ada data untuk seri ini." in page.get_data(as_text=True)


@pytest.mark.parametrize(("scope", "provinces"), [("kalimantan-sumatera", 15), ("kalimantan", 5)])
def test_province_tooltips_rank_among_provinces(client, scope, provinces):
    values = client.get(f"/map/{scope}/values.json?series=contoh&layer=provinsi").get_json()
    shown = [
        text
        for feature in values["features"].values()
        for label, text in feature["tip"]["rows"]
        if label == "Peringkat"
    ]
    ranks = [tuple(map(int, re.fullmatch(r"(\d+) dari (\d+)", text).groups())) for text in shown]
    assert len(values["features"]) == provinces and ranks
    assert {total for _, total in ranks} == {len(ranks)} and len(ranks) <= provinces
    assert sorted(rank for rank, _ in ranks)[0] == 1 and max(rank for rank, _ in ranks) <= len(ranks)


@pytest.mark.parametrize(
    ("scope", "args", "pages"),
    [
        # a province map is labelled by district on every format
        ("kalimantan-tengah", "series=contoh", ("/map/{s}?{a}", "/map/{s}?{a}&lang=en", "/map/{s}/values.json?{a}")),
        ("kalimantan-tengah", "series=contoh&view=target", ("/map/{s}?{a}", "/map/{s}/values.json?{a}&lang=en")),
        # an island map in presentation mode with district labels, and its province layer
        (
            "kalimantan",
            "series=contoh",
            ("/map/{s}?{a}&mode=present&labels=1", "/map/{s}?{a}&mode=present&labels=1&lang=en"),
        ),
        (
            "kalimantan",
            "series=contoh&layer=provinsi",
            ("/map/{s}?{a}&mode=present&labels=1", "/map/{s}/values.json?{a}"),
        ),
    ],
)
def test_legend_counts_and_label_anchors_are_made_once_for_every_format(app, monkeypatch, scope, args, pages):
    """The result holds the legend's counts and the labels' anchors: pages in two languages, values.json, the PNG
    and the deck put them into words, and the geometry work behind the anchors runs once per result."""
    import geo.results

    made = []
    original = geo.results.label_anchors
    monkeypatch.setattr(geo.results, "label_anchors", lambda *a, **k: made.append(1) or original(*a, **k))
    client = app.test_client()
    urls = [page.format(s=scope, a=args) for page in pages]
    if scope == "kalimantan-tengah":  # exports label a province map by district
        urls += [f"/export/{scope}.png?{args}", f"/export/{scope}.pptx?{args}"]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert len(made) == 1
    with app.test_request_context("/"):
        query = dict(part.split("=") for part in args.split("&"))
        result = resolve_result(
            get_resources(),
            MapQuery(scope, "contoh", view=query.get("view", "cakupan"), layer=query.get("layer", "kabupaten")),
        )
    assert sum(result.legend_counts.values()) == len(result.joined)
    assert result.legend_counts == result.joined["level"].value_counts().to_dict()
    assert sorted(anchor.row for anchor in result.label_anchors) == list(range(len(result.joined)))
    # units with a value claim space first
    has_value = result.joined[result.scheme.value].notna().tolist()
    order = [has_value[anchor.row] for anchor in result.label_anchors]
    assert order == sorted(order, reverse=True)


def test_the_cache_counts_what_a_result_holds(shared_app):
    """A result is counted with its ranking and totals (made with it), each frame once, and without the table
    result it shares (a cache entry of its own)."""
    from web.resources import size_of

    with shared_app.test_request_context("/"):
        resources = get_resources()
        plain = resolve_result(resources, MapQuery("kalimantan-sumatera", "contoh"))
        target = resolve_result(resources, MapQuery("kalimantan-sumatera", "contoh", view="target"))
    assert {"ranking", "totals"} <= set(vars(plain))  # made before the cache measured it
    frame_bytes = int(plain.districts.memory_usage(deep=True, index=True).sum())
    ranking_bytes = int(plain.ranking.memory_usage(deep=True, index=True).sum())
    assert plain.table is plain.districts
    assert frame_bytes + ranking_bytes <= size_of(plain) < 2 * frame_bytes + ranking_bytes  # the frame once
    assert target.base is plain
    own = int(target.districts.memory_usage(deep=True, index=True).sum())
    assert own <= size_of(target) < own + frame_bytes  # not the table result again


def save_many_aliases(app, count: int) -> None:
    """`count` saved aliases of the area's districts, in one transaction (as scripts/bench_growth.py saves them)."""
    from datetime import UTC, datetime

    from sqlalchemy.orm import Session

    from geo.boundaries import district_table
    from geo.saved_aliases import SavedAlias

    with app.app_context():
        resources = get_resources()
        table = district_table(resources.boundaries)
        now = datetime.now(UTC)
        with Session(resources.engine) as session, session.begin():
            session.add_all(
                SavedAlias(alias=f"Nama Lain {i}", jenis=row.jenis, kode=row.kode, created_by="uji", created_at=now)
                for i, row in enumerate(table.iloc[[i % len(table) for i in range(count)]].itertuples())
            )


@pytest.mark.parametrize(
    "url",
    [
        "/map/kalimantan-tengah?series=contoh",
        "/map/kalimantan-sumatera?series=contoh&period=2025-12",
        "/map/kalimantan-tengah?series=contoh&mode=present",
        "/map/kalimantan-sumatera/values.json?series=contoh&period=2025-12&parts=page&table=1",
    ],
)
def test_saved_aliases_leave_the_pages_and_values_as_they_were(app, url):
    """Issue 25: the page and a period switch's values.json do not grow with the saved aliases (the search box
    fetches them, /api/search-terms): 500 aliases saved since change not one byte, nor the ETag."""
    headers = {"Accept-Encoding": "br"}
    client = app.test_client()
    before = client.get(url, headers=headers)
    save_many_aliases(app, 500)
    with app.app_context():
        get_resources().cache.items.clear()  # rendered anew, not served from the cache
    after = client.get(url, headers=headers)
    assert before.status_code == after.status_code == 200
    assert after.data == before.data and after.headers["ETag"] == before.headers["ETag"]
    terms = client.get("/api/search-terms?scope=kalimantan-sumatera").get_json()
    assert sum(term.startswith("nama lain ") for found in terms.values() for term in found) == 500  # they are there


def test_the_search_terms_list_a_saved_alias_and_change_with_it(app):
    """The search box's terms (web.api.search_terms): the bundled and saved aliases of the scope's districts only,
    revalidated on each use (no-cache, ETag); an alias saved on any instance changes them and their ETag at once."""
    from geo.saved_aliases import save_alias

    client = app.test_client()
    url = "/api/search-terms?scope=kalimantan-tengah"
    first = client.get(url)
    assert first.status_code == 200 and first.cache_control.no_cache
    terms = first.get_json()
    assert "kotim" in terms["62.02"]  # data/aliases.csv
    assert terms and all(code.startswith("62.") for code in terms)  # the scope's districts only
    assert "pulpis raya" not in terms.get("62.11", [])
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    with app.app_context():
        save_alias(get_resources().engine, "Pulpis Raya", "Kabupaten", "62.11", "uji")
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]
    assert "pulpis raya" in again.get_json()["62.11"]
    assert client.get("/api/search-terms?scope=tidak-ada").status_code == 404


def test_pages_point_the_search_box_at_their_scopes_terms(client):
    for url in ("/map/kalimantan-tengah?series=contoh", "/map/kalimantan-tengah?series=contoh&mode=present"):
        page = client.get(url).get_data(as_text=True)
        assert 'data-terms="/api/search-terms?scope=kalimantan-tengah"' in page
        assert '"terms"' not in json.dumps(page_values(page)["table"])


def test_values_with_the_pages_parts_draw_no_folium_map(client, monkeypatch):
    """A period switch sends the parts that change and the values: nothing of the folium map it would not send.
    The parts are the same as those of the page itself."""
    import web.rendering

    url = "/map/kalimantan-tengah/values.json?series=contoh&period=2025-06&view=target&parts=page&table=1"

    def no_map(*args, **kwargs):
        raise AssertionError("values.json built a folium map")

    with monkeypatch.context() as patched:
        patched.setattr(web.rendering, "build_map", no_map)
        switched = client.get(url).get_json()
    page = client.get("/map/kalimantan-tengah/values.json?series=contoh&period=2025-06&view=target").get_json()
    assert switched["features"] == page["features"] and "legend" not in switched  # the legend's fragment holds it
    assert {"legend", "summary", "ranking"} <= set(switched["fragments"])
    assert "kabupaten/kota memiliki data" in switched["fragments"]["legend"]
    whole = client.get("/map/kalimantan-tengah?series=contoh&period=2025-06&view=target").get_data(as_text=True)
    for name in ("legend", "summary", "headline"):  # the same HTML, without its lines' indentation
        assert switched["fragments"][name].strip() in INDENTATION.sub("\n", whole), name
    for count in (str(entry["count"]) for entry in page["legend"]):
        assert f'legend-count">{count}<' in switched["fragments"]["legend"].replace(" ", "")


def test_a_query_resolves_without_flask(shared_app):
    """The core is geo.results: a query and a snapshot of the live versions make the same result as a request's."""
    from geo.results import Snapshot, resolve
    from geo.store import live_datasets

    with shared_app.test_request_context("/"):
        resources = get_resources()
        served = resolve_result(resources, MapQuery("kalimantan", "contoh", layer="provinsi"))
    snapshot = Snapshot(tuple(live_datasets(resources.engine)))  # no request, no app context
    result = resolve(MapQuery("kalimantan", "contoh", layer="provinsi"), resources, snapshot)
    assert result.key == served.key and result.for_table.key == served.table_key
    assert result.layer_ranking.equals(served.layer_ranking) and result.totals == served.totals
