"""Coverage datasets in a SQL database (SQLite by default, any SQLAlchemy URL).

A dataset is one period (YYYY-MM) of one series ("utama" for real figures, "contoh" for the synthetic
sample). Publishing a period adds a new version and makes it the live one in a single transaction; the
older versions stay as history.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

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
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

MAIN_SERIES = "utama"
SAMPLE_SERIES = "contoh"
RECORD_COLUMNS = ["code", "input", "participants", "workers", "coverage_pct", "target_pct", "source", "as_of"]


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
    dataset: Mapped[Dataset] = relationship(back_populates="records")


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


def connect(url: str) -> Engine:
    """Create the engine and the tables if they are missing."""
    try:
        engine = create_engine(url, future=True)
        import geo.accounts  # noqa: F401 - register their tables on Base
        import geo.history  # noqa: F401

        Base.metadata.create_all(engine)
    except Exception as error:  # SQLAlchemy wraps driver errors in many classes
        raise StoreError(f"Cannot open the database {url}: {error}. Hint: check PETA_DATABASE_URL.") from error
    return engine


def _info(dataset: Dataset) -> DatasetInfo:
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
    """Hash the records' content (whatever the column types), so identical re-imports are recognisable."""
    rows = [[_canonical(row[c]) for c in RECORD_COLUMNS] for row in records.astype(object).to_dict("records")]
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


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
    if records["code"].duplicated().any():
        raise ValueError("records hold a district twice")
    with Session(engine) as session, session.begin():
        latest = session.scalar(
            select(func.max(Dataset.version)).where(Dataset.series == series, Dataset.period == period)
        )
        session.execute(
            update(Dataset)
            .where(Dataset.series == series, Dataset.period == period, Dataset.is_live)
            .values(is_live=False)
        )
        dataset = Dataset(
            series=series,
            period=period,
            version=(latest or 0) + 1,
            is_live=True,
            is_sample=is_sample,
            title=title,
            file_name=file_name,
            created_by=created_by,
            checksum=checksum_records(records),
            created_at=datetime.now(UTC),
        )
        dataset.records = [
            Record(**{c: _none_if_nan(row[c]) for c in RECORD_COLUMNS}) for row in records.to_dict("records")
        ]
        session.add(dataset)
        session.flush()
        return _info(dataset)


def live_datasets(engine: Engine, series: str | None = None) -> list[DatasetInfo]:
    """Return the live dataset of every period, newest period first."""
    query = select(Dataset).where(Dataset.is_live).order_by(Dataset.series, Dataset.period.desc())
    if series is not None:
        query = query.where(Dataset.series == series)
    with Session(engine) as session:
        return [_info(dataset) for dataset in session.scalars(query)]


def find_live(engine: Engine, series: str, period: str | None) -> DatasetInfo:
    """Return the live dataset of a period (the latest when period is None) or raise UnknownPeriod."""
    datasets = live_datasets(engine, series)
    if not datasets:
        raise UnknownPeriod(f"Belum ada data untuk seri '{series}'.")
    if period is None:
        return datasets[0]
    for dataset in datasets:
        if dataset.period == period:
            return dataset
    valid = ", ".join(d.period for d in datasets)
    raise UnknownPeriod(f"Periode '{period}' tidak ada. Periode yang tersedia: {valid}.")


def read_records(engine: Engine, dataset_id: int) -> pd.DataFrame:
    """Return a dataset's records as a frame with RECORD_COLUMNS."""
    query = select(*[getattr(Record, c) for c in RECORD_COLUMNS]).where(Record.dataset_id == dataset_id)
    with Session(engine) as session:
        rows = session.execute(query).all()
    frame = pd.DataFrame(rows, columns=RECORD_COLUMNS)
    for column in ("participants", "workers"):
        frame[column] = frame[column].astype("Int64")
    return frame
