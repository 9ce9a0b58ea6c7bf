"""Coverage datasets in a SQL database (SQLite by default, any SQLAlchemy URL).

A dataset is one period (YYYY-MM) of one series ("utama" for real figures, "contoh" for the synthetic
sample). Publishing a period adds a new version and makes it the live one in a single transaction; the
older versions stay as history.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

import pandas as pd
from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    create_engine,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, aliased, mapped_column, relationship

from geo.schema import upgrade
from geo.segments import SEGMENT_COLUMNS

MAIN_SERIES = "utama"
SAMPLE_SERIES = "contoh"
RECORD_COLUMNS = ["code", "input", "participants", "workers", "coverage_pct", "target_pct", "source", "as_of"]
# Every stored figure of a record: the columns above and the optional segments (geo.segments; blank = unknown).
# What a figure's coverage is a share of, when not the employed population: 'angkatan_kerja' (the labour force,
# geo.uploads.Denominator), kept with the figure as its provenance. Blank = penduduk bekerja (UCJ's definition).
DENOMINATOR = "denominator"
# The year the figure's target is for ('2026'), when the file or the editor said (geo.uploads.report.ImportReport).
TARGET_YEAR = "target_year"
STORED_COLUMNS = RECORD_COLUMNS + SEGMENT_COLUMNS + [DENOMINATOR, TARGET_YEAR]
# Where each figure came from: the dataset version that first published it and the draft (upload) it was in.
# A merge copies the untouched districts' records with their origin, so provenance survives later publishes.
ORIGIN_COLUMNS = ["origin_dataset_id", "origin_draft_id"]
PROVINCE_COLUMNS = ["code", "name", "participants", "workers", "coverage_pct", "target_pct", "source", "as_of"]
PROVINCE_COLUMNS.append(TARGET_YEAR)  # the year a province's target is for, when said (migration 0008)


class StoreError(Exception):
    """The database cannot be used; the message names the fix."""


class UnknownPeriod(LookupError):
    """No live dataset for that series and period; the message lists the valid periods."""


class Base(DeclarativeBase):
    pass


class Dataset(Base):
    __tablename__ = "dataset"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series: Mapped[str] = mapped_column(String(32), index=True)
    period: Mapped[str] = mapped_column(String(7))
    version: Mapped[int] = mapped_column(Integer)
    is_live: Mapped[bool] = mapped_column(Boolean, default=False)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str | None] = mapped_column(String(255))
    checksum: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    records: Mapped[list[Record]] = relationship(back_populates="dataset", cascade="all, delete-orphan")
    __table_args__ = (
        Index(
            "one_live_version",
            "series",
            "period",
            unique=True,
            sqlite_where=text("is_live"),
            postgresql_where=text("is_live"),
        ),
        Index("one_version_number", "series", "period", "version", unique=True),
    )


class Record(Base):
    __tablename__ = "record"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(5))
    input: Mapped[str | None] = mapped_column(String(200))
    participants: Mapped[int | None] = mapped_column(BigInteger)
    workers: Mapped[int | None] = mapped_column(BigInteger)
    coverage_pct: Mapped[float] = mapped_column(Float)
    target_pct: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(Text)
    as_of: Mapped[str | None] = mapped_column(String(80))
    origin_dataset_id: Mapped[int | None] = mapped_column(Integer)
    origin_draft_id: Mapped[int | None] = mapped_column(Integer)
    participants_pu: Mapped[int | None] = mapped_column(BigInteger)
    participants_bpu: Mapped[int | None] = mapped_column(BigInteger)
    participants_jakon: Mapped[int | None] = mapped_column(BigInteger)
    participants_pmi: Mapped[int | None] = mapped_column(BigInteger)
    vulnerable_regency: Mapped[int | None] = mapped_column(BigInteger)
    vulnerable_province: Mapped[int | None] = mapped_column(BigInteger)
    vulnerable_other: Mapped[int | None] = mapped_column(BigInteger)
    contribution_monthly: Mapped[int | None] = mapped_column(BigInteger)
    denominator: Mapped[str | None] = mapped_column(String(20))  # migration 0006_denominator
    target_year: Mapped[str | None] = mapped_column(String(4))  # migration 0007_target_year
    dataset: Mapped[Dataset] = relationship(back_populates="records")


class ProvinceFigure(Base):
    """A province's published figure for a period (e.g. the bundled data/coverage/provinsi.csv)."""

    __tablename__ = "province_figure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(7))
    code: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(100))
    participants: Mapped[int | None] = mapped_column(BigInteger)
    workers: Mapped[int | None] = mapped_column(BigInteger)
    coverage_pct: Mapped[float] = mapped_column(Float)
    target_pct: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)
    as_of: Mapped[str | None] = mapped_column(String(80))
    target_year: Mapped[str | None] = mapped_column(String(4))  # migration 0008_province_target_year
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("one_province_figure", "series", "period", "code", unique=True),)


