"""Merging an upload into the live period, and the difference shown before publishing: data only."""

import pandas as pd
import pytest

from geo.periods import FigureChange, diff_records, merge_records
from geo.store import ORIGIN_COLUMNS, RECORD_COLUMNS


def records(*rows, origin=None):
    frame = pd.DataFrame([dict(zip(RECORD_COLUMNS, row, strict=True)) for row in rows], columns=RECORD_COLUMNS)
    if origin is not None:
        frame["origin_dataset_id"], frame["origin_draft_id"] = origin
    return frame


LIVE = records(
    ("62.11", "Pulang Pisau", 41_300, 100_000, 41.3, 61.0, "BPJS Kalteng", "Okt 2025"),
    ("62.02", "Kotim", None, None, 28.3, None, "BPJS Kalteng", "Okt 2025"),
    ("63.03", "Banjar", None, None, 26.1, None, "antaranews", "2025"),
    origin=(7, 3),
)
UPLOAD = records(
    ("62.11", "PULANG PISAU", 45_000, 100_000, 45.0, 61.0, "BPJS Kalteng", "Des 2025"),  # changed
    ("62.02", "Kotim", None, None, 28.3, None, "BPJS Kalteng", "Okt 2025"),  # unchanged (input differs only)
    ("62.01", "Kobar", None, None, 33.0, None, "BPJS Kalteng", "Des 2025"),  # new
)


@pytest.mark.parametrize(
    ("replace", "codes", "removed"),
    [
        (False, ["63.03", "62.11", "62.02", "62.01"], []),
        (True, ["62.11", "62.02", "62.01"], [FigureChange("63.03", "Banjar", 26.1, None)]),
    ],
)
def test_merge_keeps_districts_not_in_the_file_unless_replacing(replace, codes, removed):
    merged = merge_records(LIVE, UPLOAD, replace=replace)
    assert merged["code"].tolist() == codes
    assert merged.set_index("code").at["62.11", "coverage_pct"] == 45.0
    diff = diff_records(LIVE, UPLOAD, period="2025-12", replace=replace)
    assert list(diff.removed) == removed


def test_kept_districts_keep_their_provenance_and_new_figures_have_none_yet():
    merged = merge_records(LIVE, UPLOAD, replace=False).set_index("code")
    assert merged.loc["63.03", ORIGIN_COLUMNS].tolist() == [7, 3]
    assert merged.loc["63.03", "source"] == "antaranews"
    assert merged.loc[["62.11", "62.01"], "origin_dataset_id"].isna().all()  # the new version becomes their origin


def test_diff_lists_new_changed_with_old_and_new_and_unchanged():
    diff = diff_records(LIVE, UPLOAD, period="2025-12", replace=False, live_version=4)
    assert diff.new == (FigureChange("62.01", "Kobar", None, 33.0),)
    assert diff.changed == (
        FigureChange("62.11", "PULANG PISAU", 41.3, 45.0, ("participants", "coverage_pct", "as_of")),
    )
    assert [c.code for c in diff.unchanged] == ["62.02"]
    assert diff.removed == () and diff.live_version == 4
    assert diff.to_dict()["changed"][0]["before"] == 41.3


def test_a_source_change_alone_is_a_change():
    upload = records(("63.03", "Banjar", None, None, 26.1, None, "BPJS Kalsel", "2025"))
    assert diff_records(LIVE, upload, period="2025-12", replace=False).changed[0].fields == ("source",)


def test_a_period_not_yet_live_is_all_new():
    diff = diff_records(None, UPLOAD, period="2025-12", replace=True)
    assert [c.code for c in diff.new] == ["62.01", "62.02", "62.11"] and diff.removed == ()
    assert merge_records(None, UPLOAD, replace=False)["code"].tolist() == UPLOAD["code"].tolist()
