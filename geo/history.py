"""Version history on the same database as the datasets: a new version merged into its period, the versions and
what moving between two changes, withdraw and restore. Drafts are in geo.drafts, saved aliases in
geo.saved_aliases, the audit trail in geo.audit.

Restoring makes an older version of a period live again, in one transaction. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from geo.audit import audit
from geo.periods import PeriodDiff, diff_records, merge_records
from geo.query import SERIES
from geo.store import (
    STORED_COLUMNS,
    Dataset,
    DatasetInfo,
    Record,
    add_version,
    dataset_info,
    live_version,
    lock_period,
    records_in,
    write_with_retry,
)
from geo.uploads import credit_sources


class ErrorKind(StrEnum):
    """What kind of refusal a HistoryError is: the web layer answers each kind its own way (web.errors)."""

    NOT_FOUND = "not_found"  # the draft, version, live period or alias does not exist: 404
    REFUSED = "refused"  # it exists, but the action does not apply to it (published, still has errors, ...): 400
    INPUT = "input"  # what was sent cannot be used (an unknown code system or series, no field chosen): 400


class HistoryError(LookupError):
    """A draft or version that does not exist, or an action on it that is refused; the message says why."""

    kind = ErrorKind.REFUSED


class NotFound(HistoryError):
    """The draft, version, live period or alias asked for does not exist (the web layer answers 404)."""

    kind = ErrorKind.NOT_FOUND


class BadInput(HistoryError):
    """What the editor sent cannot be used for the action (the form or request is at fault, not the draft)."""

    kind = ErrorKind.INPUT


def check_series(series: str) -> str:
    """The series, when it is one of geo.query.SERIES; else BadInput listing them."""
    if series not in SERIES:
        raise BadInput(f"Seri data '{series[:40]}' tidak ada. Pilihan: {', '.join(SERIES)}.")
    return series


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
    check_series(series)

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
    check_series(series)
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


@dataclass(frozen=True)
class VersionComparison:
    """Two versions compared: the ids chosen (None: none) and what moving from one to the other changes."""

    before: int | None
    after: int | None
    change: VersionChange | None  # None without an `after` version: nothing chosen to compare yet


def compare_versions(engine: Engine, before_id: int | None, after_id: int | None) -> VersionComparison:
    """The versions to compare as the editor chose them: without `before_id`, the version of the period just
    before `after_id` (none for its first version: everything is new); without `after_id`, nothing yet."""
    if after_id is None:
        return VersionComparison(before_id, None, None)
    before_id = before_id or previous_version(engine, after_id)
    return VersionComparison(before_id, after_id, version_diff(engine, before_id, after_id))
