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


def _with_lost_rock(tmp_path):
    """Kabupaten Barat with a 50 x 50 m part lying wholly inside Kabupaten Timur, as Kota Madiun's lies inside
    Kabupaten Madiun in the source: the land is claimed twice and cleaning leaves it to one."""
    features = neighbours_with_flaws()
    inside = box(110 + 30 * DEG, 10 * DEG, 110 + 30.05 * DEG, 10.05 * DEG)
    features[0] = (features[0][0], features[0][1], shapely.union(features[0][2], inside))
    return write_source(tmp_path / "src", features)


def test_a_reviewed_source_flaw_passes_within_its_limit_and_is_reported(tmp_path):
    from geo.flaws import AcceptedFlaw

    source = _with_lost_rock(tmp_path)
    accepted = (AcceptedFlaw("62.01", "island", 2600, "the rock lies inside a neighbour in the source"),)
    report = prepare_boundaries(source, tmp_path / "out", PrepareSettings(provinces=None, accepted=accepted))
    assert [(f["kode"], f["flaw"], f["reason"]) for f in report.accepted_flaws] == [
        ("62.01", "island", "the rock lies inside a neighbour in the source")
    ]
    assert 2400 <= report.accepted_flaws[0]["amount"] <= 2500
    assert json.loads((tmp_path / "out" / "laporan.json").read_text())["accepted_flaws"] == report.accepted_flaws


@pytest.mark.parametrize(
    "accepted",
    [
        ("62.01", "island", 1000),  # a smaller limit than the flaw
        ("62.02", "island", 9000),  # another district
        ("62.01", "moved", 9000),  # another kind of flaw
    ],
)
def test_a_flaw_outside_what_was_reviewed_still_fails(tmp_path, accepted):
    from geo.flaws import AcceptedFlaw

    settings = PrepareSettings(provinces=None, accepted=(AcceptedFlaw(*accepted, "reviewed"),))
    with pytest.raises(BoundaryError, match=r"Kabupaten Barat: island of 24\d\d m²"):
        prepare_boundaries(_with_lost_rock(tmp_path), tmp_path / "out", settings)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("6201,island,10,x", "not a Kemendagri district code"),
        ("62.01,hilang,10,x", "flaw 'hilang' is not one of moved, island"),
        ("62.01,island,-3,x", "must be a positive number"),
        ("62.01,island,banyak,x", "must be a positive number"),
        ("62.01,island,10,", "say why"),
    ],
)
def test_the_flaw_list_says_what_is_wrong_with_a_row(tmp_path, row, message):
    from geo.flaws import FlawListError, read_accepted_flaws

    path = tmp_path / "flaws.csv"
    path.write_text(f"# a comment\nkode,flaw,up_to,reason\n{row}\n", encoding="utf-8")
    with pytest.raises(FlawListError, match=message):
        read_accepted_flaws(path)


def test_the_shipped_flaw_list_names_real_districts_outside_kalimantan_and_sumatra(indonesia):
    """data/boundary_flaws.csv: the five flaws that kept all 38 provinces from preparing (README), each a district
    of the source outside the default area, with a reason."""
    from app import ROOT
    from geo.boundaries import DEFAULT_PROVINCES
    from geo.flaws import read_accepted_flaws

    flaws = read_accepted_flaws(ROOT / "data" / "boundary_flaws.csv")
    assert sorted(f.code for f in flaws) == ["35.77", "53.17", "94.04", "94.06", "96.04"]
    assert {f.code for f in flaws} <= set(indonesia["kode"])
    assert not {f.code[:2] for f in flaws} & set(DEFAULT_PROVINCES)


def test_an_islands_maps_are_the_same_bytes_whatever_else_is_prepared(tmp_path):
    """Issue 25: each island group is prepared on its own, in its own metric CRS, so preparing another island
    (here Sulawesi Utara beside Kalimantan Timur and Utara) changes no byte of the first island's files: its
    province details and its overview (the whole overview when it is prepared alone)."""
    from tests.conftest import SHARED_SOURCE

    def served(provinces):
        out = tmp_path / "-".join(provinces)
        prepare_boundaries(SHARED_SOURCE, out, PrepareSettings(provinces=provinces))
        manifest = json.loads((out / "topologi" / "topologi.json").read_text())
        return {key: (out / "topologi" / entry["file"]).read_bytes() for key, entry in manifest.items()}

    alone, together = served(("64", "65")), served(("64", "65", "71"))
    assert sorted(together) == ["64", "65", "71", "overview", "overview-kalimantan"]
    assert together["overview-kalimantan"] == alone["overview"]
    assert together["64"] == alone["64"] and together["65"] == alone["65"]


def test_unit_names_and_the_districts_a_version_puts_on_the_map(app):
    """What the editor is told: names by code for lists of changes, and how many of a version's figures are on the
    map (web.editor's publish message)."""
    from geo.boundaries import published_districts, unit_names
    from geo.store import SAMPLE_SERIES, read_records
    from web.resources import get_resources
    from web.results import live_snapshot

    with app.app_context():
        resources = get_resources()
        names = unit_names(resources.boundaries)
        assert names["62"] == "Provinsi Kalimantan Tengah" and names["62.11"] == "Kabupaten Pulang Pisau"
        dataset = live_snapshot(resources).live(SAMPLE_SERIES)[0]
        codes = set(read_records(resources.engine, dataset.id)["code"])
        shown = published_districts(resources.engine, resources.boundaries, dataset.id)
        assert shown == len(codes & set(resources.boundaries.districts["kode"])) == 210
