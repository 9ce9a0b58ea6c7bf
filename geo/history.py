"""Drafts, version history, restore and the audit log, on the same database as the datasets.

A draft is an analysed upload waiting for review; publishing it adds a live version (geo.store.publish).
Restoring makes an older version of a period live again, in one transaction. Every change is audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from geo.store import (
    RECORD_COLUMNS,
    Base,
    Dataset,
    DatasetInfo,
    Record,
    add_version,
    dataset_info,
    lock_period,
    write_with_retry,
)


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


def save_draft(engine: Engine, *, series: str, period: str | None, file_name: str, actor: str, report: dict) -> int:
    """Keep an analysed upload for review; return its id."""
    with Session(engine) as session, session.begin():
        draft = Draft(
            series=series,
            period=period,
            file_name=file_name[:255],
            created_by=actor,
            created_at=datetime.now(UTC),
            report=json.dumps(report, ensure_ascii=False),
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


class SavedAlias(Base):
    """An alias an editor saved while reviewing a draft; merged with data/aliases.csv when matching."""

    __tablename__ = "saved_alias"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias: Mapped[str] = mapped_column(String(200))
    jenis: Mapped[str] = mapped_column(String(16))
    kode: Mapped[str] = mapped_column(String(5))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def records_from_report(report: dict) -> pd.DataFrame:
    """The rows a draft would publish: every matched row, as the store's record table."""
    rows = [{column: row.get(column) for column in RECORD_COLUMNS} for row in report["rows"] if row.get("code")]
    return pd.DataFrame(rows, columns=RECORD_COLUMNS)


def read_draft(engine: Engine, draft_id: int) -> dict:
    """A draft with its report, or HistoryError."""
    with Session(engine) as session:
        draft = session.get(Draft, draft_id)
        if draft is None:
            raise HistoryError(f"Draf {draft_id} tidak ada.")
        return {
            "id": draft.id,
            "series": draft.series,
            "period": draft.period,
            "file_name": draft.file_name,
            "created_by": draft.created_by,
            "created_at": draft.created_at,
            "published_as": draft.published_as,
            "report": json.loads(draft.report),
        }


DUPLICATE = "DUPLIKAT"


def _recheck(report: dict) -> dict:
    """Recompute duplicates, counts and ok after an edit (other errors stay until their row is fixed or dropped)."""
    errors = [e for e in report["errors"] if not e["message"].startswith(DUPLICATE)]
    first: dict[str, int] = {}
    for row in report["rows"]:
        if row.get("code"):
            if row["code"] in first:
                errors.append(
                    {
                        "row": row["row"],
                        "column": "wilayah",
                        "message": f"{DUPLIKAT_TEXT} baris {first[row['code']]} ({row['name']}).",
                    }
                )
            else:
                first[row["code"]] = row["row"]
    matched = sum(1 for row in report["rows"] if row.get("code"))
    report.update(
        errors=errors,
        ok=not errors and bool(report["rows"]) and report.get("period") is not None,
        summary={"rows": len(report["rows"]), "matched": matched, "unmatched": len(report["rows"]) - matched},
    )
    return report


DUPLIKAT_TEXT = f"{DUPLICATE}: satu wilayah hanya boleh satu baris; wilayah ini sudah ada di"


def edit_draft(
    engine: Engine, draft_id: int, row_number: int, actor: str, *, code: str | None = None, drop: bool = False
) -> dict:
    """Match one row by hand (to one of its suggestions) or drop it; return the updated report."""
    with Session(engine) as session, session.begin():
        draft = session.get(Draft, draft_id)
        if draft is None or draft.published_as is not None:
            raise HistoryError(f"Draf {draft_id} tidak ada atau sudah diterbitkan.")
        report = json.loads(draft.report)
        rows = {row["row"]: row for row in report["rows"]}
        if row_number not in rows:
            raise HistoryError(f"Baris {row_number} tidak ada di draf {draft_id}.")
        if drop:
            report["rows"] = [row for row in report["rows"] if row["row"] != row_number]
            report["errors"] = [e for e in report["errors"] if e["row"] != row_number]
            report["warnings"] = [w for w in report["warnings"] if w["row"] != row_number]
        else:
            row = rows[row_number]
            chosen = {s["code"]: s["name"] for s in row.get("suggestions", [])}
            if code not in chosen:
                raise HistoryError("Pilih salah satu saran untuk baris ini.")
            row.update(code=code, name=chosen[code], method="manual", suggestions=[], reason=None)
            report["errors"] = [
                e for e in report["errors"] if not (e["row"] == row_number and e["column"] in ("wilayah", "kode"))
            ]
        report = _recheck(report)
        draft.report = json.dumps(report, ensure_ascii=False)
        audit(session, actor, "drop_row" if drop else "match_row", draft=draft_id, row=row_number, code=code)
        return report


