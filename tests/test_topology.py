"""The served geometry (geo.topology, web.geometry): every district once, within the 500 m promise of the
source as a browser decodes it, content-hashed, immutable, in a compact form that decodes exactly to the
TopoJSON it was made from (in Python and in Chromium), which topojson-client then reads."""

import gzip
import hashlib
import json
import os

import brotli
import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.boundaries import PrepareSettings, metric_crs, read_source
from geo.checks import measure_displacement
from geo.compact import OBJECT, TopologyError, decode_compact, encode_compact, topology_bytes
from geo.scopes import build_scopes
from geo.topology import (
    FOLDER,
    TopologySettings,
    build_topologies,
    grid_transform,
    overview_geometries,
    quantized_topology,
    read_manifest,
    scope_topology,
)
from layers.assets import bundles
from tests.chromium import CHROMIUM
from tests.conftest import SHARED_SOURCE
from tests.test_browser import page, server, wait_until  # noqa: F401 (fixtures)

PREFIX = '(window.PetaTopologi = window.PetaTopologi || {})["'
DECODE = "window.PetaGeometri.decode("
# Issue 11: the overview was 114 KB brotli as plain TopoJSON; measured 70 KB in its compact form.
OVERVIEW_BROTLI_LIMIT = 80 * 1024


def decode(topology: dict) -> dict[str, shapely.Geometry]:
    """A test-only decoder, written apart from geo.topology's: delta-decode each arc, then join the rings."""
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    result = {}
    for geometry in topology["objects"][OBJECT]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        shapes = []
        for polygon in polygons:
            rings = []
            for ring in polygon:
                points = []
                for index in ring:
                    arc = arcs[index] if index >= 0 else arcs[~index][::-1]
                    points.extend(arc if not points else arc[1:])
                rings.append(points)
            if len(rings[0]) >= 4:
                shapes.append(shapely.Polygon(rings[0], [r for r in rings[1:] if len(r) >= 4]))
        assert geometry["id"] not in result, geometry["id"]
        result[geometry["id"]] = shapely.MultiPolygon(shapes)
    return result


@pytest.fixture(scope="session")
def manifest(boundaries_dir):
    return read_manifest(boundaries_dir)


@pytest.fixture(scope="session")
def served(boundaries_dir, manifest):
    return {key: (boundaries_dir / FOLDER / entry.file).read_bytes() for key, entry in manifest.items()}


@pytest.fixture(scope="session")
def topologies(served):
    """Each served file decoded to standard TopoJSON."""
    return {key: decode_compact(json.loads(data)) for key, data in served.items()}


@pytest.fixture(scope="session")
def source():
    frame = read_source(SHARED_SOURCE, PrepareSettings().provinces)
    crs = metric_crs(frame)
    geometries = shapely.make_valid(frame.to_crs(crs).geometry.values, method="structure", keep_collapsed=False)
    return frame, crs, geometries, shapely.coverage_clean(geometries, gap_width=PrepareSettings().gap_width_m)


@pytest.mark.slow  # over 15 s: make test runs it, make test-fast leaves it out
def test_overview_keeps_the_500_m_promise_for_every_district(topologies, source, districts):
    frame, crs, geometries, cleaned = source
    decoded = decode(topologies["overview"])
    assert list(decoded) == list(frame["kode"]) == list(districts["kode"])
    for key in ("overview", "overview-kalimantan", "overview-sumatera"):
        decoded = decode(topologies[key])
        rows = np.flatnonzero(frame["kode"].isin(list(decoded)))
        metric = gpd.GeoSeries(list(decoded.values()), crs=4326).to_crs(crs).values
        moved, _ = measure_displacement(geometries[rows], cleaned[rows], metric)
        assert not shapely.is_empty(metric).any()
        assert moved.max() <= PrepareSettings().max_displacement_m, (key, frame["nama"].iloc[rows[np.argmax(moved)]])


def test_detail_files_hold_exactly_their_province_at_prepared_precision(topologies, manifest, boundaries):
    prepared = boundaries.districts.set_index("kode").geometry
    provinces = sorted(boundaries.districts["kode_prov"].unique())
    assert sorted(k for k in manifest if k.isdigit()) == provinces
    assert sorted(k for k in manifest if not k.isdigit()) == ["overview", "overview-kalimantan", "overview-sumatera"]
    for province in provinces:
        decoded = decode(topologies[province])
        assert sorted(decoded) == sorted(prepared.index[prepared.index.str[:2] == province])
        for code, geometry in decoded.items():
            assert shapely.hausdorff_distance(geometry, prepared[code]) < 1e-7, code  # degrees: exact


