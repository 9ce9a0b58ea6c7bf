"""Datasets: publishing makes a new live version in one transaction; history stays."""

import threading
from datetime import UTC, datetime

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, event, insert

from geo.saved_aliases import list_saved_aliases, remove_alias, save_alias, saved_aliases_stamp
from geo.schema import BASELINE, current_revision, head_revision, upgrade
from geo.store import (
    RECORD_COLUMNS,
    Base,
    Dataset,
    Record,
    UnknownPeriod,
    connect,
    find_live,
    live_datasets,
    publish,
    read_records,
)
from tests.databases import BOTH_DATABASES

pytestmark = BOTH_DATABASES


def records(*rows):
    return pd.DataFrame([dict(zip(RECORD_COLUMNS, row, strict=True)) for row in rows], columns=RECORD_COLUMNS)


ROW_A = ("62.11", "Pulang Pisau", 41300, 100000, 41.3, 61.0, "sumber A", "Okt 2025")
ROW_B = ("62.02", "Kotim", None, None, 28.3, None, None, None)


@pytest.fixture()
def engine(database_url):
    engine = connect(database_url)
    yield engine
    engine.dispose()


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
    assert frame.iloc[0][RECORD_COLUMNS].tolist() == list(ROW_A)
    assert frame.iloc[0]["origin_dataset_id"] == dataset.id and frame.iloc[0]["origin_version"] == 1
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


def test_long_text_is_cut_to_its_column(engine):
    long_name = "Kabupaten " + "Sangat Panjang " * 40
    row = ("62.11", long_name, None, None, 41.3, None, "s" * 5000, "tanggal " * 30)
    dataset = publish(engine, "utama", "2025-10", records(row), title="t" * 300, file_name="f" * 400)
    frame = read_records(engine, dataset.id)
    assert frame.loc[0, "input"] == long_name[:200] and len(frame.loc[0, "as_of"]) == 80
    assert frame.loc[0, "source"] == "s" * 5000  # text columns have no limit
    assert len(dataset.title) == 200


def test_migrations_build_exactly_the_models_schema(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    assert current_revision(engine) == head_revision()


@pytest.mark.parametrize("made_by", ["first release", "upload release"])
def test_a_database_from_before_migrations_is_upgraded(database_url, made_by):
    legacy = create_engine(database_url)
    if made_by == "first release":  # create_all of the datasets only; the later tables never existed
        Base.metadata.create_all(legacy, tables=[Dataset.__table__, Record.__table__])
    else:  # every baseline table
        upgrade(legacy, BASELINE)
    with legacy.begin() as connection:  # no alembic_version, and no index the baseline lacked
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        connection.exec_driver_sql("DROP INDEX IF EXISTS one_version_number")
        connection.execute(
            insert(Dataset).values(
                series="utama",
                period="2025-10",
                version=1,
                is_live=True,
                is_sample=False,
                title="lama",
                checksum="x",
                created_at=datetime.now(UTC),
            )
        )
    legacy.dispose()
    engine = connect(database_url)
    assert current_revision(engine) == head_revision()
    assert find_live(engine, "utama", "2025-10").title == "lama"  # the data stays
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_concurrent_publishes_all_land_with_one_live_version(engine):
    outcomes = []
    start = threading.Barrier(6)

    def work():
        start.wait()
        outcomes.append(publish(engine, "utama", "2032-01", records(ROW_A), title="race").version)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [1, 2, 3, 4, 5, 6]
    live = [d for d in live_datasets(engine, "utama") if d.period == "2032-01"]
    assert len(live) == 1 and live[0].version == max(outcomes)


def test_the_aliases_stamp_changes_on_every_save_and_removal(engine, database_url):
    """Save, remove alone, and remove-then-save (SQLite gives the removed newest id to the next alias)."""
    empty = saved_aliases_stamp(engine)
    save_alias(engine, "Pulpis", "Kabupaten", "62.11", "uji")
    save_alias(engine, "Pulpis Raya", "Kabupaten", "62.11", "uji")
    saved = saved_aliases_stamp(engine)
    newest = list_saved_aliases(engine)[-1].id
    remove_alias(engine, newest, "uji")
    removed = saved_aliases_stamp(engine)
    save_alias(engine, "Kotim Raya", "Kabupaten", "62.02", "uji")
    again = saved_aliases_stamp(engine)
    if database_url.startswith("sqlite"):
        assert list_saved_aliases(engine)[-1].id == newest  # the id reused: count and newest id as before
    assert len({empty, saved, removed, again}) == 4
    assert again == saved_aliases_stamp(engine)  # and stable while nothing changes


def test_the_aliases_stamp_is_one_query_reading_no_alias(engine):
    save_alias(engine, "Pulpis", "Kabupaten", "62.11", "uji")
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    saved_aliases_stamp(engine)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "count(" in selects[0].lower() and "limit" in selects[0].lower()
    assert "saved_alias.alias" not in selects[0] and "saved_alias.kode" not in selects[0]
