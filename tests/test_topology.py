"""The served geometry (geo.topology, web.geometry): every district once, within the 500 m promise of the
source as a browser decodes it, content-hashed, immutable, and decoded by topojson-client in Chromium."""

import hashlib
import json
import os

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.boundaries import PrepareSettings, measure_displacement, metric_crs, read_source
from geo.scopes import build_scopes
from geo.topology import (
    FOLDER,
    OBJECT,
    TopologyError,
    TopologySettings,
    build_topologies,
    overview_geometries,
    read_manifest,
    scope_topology,
)
from tests.chromium import CHROMIUM
from tests.conftest import SHARED_SOURCE
from tests.test_browser import page, server, wait_until  # noqa: F401 (fixtures)

PREFIX = '(window.PetaTopologi = window.PetaTopologi || {})["'


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
def source():
    frame = read_source(SHARED_SOURCE, PrepareSettings().provinces)
    crs = metric_crs(frame)
    geometries = shapely.make_valid(frame.to_crs(crs).geometry.values, method="structure", keep_collapsed=False)
    return frame, crs, geometries, shapely.coverage_clean(geometries, gap_width=PrepareSettings().gap_width_m)


def test_overview_keeps_the_500_m_promise_for_every_district(served, source, districts):
    frame, crs, geometries, cleaned = source
    decoded = decode(json.loads(served["overview"]))
    assert list(decoded) == list(frame["kode"]) == list(districts["kode"])
    metric = gpd.GeoSeries(list(decoded.values()), crs=4326).to_crs(crs).values
    moved, _ = measure_displacement(geometries, cleaned, metric)
    assert not shapely.is_empty(metric).any()
    assert moved.max() <= PrepareSettings().max_displacement_m, frame["nama"].iloc[int(np.argmax(moved))]


def test_detail_files_hold_exactly_their_province_at_prepared_precision(served, manifest, boundaries):
    prepared = boundaries.districts.set_index("kode").geometry
    provinces = sorted(boundaries.districts["kode_prov"].unique())
    assert sorted(set(manifest) - {"overview"}) == provinces
    for province in provinces:
        decoded = decode(json.loads(served[province]))
        assert sorted(decoded) == sorted(prepared.index[prepared.index.str[:2] == province])
        for code, geometry in decoded.items():
            assert shapely.hausdorff_distance(geometry, prepared[code]) < 1e-7, code  # degrees: exact


@pytest.mark.parametrize("key", ["overview", "62", "21"])
def test_file_names_hash_their_content_and_the_manifest_measures_them(served, manifest, key):
    entry = manifest[key]
    data = served[key]
    assert entry.file == f"{key}.{hashlib.sha256(data).hexdigest()[:12]}.topojson"
    assert entry.bytes == len(data)
    assert entry.max_displacement_m <= 500
    topology = json.loads(data)
    assert list(topology["objects"]) == [OBJECT]
    assert all(set(g) <= {"type", "arcs", "id"} for g in topology["objects"][OBJECT]["geometries"])


def test_the_overview_is_smaller_and_reports_its_dropped_islets(manifest, boundaries_dir):
    overview = manifest["overview"]
    assert overview.districts == 210 and overview.dropped_islets > 0
    assert overview.vertices < sum(e.vertices for k, e in manifest.items() if k != "overview")
    report = json.loads((boundaries_dir / "laporan.json").read_text())
    assert report["topologies"]["overview"]["file"] == overview.file


@pytest.mark.parametrize(
    ("slug", "key"), [("kalimantan-sumatera", "overview"), ("sumatera", "overview"), ("kalimantan-tengah", "62")]
)
def test_each_scope_loads_its_topology(manifest, districts, slug, key):
    ref = scope_topology(manifest, build_scopes(districts)[slug])
    assert ref.key == key and ref.file_stem == manifest[key].stem


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
    if suffix == "js":
        assert plain.startswith(PREFIX + '62"] = ') and plain.endswith(";")
        plain = plain.removeprefix(PREFIX + '62"] = ').removesuffix(";")
    assert json.loads(plain) == json.loads(served["62"])


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
def test_topojson_client_decodes_the_overview_in_chromium(server, page, manifest):  # noqa: F811
    page.goto(f"{server}/geometri/tidak-ada.js")  # any page of the app: same origin for its CSP
    page.add_script_tag(url=f"{server}/vendor/topojson-client/topojson-client.min.js")
    page.add_script_tag(url=f"{server}/geometri/{manifest['overview'].stem}.js")
    wait_until(page, "window.topojson && window.PetaTopologi && window.PetaTopologi.overview")
    features = page.evaluate(
        """() => topojson.feature(PetaTopologi.overview, PetaTopologi.overview.objects.kabupaten).features
        .map((f) => [f.id, f.geometry.coordinates.length])"""
    )
    assert len(features) == 210 and len({code for code, _ in features}) == 210
    assert all(parts > 0 for _, parts in features)
    assert page.errors == []


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
