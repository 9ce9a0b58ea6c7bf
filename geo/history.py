"""Drafts, version history, restore and the audit log, on the same database as the datasets.

A draft is an analysed upload waiting for review; publishing it adds a live version (geo.store.publish).
Restoring makes an older version of a period live again, in one transaction. Every change is audited.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from geo.store import RECORD_COLUMNS, Base, Dataset, DatasetInfo, Record, _info, publish


class HistoryError(LookupError):
    """A draft or version that does not exist, or cannot be published; the message says why."""


class Draft(Base):
    __tablename__ = "draft"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series: Mapped[str] = mapped_column(String(32))
    period: Mapped[str | None] = mapped_column(String(7))
    file_name: Mapped[str] = mapped_column(String(255))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    report: Mapped[str] = mapped_column(Text)  # the match report, as JSON
    records: Mapped[str] = mapped_column(Text)  # the matched rows, as JSON
    published_as: Mapped[int | None] = mapped_column(ForeignKey("dataset.id"))


class AuditEvent(Base):
    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(32))  # upload, publish, restore
    detail: Mapped[str] = mapped_column(Text)


def audit(session: Session, actor: str, action: str, **detail: object) -> None:
    session.add(
        AuditEvent(
            at=datetime.now(UTC), actor=actor, action=action, detail=json.dumps(detail, ensure_ascii=False, default=str)
        )
    )


def save_draft(
    engine: Engine, *, series: str, period: str | None, file_name: str, actor: str, report: dict, records: pd.DataFrame
) -> int:
    """Keep an analysed upload for review; return its id."""
    with Session(engine) as session, session.begin():
        draft = Draft(
            series=series,
            period=period,
            file_name=file_name[:255],
            created_by=actor,
            created_at=datetime.now(UTC),
            report=json.dumps(report, ensure_ascii=False),
            records=records.to_json(orient="records", force_ascii=False),
        )
        session.add(draft)
        session.flush()
        audit(
            session,
            actor,
            "upload",
            draft=draft.id,
            file=file_name,
            period=period,
            rows=report["summary"]["rows"],
            errors=len(report["errors"]),
        )
        return draft.id


def publish_draft(engine: Engine, draft_id: int, actor: str) -> DatasetInfo:
    """Publish a draft without errors as the new live version of its period."""
    with Session(engine) as session:
        draft = session.get(Draft, draft_id)
        if draft is None:
            raise HistoryError(f"Draf {draft_id} tidak ada.")
        report = json.loads(draft.report)
        if not report["ok"]:
            raise HistoryError(
                f"Draf {draft_id} masih punya {len(report['errors'])} galat; perbaiki berkasnya lalu unggah lagi."
            )
        if draft.published_as is not None:
            raise HistoryError(f"Draf {draft_id} sudah diterbitkan sebagai versi {draft.published_as}.")
        records = pd.DataFrame(json.loads(draft.records), columns=RECORD_COLUMNS)
        series, period, file_name = draft.series, draft.period, draft.file_name
    info = publish(engine, series, period, records, title=file_name, file_name=file_name, created_by=actor)
    with Session(engine) as session, session.begin():
        session.execute(update(Draft).where(Draft.id == draft_id).values(published_as=info.id))
        audit(session, actor, "publish", draft=draft_id, dataset=info.id, period=period, version=info.version)
    return info


def list_versions(engine: Engine) -> list[dict]:
    """Every version of every period, newest first, with who, when, file, checksum and row count."""
    with Session(engine) as session:
        counts = dict(session.execute(select(Record.dataset_id, func.count()).group_by(Record.dataset_id)).all())
        return [
            {
                "id": d.id,
                "series": d.series,
                "period": d.period,
                "version": d.version,
                "is_live": d.is_live,
                "is_sample": d.is_sample,
                "title": d.title,
                "file_name": d.file_name,
                "checksum": d.checksum,
                "created_by": d.created_by,
                "created_at": d.created_at.isoformat(),
                "rows": counts.get(d.id, 0),
            }
            for d in session.scalars(select(Dataset).order_by(Dataset.id.desc()))
        ]


def restore(engine: Engine, dataset_id: int, actor: str) -> DatasetInfo:
    """Make an older version live again for its period, in one transaction."""
    with Session(engine) as session, session.begin():
        dataset = session.get(Dataset, dataset_id)
        if dataset is None:
            raise HistoryError(f"Versi {dataset_id} tidak ada.")
        session.execute(
            update(Dataset)
            .where(Dataset.series == dataset.series, Dataset.period == dataset.period, Dataset.is_live)
            .values(is_live=False)
        )
        session.flush()
        dataset.is_live = True
        audit(session, actor, "restore", dataset=dataset_id, period=dataset.period, version=dataset.version)
        session.flush()
        return _info(dataset)


def audit_log(engine: Engine, limit: int = 200) -> list[dict]:
    with Session(engine) as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)).all()
        return [
            {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "detail": json.loads(e.detail)}
            for e in events
        ]
