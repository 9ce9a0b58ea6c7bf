"""The audit trail: every change to the data, who made it and when (uploads, edits, publishing, restores,
withdrawals, aliases, sign-ins), on the same database as the datasets, and its filters."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from geo.store import Base


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


def audit_log(engine: Engine, wanted: AuditFilter | None = None, limit: int = 200) -> list[dict]:
    """The newest audit events (narrowed by `wanted`) as JSON-ready dicts (the API)."""
    return [
        {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "detail": e.detail}
        for e in audit_events(engine, wanted or AuditFilter(), limit=limit)
    ]


class AuditFilterError(ValueError):
    """A filter of the audit trail that cannot be read (a date not written YYYY-MM-DD); the message says so."""


@dataclass(frozen=True)
class AuditEntry:
    """One audited change: who, what, when, and the details the action recorded."""

    id: int
    at: datetime
    actor: str
    action: str
    detail: dict

    @property
    def period(self) -> str | None:
        period = self.detail.get("period")
        return str(period) if period else None


@dataclass(frozen=True)
class AuditFilter:
    """Which audit events to show; every field blank shows all. Dates are days in UTC, both ends included."""

    actor: str | None = None
    action: str | None = None
    period: str | None = None
    since: date | None = None
    until: date | None = None

    @classmethod
    def read(cls, actor: str | None, action: str | None, period: str | None, since: str | None, until: str | None):
        """The filter from a form's text fields (blank = any), or AuditFilterError naming the field to fix."""
        return cls(
            (actor or "").strip() or None,
            (action or "").strip() or None,
            (period or "").strip() or None,
            _day(since, "Dari tanggal"),
            _day(until, "Sampai tanggal"),
        )


def _day(text: str | None, field: str) -> date | None:
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise AuditFilterError(
            f"{field} '{text.strip()[:40]}' tidak terbaca; tulis TTTT-BB-HH, mis. 2025-12-31."
        ) from None


def audit_events(engine: Engine, wanted: AuditFilter | None = None, limit: int = 1000) -> list[AuditEntry]:
    """The audit trail, newest first, narrowed by `wanted` (at most `limit` events)."""
    wanted = wanted or AuditFilter()
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if wanted.actor:
        query = query.where(AuditEvent.actor == wanted.actor)
    if wanted.action:
        query = query.where(AuditEvent.action == wanted.action)
    if wanted.since:
        query = query.where(AuditEvent.at >= datetime.combine(wanted.since, time.min, UTC))
    if wanted.until:
        query = query.where(AuditEvent.at < datetime.combine(wanted.until + timedelta(days=1), time.min, UTC))
    if wanted.period:
        # The period sits in the JSON detail; a LIKE narrows the rows, the parsed detail decides.
        query = query.where(AuditEvent.detail.contains(json.dumps(wanted.period)))
    with Session(engine) as session:
        entries = (AuditEntry(e.id, e.at, e.actor, e.action, json.loads(e.detail)) for e in session.scalars(query))
        return [e for e in entries if not wanted.period or e.period == wanted.period][:limit]


def audit_choices(engine: Engine) -> tuple[list[str], list[str]]:
    """Every account name and action in the audit trail, sorted: the choices of the audit screen's filters."""
    with Session(engine) as session:
        actors = session.scalars(select(AuditEvent.actor).distinct().order_by(AuditEvent.actor)).all()
        actions = session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    return list(actors), list(actions)
