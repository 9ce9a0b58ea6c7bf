"""Levels at every threshold edge, and schemes as data."""

import json

import numpy as np
import pandas as pd
import pytest

from app import ROOT
from geo.levels import UnknownScheme, classify, colors, get_scheme, read_schemes

SCHEMES = read_schemes(ROOT / "data" / "levels.json")


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (0.0, "sangat_rendah"),
        (19.99, "sangat_rendah"),
        (20.0, "rendah"),
        (20.01, "rendah"),
        (49.99, "rendah"),
        (50.0, "sedang"),
        (74.99, "sedang"),
        (75.0, "tinggi"),
        (100.0, "tinggi"),
        (104.2, "tinggi"),
        (np.nan, "tidak_ada_data"),
        (None, "tidak_ada_data"),
    ],
)
def test_coverage_levels_at_every_edge(value, level):
    assert classify(pd.Series([value], dtype=object), SCHEMES["cakupan"]).iloc[0] == level


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (49.9, "jauh_di_bawah"),
        (50, "di_bawah"),
        (79.9, "di_bawah"),
        (80, "mendekati"),
        (99.9, "mendekati"),
        (100, "tercapai"),
        (np.nan, "tidak_ada_data"),
    ],
)
def test_target_attainment_levels(value, level):
    assert classify(pd.Series([value]), SCHEMES["target"]).iloc[0] == level


def test_colours_run_red_to_green_with_grey_for_no_data():
    levels = pd.Series(["sangat_rendah", "rendah", "sedang", "tinggi", "tidak_ada_data"])
    assert colors(levels, SCHEMES["cakupan"]).tolist() == ["#d7191c", "#fdae61", "#a6d96a", "#1a9641", "#d9d9d9"]


def test_unknown_scheme_lists_the_valid_ones():
    with pytest.raises(UnknownScheme, match="bpu, cakupan, jakon, jalur, pembiayaan, perubahan, pmi, pu, target"):
        get_scheme(SCHEMES, "pelangi")


def test_thresholds_are_configurable_and_checked(tmp_path):
    raw = json.loads((ROOT / "data" / "levels.json").read_text())
    raw["cakupan"]["levels"][1]["min"] = 30
    (tmp_path / "levels.json").write_text(json.dumps(raw))
    scheme = read_schemes(tmp_path / "levels.json")["cakupan"]
    assert classify(pd.Series([25.0]), scheme).iloc[0] == "sangat_rendah"
    raw["cakupan"]["levels"][1]["min"] = 60  # above the next minimum (50)
    (tmp_path / "levels.json").write_text(json.dumps(raw))
    with pytest.raises(ValueError, match="minima must rise"):
        read_schemes(tmp_path / "levels.json")
