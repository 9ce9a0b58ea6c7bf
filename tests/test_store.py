"""Datasets: publishing makes a new live version in one transaction; history stays."""

import pandas as pd
import pytest

from geo.store import RECORD_COLUMNS, UnknownPeriod, connect, find_live, live_datasets, publish, read_records


def records(*rows):
    return pd.DataFrame([dict(zip(RECORD_COLUMNS, row, strict=True)) for row in rows], columns=RECORD_COLUMNS)


ROW_A = ("62.11", "Pulang Pisau", 41300, 100000, 41.3, 61.0, "sumber A", "Okt 2025")
ROW_B = ("62.02", "Kotim", None, None, 28.3, None, None, None)


@pytest.fixture()
def engine(tmp_path):
    return connect(f"sqlite:///{tmp_path / 'store.sqlite'}")


def test_publish_replaces_the_period_and_keeps_history(engine):
    first = publish(engine, "utama", "2025-10", records(ROW_A), title="v1")
    second = publish(engine, "utama", "2025-10", records(ROW_A, ROW_B), title="v2")
    other = publish(engine, "utama", "2025-09", records(ROW_B), title="sept")
    assert (first.version, second.version, other.version) == (1, 2, 1)
    assert [d.period for d in live_datasets(engine, "utama")] == ["2025-10", "2025-09"]
    assert find_live(engine, "utama", None).id == second.id
    assert read_records(engine, second.id)["code"].tolist() == ["62.11", "62.02"]
    assert len(read_records(engine, first.id)) == 1  # the old version is still there


def test_records_round_trip(engine):
    dataset = publish(engine, "utama", "2025-10", records(ROW_A, ROW_B), title="t")
    frame = read_records(engine, dataset.id)
    assert frame.iloc[0].tolist() == list(ROW_A)
    assert pd.isna(frame.iloc[1]["participants"])


def test_failed_publish_changes_nothing(engine):
    good = publish(engine, "utama", "2025-10", records(ROW_A), title="good")
    bad = records(ROW_A, ("62.02", "x", None, None, "not a number", None, None, None))
    with pytest.raises(Exception):  # noqa: B017 - the driver's error type varies by database
        publish(engine, "utama", "2025-10", bad.astype(object).assign(coverage_pct=[41.3, object()]), title="bad")
    assert find_live(engine, "utama", "2025-10").id == good.id
    assert len(live_datasets(engine)) == 1


def test_duplicate_districts_are_refused(engine):
    with pytest.raises(ValueError, match="twice"):
        publish(engine, "utama", "2025-10", records(ROW_A, ROW_A), title="dup")


def test_unknown_period_lists_the_valid_ones(engine):
    publish(engine, "utama", "2025-10", records(ROW_A), title="t")
    with pytest.raises(UnknownPeriod, match="2025-10"):
        find_live(engine, "utama", "2024-01")
    with pytest.raises(UnknownPeriod):
        find_live(engine, "contoh", None)