def save_alias(engine: Engine, alias: str, jenis: str, kode: str, actor: str) -> None:
    with Session(engine) as session, session.begin():
        session.add(
            SavedAlias(alias=alias[:200], jenis=jenis, kode=kode, created_by=actor, created_at=datetime.now(UTC))
        )
        audit(session, actor, "alias", alias=alias, kode=kode)


def saved_aliases(engine: Engine) -> pd.DataFrame:
    with Session(engine) as session:
        rows = session.execute(select(SavedAlias.alias, SavedAlias.jenis, SavedAlias.kode)).all()
    return pd.DataFrame(rows, columns=["alias", "jenis", "kode"]).assign(catatan="disimpan penyunting")


def saved_aliases_stamp(engine: Engine) -> tuple[int, int, int]:
    """How many aliases were saved, the newest id and a hash of them all: changes whenever any instance
    saves or removes one (a removed newest id can be reused by SQLite, so count and id alone are not enough)."""
    with Session(engine) as session:
        rows = session.execute(select(SavedAlias.id, SavedAlias.alias, SavedAlias.kode).order_by(SavedAlias.id)).all()
    return len(rows), rows[-1][0] if rows else 0, hash(tuple(tuple(row) for row in rows))


def publish_draft(engine: Engine, draft_id: int, actor: str) -> DatasetInfo:
    """Publish a draft without errors as the new live version of its period, in one transaction."""

    def work(session: Session) -> DatasetInfo:
        # Locked (on PostgreSQL) so that two clicks on Publish cannot publish one draft twice.
        draft = session.get(Draft, draft_id, with_for_update=True)
        if draft is None:
            raise HistoryError(f"Draf {draft_id} tidak ada.")
        report = json.loads(draft.report)
        if not report["ok"]:
            raise HistoryError(
                f"Draf {draft_id} masih punya {len(report['errors'])} galat; perbaiki berkasnya lalu unggah lagi."
            )
        if draft.published_as is not None:
            raise HistoryError(f"Draf {draft_id} sudah diterbitkan sebagai versi {draft.published_as}.")
        dataset = add_version(
            session,
            draft.series,
            draft.period,
            records_from_report(report),
            title=draft.file_name,
            file_name=draft.file_name,
            created_by=actor,
        )
        # The claim itself is conditional: SQLite ignores FOR UPDATE, so two publishes may both have read the
        # draft as unpublished; only one of them can change it, and the other's new version is rolled back.
        claimed = session.execute(
            update(Draft).where(Draft.id == draft_id, Draft.published_as.is_(None)).values(published_as=dataset.id)
        )
        if claimed.rowcount != 1:
            raise HistoryError(f"Draf {draft_id} sudah diterbitkan.")
        audit(
            session, actor, "publish", draft=draft_id, dataset=dataset.id, period=draft.period, version=dataset.version
        )
        return dataset_info(dataset)

    return write_with_retry(engine, work)


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

    def work(session: Session) -> DatasetInfo:
        dataset = session.get(Dataset, dataset_id)
        if dataset is None:
            raise HistoryError(f"Versi {dataset_id} tidak ada.")
        lock_period(session, dataset.series, dataset.period)
        session.execute(
            update(Dataset)
            .where(Dataset.series == dataset.series, Dataset.period == dataset.period, Dataset.is_live)
            .values(is_live=False)
        )
        session.flush()
        dataset.is_live = True
        audit(session, actor, "restore", dataset=dataset_id, period=dataset.period, version=dataset.version)
        session.flush()
        return dataset_info(dataset)

    return write_with_retry(engine, work)


def audit_log(engine: Engine, limit: int = 200) -> list[dict]:
    with Session(engine) as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)).all()
        return [
            {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "detail": json.loads(e.detail)}
            for e in events
        ]


@dataclass(frozen=True)
class SavedAliasInfo:
    """An alias saved by an editor, as listed for review and removal."""

    id: int
    alias: str
    jenis: str
    kode: str
    created_by: str
    created_at: datetime


def list_saved_aliases(engine: Engine) -> list[SavedAliasInfo]:
    """Every alias editors saved, oldest first."""
    with Session(engine) as session:
        return [
            SavedAliasInfo(a.id, a.alias, a.jenis, a.kode, a.created_by, a.created_at)
            for a in session.scalars(select(SavedAlias).order_by(SavedAlias.id))
        ]


def remove_alias(engine: Engine, alias_id: int, actor: str) -> SavedAliasInfo:
    """Delete one saved alias (audited); rows matched through it before stay as they were published."""
    with Session(engine) as session, session.begin():
        alias = session.get(SavedAlias, alias_id)
        if alias is None:
            raise HistoryError(f"Nama lain nomor {alias_id} tidak ada.")
        info = SavedAliasInfo(alias.id, alias.alias, alias.jenis, alias.kode, alias.created_by, alias.created_at)
        session.delete(alias)
        audit(session, actor, "remove_alias", alias=alias.alias, kode=alias.kode)
        return info
