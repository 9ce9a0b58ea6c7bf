"""The join runs from the boundaries side, one-to-one, and keeps districts without data."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from app import ROOT
from geo.join import JoinError, join_coverage
from geo.levels import read_schemes
from geo.store import RECORD_COLUMNS

SCHEME = read_schemes(ROOT / "data" / "levels.json")["cakupan"]


def districts():
    return gpd.GeoDataFrame(
        {
            "kode": ["62.01", "62.02", "62.03", "62.04"],
            "nama": ["A", "B", "C", "D"],
            "jenis": ["Kabupaten"] * 4,
            "kode_prov": ["62"] * 4,
            "provinsi": ["Kalimantan Tengah"] * 4,
            "pulau": ["Kalimantan"] * 4,
        },
        geometry=[box(i, 0, i + 1, 1) for i in range(4)],
        crs=4326,
    )


def records(rows):
    frame = pd.DataFrame(rows, columns=["code", "coverage_pct", "target_pct"])
    for column in RECORD_COLUMNS:
        if column not in frame:
            frame[column] = None
    return frame[RECORD_COLUMNS]


def test_join_keeps_every_district_and_computes_levels_ranks_gaps():
    joined = join_coverage(
        districts(), records([("62.01", 41.3, 61.0), ("62.02", 75.0, None), ("62.03", 41.3, 40.0)]), "2025-10", SCHEME
    )
    assert joined["code"].tolist() == ["62.01", "62.02", "62.03", "62.04"]
    assert joined["level"].tolist() == ["rendah", "tinggi", "rendah", "tidak_ada_data"]
    assert joined["fill"].tolist() == ["#fdae61", "#1a9641", "#fdae61", "#d9d9d9"]
    assert joined["rank"].tolist()[:3] == [2, 1, 2]  # ties share a rank
    assert pd.isna(joined["rank"].iloc[3])
    np.testing.assert_allclose(joined["gap_pct"].to_numpy(dtype=float), [-19.7, np.nan, 1.3, np.nan])
    np.testing.assert_allclose(joined["attainment_pct"].to_numpy(dtype=float), [67.7, np.nan, 103.2, np.nan])
    assert (joined["period"] == "2025-10").all()


def test_records_for_unknown_codes_are_not_drawn():
    joined = join_coverage(districts(), records([("99.99", 50.0, None)]), "2025-10", SCHEME)
    assert (joined["level"] == "tidak_ada_data").all()


def test_duplicate_records_refuse_to_join():
    with pytest.raises(JoinError, match="62.01"):
        join_coverage(districts(), records([("62.01", 40.0, None), ("62.01", 41.0, None)]), "2025-10", SCHEME)