@pytest.mark.parametrize("key", ["overview", "62", "21"])
def test_file_names_hash_their_content_and_the_manifest_measures_them(served, topologies, manifest, key):
    entry = manifest[key]
    data = served[key]
    assert entry.file == f"{key}.{hashlib.sha256(data).hexdigest()[:12]}.topo.json"
    assert (entry.bytes, entry.brotli_bytes) == (len(data), len(brotli.compress(data, quality=11)))
    assert entry.gzip_bytes == len(gzip.compress(data, compresslevel=9, mtime=0))
    assert entry.max_displacement_m <= 500
    assert entry.vertices == sum(len(arc) for arc in topologies[key]["arcs"])
    topology = topologies[key]
    assert list(topology["objects"]) == [OBJECT]
    assert all(set(g) <= {"type", "arcs", "id"} for g in topology["objects"][OBJECT]["geometries"])


def test_the_overview_is_smaller_and_reports_its_dropped_islets(manifest, boundaries_dir):
    overview = manifest["overview"]
    assert overview.districts == 210 and overview.dropped_islets > 0
    assert overview.vertices < sum(e.vertices for k, e in manifest.items() if k.isdigit())
    report = json.loads((boundaries_dir / "laporan.json").read_text())
    assert report["topologies"]["overview"]["file"] == overview.file


@pytest.mark.parametrize(
    ("slug", "key"),
    [
        ("kalimantan-sumatera", "overview"),
        ("sumatera", "overview-sumatera"),
        ("kalimantan", "overview-kalimantan"),
        ("kalimantan-tengah", "62"),
    ],
)
def test_each_scope_loads_its_topology(manifest, districts, slug, key):
    ref = scope_topology(manifest, build_scopes(districts)[slug])
    assert ref.key == key and ref.file_stem == manifest[key].stem


@pytest.mark.parametrize(("key", "island"), [("overview-kalimantan", "Kalimantan"), ("overview-sumatera", "Sumatera")])
def test_an_island_map_loads_its_own_districts_only(manifest, topologies, districts, key, island):
    """Issue 25: the Kalimantan map loaded the overview of every prepared district (70 KB brotli; measured 22 KB
    for its own 56)."""
    ids = [g["id"] for g in topologies[key]["objects"][OBJECT]["geometries"]]
    assert ids == sorted(districts.loc[districts["pulau"] == island, "kode"])
    assert manifest[key].max_displacement_m <= 500
    assert manifest[key].brotli_bytes < 0.75 * manifest["overview"].brotli_bytes


def test_an_overview_is_the_same_bytes_whatever_else_is_prepared():
    """Preparing more provinces never makes an existing map heavier: a group's overview is built from its own
    districts on a grid anchored in degrees, so it is the same file with or without the others."""
    crs = "EPSG:32750"
    a = [shapely.box(110.0, -1.0, 110.5, -0.5), shapely.box(110.5, -1.0, 111.0, -0.5)]
    b = [shapely.box(100.0, 1.0, 100.4, 1.3)]

    def build(codes, shapes, groups):
        prepared = np.array(shapes, dtype=object)
        metric = gpd.GeoSeries(prepared, crs=4326).to_crs(crs).values
        files = build_topologies(
            codes, codes, prepared, crs, metric, metric, np.zeros(len(codes)), 500.0, TopologySettings(), groups
        )
        return {entry.key: data for entry, data in files}

    alone = build(["62.01", "62.02"], a, {})
    together = build(
        ["13.01", "62.01", "62.02"], b + a, {"kalimantan": ("62",), "sumatera": ("13",), "x": ("13", "62")}
    )
    assert sorted(together) == ["13", "62", "overview", "overview-kalimantan", "overview-sumatera"]
    assert together["overview-kalimantan"] == alone["overview"] and together["62"] == alone["62"]


def test_a_build_that_moves_outlines_too_far_fails_with_the_district(source, boundaries):
    frame, crs, geometries, cleaned = source
    rows = np.flatnonzero(frame["kode_prov"] == "62")
    prepared = boundaries.districts.geometry.values[rows]
    with pytest.raises(TopologyError, match="Kabupaten .* outline moved"):
        build_topologies(
            frame["kode"].iloc[rows].tolist(),
            frame["nama"].iloc[rows].tolist(),
            prepared,
            crs,
            geometries[rows],
            cleaned[rows],
            np.zeros(len(rows)),
            5.0,
            TopologySettings(overview_scales=(0.001,)),
        )