@dataclass(frozen=True)
class DatasetInfo:
    """What the map and API need to know about the live dataset they show."""

    id: int
    series: str
    period: str
    version: int
    title: str
    is_sample: bool
    created_at: datetime


def database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgresql:// (and Heroku-style postgres://) addresses."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _shown(url: str) -> str:
    """The address without its password, for messages."""
    try:
        return make_url(database_url(url)).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an address SQLAlchemy cannot parse is shown by its scheme only
        return url.split(":", 1)[0] + ":…"


def connect(url: str) -> Engine:
    """Open the database and migrate its schema to the newest revision (geo.schema)."""
    try:
        engine = create_engine(database_url(url), future=True, pool_pre_ping=True)
        upgrade(engine)
    except Exception as error:  # SQLAlchemy and the drivers raise many classes
        raise StoreError(f"Cannot open the database {_shown(url)}: {error}. Hint: check PETA_DATABASE_URL.") from error
    return engine


def dataset_info(dataset: Dataset) -> DatasetInfo:
    return DatasetInfo(
        dataset.id,
        dataset.series,
        dataset.period,
        dataset.version,
        dataset.title,
        dataset.is_sample,
        dataset.created_at,
    )


def _none_if_nan(value: object) -> object:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def _canonical(value: object) -> object:
    if value is None or pd.isna(value):
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        return round(float(value), 6)
    return str(value)


def checksum_records(records: pd.DataFrame) -> str:
    """Hash the records' content (whatever the column types), so identical re-imports are recognisable.

    Segment, denominator and target-year columns count only when some record has one, so records without them hash
    as before.
    """
    given = [c for c in [*SEGMENT_COLUMNS, DENOMINATOR, TARGET_YEAR] if c in records and records[c].notna().any()]
    rows = [[_canonical(row[c]) for c in RECORD_COLUMNS + given] for row in records.astype(object).to_dict("records")]
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


T = TypeVar("T")
RETRIES = 10


