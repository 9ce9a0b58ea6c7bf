"""Drafts: an analysed upload kept for review, edited by editors, then published as a live version.

Publishing merges the draft into its period (geo.history.merge_version) and claims the draft in one transaction,
so a draft is published once. Every change is audited (geo.audit).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from geo.audit import audit
from geo.district_index import DistrictIndex
from geo.history import HistoryError, NotFound, merge_version
from geo.periods import PeriodDiff, diff_records
from geo.store import (
    MAIN_SERIES,
    STORED_COLUMNS,
    Base,
    DatasetInfo,
    dataset_info,
    live_datasets,
    live_version,
    read_records,
    records_in,
    write_with_retry,
)
from geo.uploads import (
    FIELD_LABELS,
    CoverageFileError,
    ImportReport,
    Kind,
    ReportEditError,
    analyse_file,
    drop_row,
    match_row,
    province_row_as_district,
    remap_columns,
    scale_fractions,
    set_provenance,
    validate_report,
)


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


@dataclass(frozen=True)
class Upload:
    """A file as sent, with what the sender said about it (form, API or CLI)."""

    data: bytes
    filename: str
    period: str | None = None
    sheet: str | None = None
    source: str | None = None
    as_of: str | None = None
    code_system: str | None = None  # bps/kemendagri: what a bare code column holds, when the sender says so
    # The sender's column map over what was recognised: (field or None for 'not needed', column as written).
    columns: tuple[tuple[str | None, str], ...] = ()


def analyse_upload(engine: Engine, index: DistrictIndex, upload: Upload, series: str = MAIN_SERIES) -> ImportReport:
    """Analyse an upload into a typed draft, checked for jumps from the series' latest earlier live period."""
    report = analyse_file(
        upload.data,
        upload.filename,
        index,
        upload.period,
        upload.sheet,
        source=upload.source,
        as_of=upload.as_of,
        code_system=upload.code_system,
        columns=upload.columns,
    )
    _previous(engine, report, series)
    return report


def _previous(engine: Engine, report: ImportReport, series: str) -> None:
    """Give the report the series' latest earlier live period, for the jump check."""
    if report.period:
        earlier = [d for d in live_datasets(engine, series) if d.period < report.period]
        if earlier:
            previous = read_records(engine, earlier[0].id).dropna(subset=["coverage_pct"])
            report.previous_period = earlier[0].period
            report.previous_coverage = {
                str(code): float(value) for code, value in zip(previous["code"], previous["coverage_pct"], strict=True)
            }
            validate_report(report)


def save_draft(engine: Engine, *, series: str, file_name: str, actor: str, report: ImportReport) -> int:
    """Keep an analysed upload for review; return its id."""
    with Session(engine) as session, session.begin():
        draft = Draft(
            series=series,
            period=report.period,
            file_name=file_name[:255],
            created_by=actor,
            created_at=datetime.now(UTC),
            report=json.dumps(report.to_stored(), ensure_ascii=False),
        )
        session.add(draft)
        session.flush()
        audit(
            session,
            actor,
            "upload",
            draft=draft.id,
            file=file_name,
            period=report.period,
            source=report.source,
            **report.summary(),
            errors=len(report.errors),
        )
        return draft.id


def records_from_report(report: ImportReport) -> pd.DataFrame:
    """The rows a draft would publish: every matched row as the store's record table (STORED_COLUMNS, segments
    blank where the file has none), each with its own source and date (the row's `sumber`/`tanggal` cell, else
    the upload's)."""
    return report.records()[STORED_COLUMNS]


@dataclass(frozen=True)
class DraftView:
    """A stored draft with its typed report."""

    id: int
    series: str
    period: str | None
    file_name: str
    created_by: str
    created_at: datetime
    published_as: int | None
    report: ImportReport


def read_draft(engine: Engine, draft_id: int) -> DraftView:
    """A draft with its report, or HistoryError."""
    with Session(engine) as session:
        draft = session.get(Draft, draft_id)
        if draft is None:
            raise NotFound(f"Draf {draft_id} tidak ada.")
        return DraftView(
            id=draft.id,
            series=draft.series,
            period=draft.period,
            file_name=draft.file_name,
            created_by=draft.created_by,
            created_at=draft.created_at,
            published_as=draft.published_as,
            report=ImportReport.from_dict(json.loads(draft.report)),
        )


@dataclass(frozen=True)
class Edited:
    """What an edit that decides on the draft it reads returns: the new report, and what the audit records of
    the decision beyond the call's own detail (the rows it matched, say)."""

    report: ImportReport
    detail: dict[str, object]


def apply_edit(
    engine: Engine, draft_id: int, actor: str, action: str, change: Callable[[ImportReport], object], **detail: object
) -> ImportReport:
    """Apply one edit to an unpublished draft, read and written once under its lock (the edit validates the
    report again), and audit it. `change` edits the report in place or returns a new one (or an Edited)."""
    with Session(engine) as session, session.begin():
        draft = session.get(Draft, draft_id, with_for_update=True)
        if draft is None:
            raise NotFound(f"Draf {draft_id} tidak ada atau sudah diterbitkan.")
        if draft.published_as is not None:
            raise HistoryError(f"Draf {draft_id} tidak ada atau sudah diterbitkan.")
        report = ImportReport.from_dict(json.loads(draft.report))
        try:
            changed = change(report)
        except (ReportEditError, ValueError, CoverageFileError) as error:
            raise HistoryError(str(error)) from error
        if isinstance(changed, Edited):
            report, detail = changed.report, detail | changed.detail
        elif isinstance(changed, ImportReport):  # an edit that analyses the draft again returns a new report
            report = changed
        draft.period = report.period
        draft.report = json.dumps(report.to_stored(), ensure_ascii=False)
        audit(session, actor, action, draft=draft_id, **detail)
        return report