@pytest.mark.parametrize(("suffix", "mimetype"), [("topojson", "application/json"), ("js", "text/javascript")])
def test_served_immutable_with_etag_and_304(client, manifest, served, suffix, mimetype):
    url = f"/geometri/{manifest['62'].stem}.{suffix}"
    response = client.get(url, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.headers["Content-Encoding"] == "br"
    assert response.cache_control.immutable and response.cache_control.max_age == 31536000
    assert response.cache_control.public
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    plain = client.get(url).get_data(as_text=True)
    if suffix == "js":  # the compact form, decoded by the browser
        assert plain.startswith(PREFIX + '62"] = ' + DECODE) and plain.endswith(");")
        assert json.loads(plain.removeprefix(PREFIX + '62"] = ' + DECODE).removesuffix(");")) == json.loads(
            served["62"]
        )
    else:  # standard TopoJSON for other programs
        assert json.loads(plain) == decode_compact(json.loads(served["62"]))
        assert json.loads(plain)["type"] == "Topology" and isinstance(json.loads(plain)["arcs"][0][0], list)


@pytest.mark.parametrize(
    "name", ["overview.000000000000.js", "99.000000000000.topojson", "overview.js", "..%2Flaporan.topojson"]
)
def test_unknown_or_stale_geometry_is_404_in_bahasa(client, name):
    response = client.get(f"/geometri/{name}")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


def test_topojson_client_is_served(client):
    response = client.get("/vendor/topojson-client/topojson-client.min.js")
    assert response.status_code == 200 and b"topojson" in response.data


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Chromium is not installed")
def test_chromium_decodes_the_served_files_exactly_and_topojson_client_reads_them(server, page, manifest, topologies):  # noqa: F811
    page.goto(f"{server}/geometri/tidak-ada.js")  # any page of the app: same origin for its CSP
    page.add_script_tag(url=f"{server}/vendor/topojson-client/topojson-client.min.js")
    page.add_script_tag(url=f"{server}/aset/{bundles()['draw.js'].filename}")  # topologi.js: window.PetaGeometri
    for key in ("overview", "21"):
        page.add_script_tag(url=f"{server}/geometri/{manifest[key].stem}.js")
    wait_until(page, "window.topojson && window.PetaTopologi && window.PetaTopologi.overview && PetaTopologi['21']")
    for key in ("overview", "21"):
        # Every integer position, arc index and id, as geo.topology decodes the same file.
        assert page.evaluate(f"PetaTopologi[{json.dumps(key)}]") == topologies[key], key
    features = page.evaluate(
        """() => topojson.feature(PetaTopologi.overview, PetaTopologi.overview.objects.kabupaten).features
        .map((f) => [f.id, f.geometry.coordinates.length])"""
    )
    assert len(features) == 210 and len({code for code, _ in features}) == 210
    assert all(parts > 0 for _, parts in features)
    assert page.errors == []


def square(x: float, y: float, size: float = 1.0) -> shapely.Polygon:
    return shapely.box(x, y, x + size, y + size)


HAND_MADE = {
    # Two neighbours share an arc: one of them refers to it reversed (a negative index).
    "neighbours": [square(0, 0), square(1, 0)],
    "hole": [shapely.Polygon(square(0, 0, 4).exterior, [square(1, 1, 2).exterior.coords]), square(1, 1, 2)],
    "islets": [shapely.MultiPolygon([square(0, 0), square(3, 3, 0.5), square(5, 0, 0.25)]), square(1, 0)],
    "single ring": [square(0, 0)],
}


@pytest.mark.parametrize("shapes", HAND_MADE.values(), ids=HAND_MADE.keys())
def test_compact_form_round_trips_hand_made_topologies_exactly(shapes):
    codes = [f"62.{n:02}" for n in range(1, len(shapes) + 1)]
    topology = quantized_topology(codes, np.array(shapes, dtype=object), grid_transform(np.array([0, 0]), 0.125))
    assert decode_compact(json.loads(topology_bytes(encode_compact(topology)))) == topology
    assert topology_bytes(decode_compact(encode_compact(topology))) == topology_bytes(topology)  # member order too


def test_compact_form_round_trips_arcs_by_hand():
    """Negative indexes (~0 is -1), Polygon and MultiPolygon, a closed single-arc ring, an arc of two positions
    that ends where it starts, empty rings and big steps."""
    topology = {
        "type": "Topology",
        "objects": {
            OBJECT: {
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1], [2]], "id": "62.01"},
                    {"type": "MultiPolygon", "arcs": [[[-1, -3]], [[~1, 3]], [[]]], "id": "62.02"},
                    {"type": "MultiPolygon", "arcs": [], "id": "62.03"},
                ],
                "type": "GeometryCollection",
            }
        },
        "transform": {"scale": [0.5, 0.5], "translate": [100.0, -1.0]},
        "arcs": [
            [[5, 5], [3, 0], [0, 3]],
            [[8, 8], [-3, -3]],
            [[-4, 70000], [1, 0], [0, 1], [-1, 0], [0, -1]],
            [[9, 9], [0, 0]],
        ],
    }
    compact = encode_compact(topology)
    assert decode_compact(compact) == topology
    assert compact["counts"] == "GELF"  # 2 × positions + closed: 6 (3, open), 4 (2), 11 (5, closed), 5 (2, closed)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t["arcs"][0].__setitem__(1, [0.5, 1]), "integer"),
        (lambda t: t["objects"][OBJECT]["geometries"][0].__setitem__("properties", {}), "plain"),
        (lambda t: t["objects"][OBJECT]["geometries"][0].__setitem__("type", "LineString"), "plain"),
        (lambda t: t["objects"][OBJECT]["geometries"][0].pop("id"), "text id"),
        (lambda t: t.pop("transform"), "quantized"),
        (lambda t: t.__setitem__("bbox", [0, 0, 1, 1]), "quantized"),
        (lambda t: t["objects"].__setitem__("provinsi", {}), "GeometryCollection"),
    ],
)
def test_what_the_compact_form_cannot_hold_exactly_is_refused(change, message):
    topology = quantized_topology(["62.01"], np.array([square(0, 0)], dtype=object), grid_transform(np.zeros(2), 0.125))
    change(topology)
    with pytest.raises(TopologyError, match=message):
        encode_compact(topology)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.__setitem__("v", 2), "version 1"),
        (lambda c: c.__setitem__("steps", c["steps"][:-1]), "end early"),
        (lambda c: c.__setitem__("steps", c["steps"] + "AA"), "more than"),
        (lambda c: c.__setitem__("starts", c["starts"] + "g"), "cut off"),
        (lambda c: c.__setitem__("geometries", c["geometries"] + "A"), "more than"),
        (lambda c: c.__setitem__("counts", c["counts"] + "!"), "not a varint"),
    ],
)
def test_a_damaged_compact_file_fails_with_a_hint_not_a_wrong_shape(change, message):
    topology = quantized_topology(["62.01"], np.array([square(0, 0)], dtype=object), grid_transform(np.zeros(2), 0.125))
    compact = encode_compact(topology)
    change(compact)
    with pytest.raises(TopologyError, match=message):
        decode_compact(compact)


