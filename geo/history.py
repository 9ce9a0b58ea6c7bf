"""Drafts, version history and restore, on the same database as the datasets (the audit trail: geo.audit).

A draft is an analysed upload waiting for review; publishing it adds a live version (geo.store.publish).
Restoring makes an older version of a period live again, in one transaction. Every change is audited.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column

from geo.audit import audit
from geo.district_index import DistrictIndex
from geo.periods import PeriodDiff, diff_records, merge_records
from geo.store import (
    MAIN_SERIES,
    STORED_COLUMNS,
    Base,
    Dataset,
    DatasetInfo,
    Record,
    add_version,
    dataset_info,
    live_datasets,
    live_version,
    lock_period,
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
    credit_sources,
    drop_row,
    match_row,
    province_row_as_district,
    remap_columns,
    scale_fractions,
    set_provenance,
    validate_report,
)


class HistoryError(LookupError):
    """A draft or version that does not exist, or cannot be published; the message says why."""


class NotFound(HistoryError):
    """The draft, version, live period or alias asked for does not exist (the web layer answers 404)."""


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


# (count, newest id, newest save time) of the saved aliases: see saved_aliases_stamp.
AliasStamp = tuple[int, int, datetime | None]


class SavedAlias(Base):
    """An alias an editor saved while reviewing a draft; merged with data/aliases.csv when matching."""

    __tablename__ = "saved_alias"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias: Mapped[str] = mapped_column(String(200))
    jenis: Mapped[str] = mapped_column(String(16))
    kode: Mapped[str] = mapped_column(String(5))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


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


def _edit(
    engine: Engine, draft_id: int, actor: str, action: str, change: Callable[[ImportReport], object], **detail: object
) -> ImportReport:
    """Apply one edit to an unpublished draft (the edit validates the report again) and audit it."""
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
        if isinstance(changed, ImportReport):  # an edit that analyses the draft again returns a new report
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
        return _edit(engine, draft_id, actor, "drop_row", lambda r: drop_row(r, row_number), row=row_number)
    return _edit(
        engine, draft_id, actor, "match_row", lambda r: match_row(r, row_number, code or ""), row=row_number, code=code
    )


def draft_province_row_as_district(
    engine: Engine, draft_id: int, row_number: int, actor: str, index: DistrictIndex
) -> ImportReport:
    """Turn a row set aside as a province row back into a district row (matched by its name)."""
    return _edit(
        engine,
        draft_id,
        actor,
        "province_row_as_district",
        lambda r: province_row_as_district(r, row_number, index),
        row=row_number,
    )


def scale_draft_fractions(engine: Engine, draft_id: int, actor: str) -> ImportReport:
    """'Ini pecahan, kalikan 100' on a draft whose coverage was written as fractions."""
    return _edit(engine, draft_id, actor, "fractions", scale_fractions)


def set_draft_provenance(
    engine: Engine, draft_id: int, actor: str, source: str | None, as_of: str | None, target_year: str | None = None
) -> ImportReport:
    """Give a draft's source and date of the data (when the upload did not), and the year its targets are for."""
    return _edit(
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
    return _edit(engine, draft_id, actor, "columns", change, columns=labels)


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


def saved_aliases_stamp(engine: Engine) -> AliasStamp:
    """How many aliases are saved, the newest id and when the alias with that id was saved, in one query that
    reads one row: it changes whenever any instance saves or removes an alias.

    A removal lowers the count. A save raises the newest id, except where SQLite gives the id of a removed newest
    alias to the next one (PostgreSQL's sequence never reuses an id): then count and id are as before the removal,
    and the newest id's save time, the new alias's, is what changes. Aliases are never edited in place. Both parts
    are cheap at any size: count(*) and the row of the highest key come from the table's b-tree (SQLite) or its
    primary key index, where max(created_at) would read every row.
    """
    # count(*) over an alias of the table: SQLite counts its b-tree only when the subquery is its own table
    count = select(func.count()).select_from(aliased(SavedAlias)).scalar_subquery()
    query = select(SavedAlias.id, SavedAlias.created_at, count).order_by(SavedAlias.id.desc()).limit(1)
    with Session(engine) as session:
        newest = session.execute(query).first()
    return (newest[2], newest[0], newest[1]) if newest is not None else (0, 0, None)


def merge_version(
    session: Session,
    series: str,
    period: str,
    incoming: pd.DataFrame,
    *,
    replace: bool,
    title: str | None,
    file_name: str | None,
    actor: str,
    draft_id: int | None = None,
) -> tuple[Dataset, PeriodDiff]:
    """Add a version of (series, period): `incoming` merged into the live version, or replacing it. Without a
    title, the version is credited to the sources of its merged figures (geo.uploads.report.credit_sources)."""
    # Read the live version after taking the period's lock, in this transaction: a merge racing another
    # publish of the period either sees its version or fails on the version number and is retried.
    lock_period(session, series, period)
    live = live_version(session, series, period)
    current = records_in(session, live.id) if live is not None else None
    diff = diff_records(
        current, incoming, period=period, replace=replace, live_version=live.version if live is not None else None
    )
    merged = merge_records(current, incoming, replace=replace)
    dataset = add_version(
        session,
        series,
        period,
        merged,
        title=title or credit_sources(merged["source"]) or "tanpa sumber",
        file_name=file_name,
        created_by=actor,
        draft_id=draft_id,
    )
    return dataset, diff


def publish_records(
    engine: Engine, series: str, period: str, records: pd.DataFrame, *, replace: bool, file_name: str, actor: str
) -> tuple[DatasetInfo, PeriodDiff]:
    """Publish records without a draft (the command line), merged into the live period unless `replace`."""

    def work(session: Session) -> tuple[DatasetInfo, PeriodDiff]:
        dataset, diff = merge_version(
            session, series, period, records, replace=replace, title=None, file_name=file_name, actor=actor
        )
        audit(session, actor, "publish", dataset=dataset.id, period=period, version=dataset.version, replace=replace)
        return dataset_info(dataset), diff

    return write_with_retry(engine, work)


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


def list_versions(engine: Engine) -> list[dict]:
    """Every version of every period, newest first, with who, when, file, checksum and row count."""
    with Session(engine) as session:
        counts = dict(session.execute(select(Record.dataset_id, func.count()).group_by(Record.dataset_id)).all())
        live = {tuple(row) for row in session.execute(select(Dataset.series, Dataset.period).where(Dataset.is_live))}
        return [
            {
                "id": d.id,
                "series": d.series,
                "period": d.period,
                "version": d.version,
                "is_live": d.is_live,
                "withdrawn": (d.series, d.period) not in live,  # the period has no live version
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
            raise NotFound(f"Versi {dataset_id} tidak ada.")
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


def withdraw_period(engine: Engine, series: str, period: str, actor: str) -> DatasetInfo:
    """Take a period off every map and list: no version stays live. History keeps every version, and
    restoring one makes the period live again. Returns the version that was live."""

    def work(session: Session) -> DatasetInfo:
        lock_period(session, series, period)
        live = live_version(session, series, period)
        if live is None:
            raise NotFound(f"Periode {period} (seri {series}) tidak sedang tayang; tidak ada yang ditarik.")
        live.is_live = False
        audit(session, actor, "withdraw", series=series, period=period, dataset=live.id, version=live.version)
        session.flush()
        return dataset_info(live)

    return write_with_retry(engine, work)


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
            raise NotFound(f"Nama lain nomor {alias_id} tidak ada.")
        info = SavedAliasInfo(alias.id, alias.alias, alias.jenis, alias.kode, alias.created_by, alias.created_at)
        session.delete(alias)
        audit(session, actor, "remove_alias", alias=alias.alias, kode=alias.kode)
        return info


@dataclass(frozen=True)
class VersionChange:
    """What moving from one version to another changes on the map: the two versions (None = nothing live) and
    the difference of their figures (geo.periods.diff_records, as a whole-period replace: `new` arrive,
    `changed` go old → new, `removed` leave)."""

    series: str
    period: str
    before: DatasetInfo | None
    after: DatasetInfo | None
    diff: PeriodDiff


def _diff_versions(session: Session, before: Dataset | None, after: Dataset | None) -> VersionChange:
    shown = after or before
    old = records_in(session, before.id) if before is not None else None
    new = records_in(session, after.id) if after is not None else pd.DataFrame(columns=STORED_COLUMNS)
    diff = diff_records(
        old, new, period=shown.period, replace=True, live_version=before.version if before is not None else None
    )
    return VersionChange(
        shown.series,
        shown.period,
        dataset_info(before) if before is not None else None,
        dataset_info(after) if after is not None else None,
        diff,
    )


def _dataset(session: Session, dataset_id: int) -> Dataset:
    dataset = session.get(Dataset, dataset_id)
    if dataset is None:
        raise NotFound(f"Versi {dataset_id} tidak ada.")
    return dataset


def version_diff(engine: Engine, before_id: int | None, after_id: int) -> VersionChange:
    """The difference between any two stored versions: districts new in `after_id`, changed, and removed.
    Without `before_id` (a period's first version) every district of `after_id` is new."""
    with Session(engine) as session:
        before = _dataset(session, before_id) if before_id is not None else None
        return _diff_versions(session, before, _dataset(session, after_id))


def withdraw_preview(engine: Engine, series: str, period: str) -> VersionChange:
    """What withdrawing a period would take off the map: every figure of its live version (all `removed`)."""
    with Session(engine) as session:
        live = live_version(session, series, period)
        if live is None:
            raise NotFound(f"Periode {period} (seri {series}) tidak sedang tayang; tidak ada yang ditarik.")
        return _diff_versions(session, live, None)


def restore_preview(engine: Engine, dataset_id: int) -> VersionChange:
    """What restoring a version would do: its figures replace the live version's (or return, when the period
    was withdrawn)."""
    with Session(engine) as session:
        dataset = _dataset(session, dataset_id)
        return _diff_versions(session, live_version(session, dataset.series, dataset.period), dataset)


def previous_version(engine: Engine, dataset_id: int) -> int | None:
    """The id of the version of the same period just before this one, or None for its first version."""
    with Session(engine) as session:
        dataset = _dataset(session, dataset_id)
        return session.scalar(
            select(Dataset.id)
            .where(
                Dataset.series == dataset.series, Dataset.period == dataset.period, Dataset.version < dataset.version
            )
            .order_by(Dataset.version.desc())
            .limit(1)
        )