def edit_draft(
    engine: Engine, draft_id: int, row_number: int, actor: str, *, code: str | None = None, drop: bool = False
) -> ImportReport:
    """Match one row by hand (to one of its suggestions) or drop it; return the updated report."""
    if drop:
        return apply_edit(engine, draft_id, actor, "drop_row", lambda r: drop_row(r, row_number), row=row_number)
    return apply_edit(
        engine, draft_id, actor, "match_row", lambda r: match_row(r, row_number, code or ""), row=row_number, code=code
    )


def draft_province_row_as_district(
    engine: Engine, draft_id: int, row_number: int, actor: str, index: DistrictIndex
) -> ImportReport:
    """Turn a row set aside as a province row back into a district row (matched by its name)."""
    return apply_edit(
        engine,
        draft_id,
        actor,
        "province_row_as_district",
        lambda r: province_row_as_district(r, row_number, index),
        row=row_number,
    )


def scale_draft_fractions(engine: Engine, draft_id: int, actor: str) -> ImportReport:
    """'Ini pecahan, kalikan 100' on a draft whose coverage was written as fractions."""
    return apply_edit(engine, draft_id, actor, "fractions", scale_fractions)


def set_draft_provenance(
    engine: Engine, draft_id: int, actor: str, source: str | None, as_of: str | None, target_year: str | None = None
) -> ImportReport:
    """Give a draft's source and date of the data (when the upload did not), and the year its targets are for."""
    return apply_edit(
        engine,
        draft_id,
        actor,
        "provenance",
        lambda r: set_provenance(r, source, as_of, target_year),
        source=source,
        as_of=as_of,
        target_year=target_year,
    )


def remap_draft(
    engine: Engine, index: DistrictIndex, draft_id: int, actor: str, choices: dict[int, str | None]
) -> ImportReport:
    """Give columns of a draft a field (or mark them not needed) and analyse the draft again with the new map.

    The upload's period, source, date and code system stay; rows dropped and rows matched by hand are dropped
    and matched again where they still can be (geo.uploads.edit.remap_columns).
    """
    with Session(engine) as session:
        draft = session.get(Draft, draft_id)
        series = draft.series if draft is not None else MAIN_SERIES

    def change(report: ImportReport) -> ImportReport:
        fresh = remap_columns(report, index, choices)
        _previous(engine, fresh, series)
        return fresh

    labels = {str(column): FIELD_LABELS.get(field) if field else None for column, field in choices.items()}
    return apply_edit(engine, draft_id, actor, "columns", change, columns=labels)


def publish_draft(engine: Engine, draft_id: int, actor: str, *, replace: bool = False) -> DatasetInfo:
    """Publish a draft without errors as the new live version of its period, in one transaction.

    By default the draft is merged into the live period (districts it leaves out keep their figures and
    provenance); `replace` makes the draft the whole period.
    """

    def work(session: Session) -> DatasetInfo:
        # Locked (on PostgreSQL) so that two clicks on Publish cannot publish one draft twice.
        draft = session.get(Draft, draft_id, with_for_update=True)
        if draft is None:
            raise NotFound(f"Draf {draft_id} tidak ada.")
        report = ImportReport.from_dict(json.loads(draft.report))
        if not report.ok:
            unsettled = sum(1 for p in report.warnings if p.kind == Kind.UNUSED_COLUMN)
            columns = f" dan {unsettled} kolom angka yang belum ditetapkan" if unsettled else ""
            raise HistoryError(
                f"Draf {draft_id} masih punya {len(report.errors)} galat{columns}; perbaiki berkasnya lalu unggah "
                "lagi, atau tetapkan kolomnya di peta kolom."
            )
        if draft.published_as is not None:
            raise HistoryError(f"Draf {draft_id} sudah diterbitkan sebagai versi {draft.published_as}.")
        dataset, diff = merge_version(
            session,
            draft.series,
            draft.period,
            records_from_report(report),
            replace=replace,
            title=None,
            file_name=draft.file_name,
            actor=actor,
            draft_id=draft_id,
        )
        # The claim itself is conditional: SQLite ignores FOR UPDATE, so two publishes may both have read the
        # draft as unpublished; only one of them can change it, and the other's new version is rolled back.
        claimed = session.execute(
            update(Draft).where(Draft.id == draft_id, Draft.published_as.is_(None)).values(published_as=dataset.id)
        )
        if claimed.rowcount != 1:
            raise HistoryError(f"Draf {draft_id} sudah diterbitkan.")
        audit(
            session,
            actor,
            "publish",
            draft=draft_id,
            dataset=dataset.id,
            period=draft.period,
            version=dataset.version,
            replace=replace,
            new=len(diff.new),
            changed=len(diff.changed),
            removed=len(diff.removed),
        )
        return dataset_info(dataset)

    return write_with_retry(engine, work)


def draft_diff(engine: Engine, draft_id: int, *, replace: bool = False) -> PeriodDiff:
    """What publishing the draft would change in its live period (see geo.periods.diff_records)."""
    with Session(engine) as session:
        draft = session.get(Draft, draft_id)
        if draft is None:
            raise NotFound(f"Draf {draft_id} tidak ada.")
        live = live_version(session, draft.series, draft.period) if draft.period else None
        current = records_in(session, live.id) if live is not None else None
        incoming = records_from_report(ImportReport.from_dict(json.loads(draft.report)))
        return diff_records(
            current,
            incoming,
            period=draft.period or "",
            replace=replace,
            live_version=live.version if live is not None else None,
        )