@pytest.mark.parametrize("key", ["overview", "11", "21", "62", "65"])
def test_served_files_round_trip_exactly(served, topologies, key):
    """decode is a function, so encode(decode(file)) == file proves decode(encode(t)) == t for what is served."""
    assert topology_bytes(encode_compact(topologies[key])) == served[key]


def test_compact_files_are_much_smaller_than_their_topojson(manifest, topologies):
    assert manifest["overview"].brotli_bytes <= OVERVIEW_BROTLI_LIMIT
    for key, entry in manifest.items():
        plain = len(brotli.compress(topology_bytes(topologies[key]), quality=11))
        assert entry.brotli_bytes <= 0.8 * plain, (key, entry.brotli_bytes, plain)  # measured 0.61–0.76


def test_islets_near_a_drawn_outline_are_left_out_and_far_ones_kept_as_grid_squares():
    coast = shapely.box(110.0, 0.0, 110.1, 0.1)
    near = shapely.box(110.1012, 0.05, 110.1016, 0.0504)  # ~130 m off the coast, ~30 m radius
    far = shapely.box(110.13, 0.05, 110.1304, 0.0504)  # ~3 km off: its outline must stay drawn
    prepared = np.array([shapely.MultiPolygon([coast, near, far])], dtype=object)
    crs = "+proj=laea +lat_0=0 +lon_0=110 +datum=WGS84 +units=m"
    metric = gpd.GeoSeries(prepared, crs=4326).to_crs(crs).values
    overview = overview_geometries(prepared, metric, np.zeros(1), 500.0, 55.66, 0.0005, TopologySettings())
    assert overview.dropped_islets == 1
    parts = shapely.get_parts(overview.geometries[0])
    assert len(parts) == 2 and parts[0].equals(coast)
    assert shapely.distance(parts[1], far) < 100 and shapely.area(parts[1]) == pytest.approx(0.001**2)