def write_with_retry(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run `work` in one transaction; run it again when a concurrent writer got there first.

    Two publishes of one period may both read version N and both try to add N + 1 (or both a live version):
    the unique indexes refuse the second (IntegrityError), or SQLite reports its lock (OperationalError).
    The retry reads the new state, so both publishes land, one after the other.
    """
    for attempt in range(RETRIES):
        try:
            with Session(engine) as session, session.begin():
                return work(session)
        except (IntegrityError, OperationalError):
            if attempt == RETRIES - 1:
                raise
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))  # jitter, so the losers do not collide again
    raise AssertionError("unreachable")


def lock_period(session: Session, series: str, period: str) -> None:
    """Hold a lock until the transaction ends, so writers of one period queue instead of colliding, and
    whatever the transaction reads after this is what it writes on (a merge must not build on a stale version).

    PostgreSQL: an advisory lock on (series, period). SQLite: the database's write lock, taken now by a write
    that changes nothing (Python's sqlite3 runs the SELECTs before a transaction's first write outside it).
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"{series}/{period}".encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    elif dialect == "sqlite":
        session.execute(update(Dataset).where(Dataset.id == -1).values(is_live=Dataset.is_live))


def _fit(value: object, length: int | None) -> object:
    """Cut text to its column's length (PostgreSQL refuses longer text; SQLite would keep it)."""
    return value[:length] if length is not None and isinstance(value, str) else value


TEXT_LIMITS = {"input": 200, "as_of": 80}


def add_version(
    session: Session,
    series: str,
    period: str,
    records: pd.DataFrame,
    *,
    title: str,
    is_sample: bool = False,
    file_name: str | None = None,
    created_by: str | None = None,
    draft_id: int | None = None,
) -> Dataset:
    """Add records as the new live version of (series, period) in the session's transaction.

    Records without an origin (new figures) get this version and `draft_id` as their origin; records that
    carry one (copied from the live version by a merge) keep it.
    """
    if records["code"].duplicated().any():
        raise ValueError("records hold a district twice")
    lock_period(session, series, period)
    latest = session.scalar(select(func.max(Dataset.version)).where(Dataset.series == series, Dataset.period == period))
    session.execute(
        update(Dataset).where(Dataset.series == series, Dataset.period == period, Dataset.is_live).values(is_live=False)
    )
    dataset = Dataset(
        series=series,
        period=period,
        version=(latest or 0) + 1,
        is_live=True,
        is_sample=is_sample,
        title=_fit(title, 200),
        file_name=_fit(file_name, 255),
        created_by=_fit(created_by, 80),
        checksum=checksum_records(records),
        created_at=datetime.now(UTC),
    )
    session.add(dataset)
    session.flush()
    rows = [
        {"dataset_id": dataset.id}
        | {c: _fit(_none_if_nan(row[c]), TEXT_LIMITS.get(c)) for c in RECORD_COLUMNS}
        | {c: _count(row.get(c)) for c in SEGMENT_COLUMNS}
        | {DENOMINATOR: _fit(_none_if_nan(row.get(DENOMINATOR)), 20)}
        | {TARGET_YEAR: _fit(_none_if_nan(row.get(TARGET_YEAR)), 4)}
        | _origin(row, dataset.id, draft_id)
        for row in records.to_dict("records")
    ]
    if rows:
        session.execute(insert(Record), rows)  # one bulk statement, not one ORM object per district
    return dataset


def _count(value: object) -> int | None:
    value = _none_if_nan(value)
    return None if value is None or value is pd.NA else int(value)


def _origin(row: dict, dataset_id: int, draft_id: int | None) -> dict:
    kept = _none_if_nan(row.get("origin_dataset_id"))
    if kept is None:
        return {"origin_dataset_id": dataset_id, "origin_draft_id": draft_id}
    draft = _none_if_nan(row.get("origin_draft_id"))
    return {"origin_dataset_id": int(kept), "origin_draft_id": None if draft is None else int(draft)}


def publish(
    engine: Engine,
    series: str,
    period: str,
    records: pd.DataFrame,
    *,
    title: str,
    is_sample: bool = False,
    file_name: str | None = None,
    created_by: str | None = None,
) -> DatasetInfo:
    """Store records as the new live version of (series, period), all in one transaction."""

    def work(session: Session) -> DatasetInfo:
        dataset = add_version(
            session,
            series,
            period,
            records,
            title=title,
            is_sample=is_sample,
            file_name=file_name,
            created_by=created_by,
        )
        return dataset_info(dataset)

    return write_with_retry(engine, work)


def live_datasets(engine: Engine, series: str | None = None) -> list[DatasetInfo]:
    """Return the live dataset of every period, newest period first."""
    query = select(Dataset).where(Dataset.is_live).order_by(Dataset.series, Dataset.period.desc())
    if series is not None:
        query = query.where(Dataset.series == series)
    with Session(engine) as session:
        return [dataset_info(dataset) for dataset in session.scalars(query)]


def latest_version(engine: Engine, series: str, period: str) -> DatasetInfo | None:
    """The newest version of (series, period), live or not (None when the period was never published)."""
    query = (
        select(Dataset)
        .where(Dataset.series == series, Dataset.period == period)
        .order_by(Dataset.version.desc())
        .limit(1)
    )
    with Session(engine) as session:
        dataset = session.scalar(query)
        return dataset_info(dataset) if dataset is not None else None


def find_live(engine: Engine, series: str, period: str | None) -> DatasetInfo:
    """Return the live dataset of a period (the latest when period is None) or raise UnknownPeriod."""
    return pick_live(live_datasets(engine, series), series, period)


def pick_live(datasets: list[DatasetInfo], series: str, period: str | None) -> DatasetInfo:
    """The dataset of a period among one series' live datasets (newest first; the latest when period is None),
    or UnknownPeriod listing the valid periods."""
    if not datasets:
        raise UnknownPeriod(f"Belum ada data untuk seri '{series}'.")
    if period is None:
        return datasets[0]
    for dataset in datasets:
        if dataset.period == period:
            return dataset
    valid = ", ".join(d.period for d in datasets)
    raise UnknownPeriod(f"Periode '{period}' tidak ada. Periode yang tersedia: {valid}.")


def _records_query(dataset_id: int):
    origin = aliased(Dataset)
    return (
        select(*[getattr(Record, c) for c in STORED_COLUMNS + ORIGIN_COLUMNS], origin.version)
        .outerjoin(origin, origin.id == Record.origin_dataset_id)
        .where(Record.dataset_id == dataset_id)
        .order_by(Record.id)
    )


def records_in(session: Session, dataset_id: int) -> pd.DataFrame:
    """A dataset's records read in the session's transaction (see read_records)."""
    frame = pd.DataFrame(
        session.execute(_records_query(dataset_id)).all(), columns=STORED_COLUMNS + ORIGIN_COLUMNS + ["origin_version"]
    )
    for column in ("participants", "workers", *SEGMENT_COLUMNS, *ORIGIN_COLUMNS, "origin_version"):
        frame[column] = frame[column].astype("Int64")
    return frame


def read_records(engine: Engine, dataset_id: int) -> pd.DataFrame:
    """Return a dataset's records: STORED_COLUMNS, ORIGIN_COLUMNS and the origin's version number."""
    with Session(engine) as session:
        return records_in(session, dataset_id)


def live_version(session: Session, series: str, period: str) -> Dataset | None:
    """The live version of (series, period) in the session's transaction, or None."""
    return session.scalar(select(Dataset).where(Dataset.series == series, Dataset.period == period, Dataset.is_live))


def replace_province_figures(engine: Engine, series: str, period: str, figures: pd.DataFrame) -> bool:
    """Make `figures` (PROVINCE_COLUMNS) the province figures of (series, period); False when unchanged."""
    if figures["code"].duplicated().any():
        raise ValueError("figures hold a province twice")
    wanted = figures[PROVINCE_COLUMNS].astype(object).where(figures[PROVINCE_COLUMNS].notna(), None)
    rows = [
        {c: _fit(_canonical(row[c]), {"name": 100, "as_of": 80, TARGET_YEAR: 4}.get(c)) for c in PROVINCE_COLUMNS}
        for row in wanted.to_dict("records")
    ]

    def work(session: Session) -> bool:
        lock_period(session, series, period)
        stored = read_province_figures_in(session, series, period)
        current = [
            {c: _canonical(row[c]) for c in PROVINCE_COLUMNS} for row in stored.astype(object).to_dict("records")
        ]
        if sorted(current, key=str) == sorted(rows, key=str):
            return False
        session.execute(delete(ProvinceFigure).where(ProvinceFigure.series == series, ProvinceFigure.period == period))
        now = datetime.now(UTC)
        session.execute(
            insert(ProvinceFigure), [row | {"series": series, "period": period, "created_at": now} for row in rows]
        )
        return True

    return write_with_retry(engine, work)


def read_province_figures_in(session: Session, series: str, period: str) -> pd.DataFrame:
    query = (
        select(*[getattr(ProvinceFigure, c) for c in PROVINCE_COLUMNS])
        .where(ProvinceFigure.series == series, ProvinceFigure.period == period)
        .order_by(ProvinceFigure.code)
    )
    frame = pd.DataFrame(session.execute(query).all(), columns=PROVINCE_COLUMNS)
    for column in ("participants", "workers"):
        frame[column] = frame[column].astype("Int64")
    return frame


def read_province_figures(engine: Engine, series: str, period: str) -> pd.DataFrame:
    """The published province figures of (series, period), PROVINCE_COLUMNS (empty when there are none)."""
    with Session(engine) as session:
        return read_province_figures_in(session, series, period)
