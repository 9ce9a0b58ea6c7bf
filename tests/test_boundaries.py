"""Boundary preparation: repairs overlaps and gaps, keeps islands, and fails loudly when it should."""

import json

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon, box

from geo.boundaries import (
    BoundaryError,
    PrepareSettings,
    prepare_boundaries,
    read_boundaries,
)

DEG = 1 / 111.32  # about one kilometre in degrees near the equator


def write_source(folder, features):
    frame = gpd.GeoDataFrame(
        [
            {
                "kode": code,
                "nama": name,
                "jenis": "Kabupaten",
                "kode_prov": code[:2],
                "provinsi": f"Prov {code[:2]}",
                "pulau": "Kalimantan",
                "geometry": geom,
            }
            for code, name, geom in features
        ],
        crs=4326,
    )
    folder.mkdir(exist_ok=True)
    (folder / "kabupaten_kota.geojson").write_text(frame.to_json())
    return folder


def neighbours_with_flaws():
    """Two 20 km squares overlapping by 300 m, an island off the second, a third province touching both."""
    west = box(110, 0, 110 + 20 * DEG, 20 * DEG)
    east = shapely.union(
        box(110 + 19.7 * DEG, 0, 110 + 40 * DEG, 20 * DEG), box(110 + 45 * DEG, 1 * DEG, 110 + 46 * DEG, 2 * DEG)
    )  # island
    north = box(110, 20 * DEG, 110 + 40 * DEG, 30 * DEG)
    return [("62.01", "Kabupaten Barat", west), ("62.02", "Kabupaten Timur", east), ("63.01", "Kabupaten Utara", north)]


def test_prepare_repairs_overlaps_and_gaps_and_keeps_islands(tmp_path):
    source = write_source(tmp_path / "src", neighbours_with_flaws())
    report = prepare_boundaries(source, tmp_path / "out", PrepareSettings(provinces=None))
    prepared = read_boundaries(tmp_path / "out")
    geoms = prepared.districts.geometry.values
    assert report.districts == 3 and report.provinces == 2
    assert shapely.coverage_is_valid(geoms)
    assert shapely.get_num_geometries(geoms[1]) == 2  # the island survived
    assert report.max_displacement_m <= 500
    assert report.max_repair_shift_m > 200  # the 300 m overlap went to one side and is reported
    assert len(prepared.borders) == 1  # the line the two provinces share


def test_coordinates_are_rounded(tmp_path):
    wobbly = [(c, n, shapely.affinity.translate(g, 1.23456789e-7, 0)) for c, n, g in neighbours_with_flaws()]
    prepare_boundaries(write_source(tmp_path / "src", wobbly), tmp_path / "out", PrepareSettings(provinces=None))
    text = (tmp_path / "out" / "kabupaten_kota.geojson").read_text()
    coords = shapely.get_coordinates(shapely.from_geojson(json.dumps(json.loads(text)["features"][0]["geometry"])))
    assert (abs(coords * 1e5 - (coords * 1e5).round()) < 1e-6).all()


def test_duplicate_codes_fail(tmp_path):
    features = neighbours_with_flaws()
    features[2] = ("62.01", "Kabupaten Utara", features[2][2])
    with pytest.raises(BoundaryError, match="duplicate district codes"):
        prepare_boundaries(write_source(tmp_path / "src", features), tmp_path / "out", PrepareSettings(provinces=None))
    assert not (tmp_path / "out" / "kabupaten_kota.geojson").exists()


def test_outline_moved_too_far_fails(tmp_path):
    spiky = Polygon([(110, 0), (110.2, 0), (110.2, 0.2), (110.1, 0.2), (110.1005, 0.3), (110.0995, 0.2), (110, 0.2)])
    source = write_source(tmp_path / "src", [("62.01", "Kabupaten Berduri", spiky)])
    with pytest.raises(BoundaryError, match="Kabupaten Berduri: outline moved"):
        prepare_boundaries(source, tmp_path / "out", PrepareSettings(provinces=None, tolerance_m=2000))


def test_lost_island_fails(tmp_path):
    features = neighbours_with_flaws()
    far_rock = box(112, 0, 112 + 0.05 * DEG, 0.05 * DEG)  # a 50 x 50 m island of Kabupaten Barat
    features[0] = (features[0][0], features[0][1], shapely.union(features[0][2], far_rock))
    with pytest.raises(BoundaryError, match=r"Kabupaten Barat: island of 24\d\d m² near .* disappeared"):
        prepare_boundaries(
            write_source(tmp_path / "src", features), tmp_path / "out", PrepareSettings(provinces=None, decimals=2)
        )  # a 1 km grid collapses it


def test_swallowed_island_fails(tmp_path):
    features = neighbours_with_flaws()
    speck = box(110 + 10 * DEG, 10 * DEG, 110 + 10.01 * DEG, 10.01 * DEG)  # a 10 m district inside another
    features.append(("64.01", "Kabupaten Kecil", speck))
    with pytest.raises(BoundaryError, match="Kabupaten Kecil"):
        prepare_boundaries(
            write_source(tmp_path / "src", features), tmp_path / "out", PrepareSettings(provinces=None, gap_width_m=100)
        )


def test_missing_source_names_the_setting(tmp_path):
    with pytest.raises(BoundaryError, match="PETA_BOUNDARIES_SOURCE"):
        prepare_boundaries(tmp_path / "nowhere", tmp_path / "out", PrepareSettings())


def test_real_prepared_boundaries(boundaries, boundaries_dir):
    from geo.boundaries import read_report

    districts = boundaries.districts
    assert len(districts) == 210
    assert districts["kode"].is_unique
    assert districts.groupby("pulau").size().to_dict() == {"Kalimantan": 56, "Sumatera": 154}
    assert districts.is_valid.all() and not districts.is_empty.any()
    assert shapely.coverage_is_valid(districts.geometry.values)
    report = read_report(boundaries_dir)
    assert report["max_displacement_m"] <= 500
    assert report["collapsed_specks"] < 20  # rocks under 100 m²; every larger island is checked to survive
    assert report["prepared_parts"] >= report["source_parts"] - report["collapsed_specks"]


def test_name_lists_of_all_indonesia_are_written_at_preparation(tmp_path):
    from geo.boundaries import read_name_lists, write_name_lists
    from tests.conftest import SHARED_SOURCE

    assert write_name_lists(SHARED_SOURCE, tmp_path) == (514, 38)
    districts, provinces = read_name_lists(tmp_path)
    assert districts["kode"].is_unique and set(districts["kode_prov"]) == set(provinces["kode_prov"])
    with pytest.raises(BoundaryError, match="make setup"):
        read_name_lists(tmp_path / "nothing")


def test_fingerprint_covers_the_province_source(tmp_path):
    from geo.boundaries import source_fingerprint

    (tmp_path / "kabupaten_kota.geojson").write_text("{}", encoding="utf-8")
    before = source_fingerprint(tmp_path, PrepareSettings())
    (tmp_path / "provinsi.geojson").write_text('{"features": []}', encoding="utf-8")
    assert source_fingerprint(tmp_path, PrepareSettings()) != before
