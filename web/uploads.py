"""The write API for scripts: upload a file as a draft, publish it, list versions, restore one.

Every route needs `Authorization: Bearer TOKEN` (`flask --app app tokens create NAME`): 401 without a valid
token, 403 for an account below editor. Nothing reaches the map until a draft without errors is published.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import wraps

from flask import Blueprint, g, jsonify, request

from geo.accounts import Account, account_for_token
from geo.audit import AuditFilter, AuditFilterError, audit_log
from geo.drafts import analyse_upload, draft_diff, publish_draft, save_draft
from geo.editing import set_columns
from geo.history import ErrorKind, HistoryError, list_versions, restore, withdraw_period
from geo.history import version_diff as diff_versions
from geo.store import MAIN_SERIES, DatasetInfo
from geo.uploads import CoverageFileError, ImportReport
from web.errors import history_status
from web.forms import UploadFieldError, api_upload
from web.resources import current_index, get_resources

bp = Blueprint("uploads", __name__, url_prefix="/api")


def _error(status: int, message: str, errors: list | None = None):
    body = {"error": message, "status": status}
    if errors is not None:
        body["errors"] = errors
    return jsonify(body), status


def requires(role: str):
    """Allow the route to accounts with at least `role`, identified by their API token."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
            account = account_for_token(get_resources().engine, token) if token else None
            if account is None:
                return _error(401, "Perlu token API yang sah: kirim 'Authorization: Bearer TOKEN'.")
            if not account.may(role):
                return _error(
                    403, f"Akun '{account.name}' ({account.role}) tidak boleh melakukan ini; perlu peran {role}."
                )
            g.account = account
            return view(*args, **kwargs)

        return checked

    return decorate


def _actor() -> str:
    account: Account = g.account
    return account.name


def _problems(report: ImportReport) -> list[dict]:
    return [asdict(problem) for problem in report.errors]


@bp.post("/uploads")
@requires("editor")
def upload():
    """Analyse an uploaded CSV/XLSX as a draft: 201 with the draft id and the match report, or 400.

    Form fields: `file`, and optionally `period` (TTTT-BB), `sheet`, `source`, `as_of` (the date of the data),
    `kode` (bps/kemendagri) and `kolom` (repeatable, `BIDANG=KOLOM`: the column map over what the header says).
    """
    resources = get_resources()
    try:
        sent = api_upload(request.files.get("file"), request.form, request.form.getlist("kolom"))
        report = analyse_upload(resources.engine, current_index(), sent)
    except UploadFieldError as error:
        return _error(400, str(error), [asdict(error.problem)])
    except CoverageFileError as error:
        return _error(400, str(error), [{"row": None, "column": None, "message": str(error), "kind": "file"}])
    if report.refused:
        return _error(400, "Periode atau tanggal data belum benar.", _problems(report))
    draft = save_draft(resources.engine, series=MAIN_SERIES, file_name=sent.filename, actor=_actor(), report=report)
    return jsonify({"id": draft, **report.to_dict()}), 201


@bp.post("/uploads/<int:draft_id>/columns")
@requires("editor")
def columns(draft_id: int):
    """Re-assign columns of a draft (`kolom`, repeatable `BIDANG=KOLOM`; `abaikan=KOLOM` for 'not needed') and
    analyse it again: 200 with the new report, 404 for no such draft, or 400."""
    lines = request.form.getlist("kolom")
    try:
        report = set_columns(get_resources().engine, current_index(), draft_id, lines, _actor())
    except HistoryError as error:
        if error.kind is ErrorKind.NOT_FOUND:
            return _error(404, str(error))
        return _error(400, str(error), [{"row": None, "column": "kolom", "message": str(error), "kind": "input"}])
    return jsonify({"id": draft_id, **report.to_dict()})


def _replace() -> bool:
    """`replace=1` makes the draft the whole period; by default it is merged into the live period."""
    return (request.values.get("replace") or "").lower() in ("1", "true", "ya")


@bp.get("/uploads/<int:draft_id>/diff")
@requires("editor")
def diff(draft_id: int):
    """What publishing the draft would change: new, changed (old → new), unchanged, removed (replace=1)."""
    try:
        result = draft_diff(get_resources().engine, draft_id, replace=_replace())
    except HistoryError as error:
        return _error(history_status(error), str(error))
    return jsonify(result.to_dict())


@bp.post("/uploads/<int:draft_id>/publish")
@requires("editor")
def publish(draft_id: int):
    try:
        info = publish_draft(get_resources().engine, draft_id, _actor(), replace=_replace())
    except HistoryError as error:
        return _error(history_status(error), str(error))
    return jsonify({"dataset_id": info.id, "period": info.period, "version": info.version}), 201


@bp.post("/periods/<period>/withdraw")
@requires("editor")
def withdraw(period: str):
    """Take a period off every map and list (it stays in history; restoring a version brings it back)."""
    series = request.values.get("series") or MAIN_SERIES
    try:
        info = withdraw_period(get_resources().engine, series, period, _actor())
    except HistoryError as error:
        return _error(history_status(error), str(error))
    return jsonify({"series": series, "period": period, "withdrawn_version": info.version, "dataset_id": info.id})


@bp.get("/datasets")
@requires("editor")
def datasets():
    return jsonify({"versions": list_versions(get_resources().engine)})


@bp.post("/datasets/<int:dataset_id>/restore")
@requires("editor")
def restore_version(dataset_id: int):
    try:
        info = restore(get_resources().engine, dataset_id, _actor())
    except HistoryError as error:
        return _error(history_status(error), str(error))
    return jsonify({"dataset_id": info.id, "period": info.period, "version": info.version, "is_live": True})


def _version_ref(info: DatasetInfo) -> dict:
    return {"dataset_id": info.id, "series": info.series, "period": info.period, "version": info.version}


@bp.get("/datasets/<int:before_id>/diff/<int:after_id>")
@requires("editor")
def version_diff(before_id: int, after_id: int):
    """The difference between two versions: `new`, `changed` (before → after coverage, fields) and `removed`."""
    try:
        change = diff_versions(get_resources().engine, before_id, after_id)
    except HistoryError as error:
        return _error(history_status(error), str(error))
    return jsonify(
        {
            "before": _version_ref(change.before),
            "after": _version_ref(change.after),
            **{kind: [asdict(c) for c in getattr(change.diff, kind)] for kind in ("new", "changed", "removed")},
            "unchanged": len(change.diff.unchanged),
        }
    )


@bp.get("/audit")
@requires("admin")
def audit():
    """The audit trail, newest first; `actor`, `action`, `period`, `since` and `until` (YYYY-MM-DD) narrow it."""
    args = request.args
    try:
        wanted = AuditFilter.read(
            args.get("actor"), args.get("action"), args.get("period"), args.get("since"), args.get("until")
        )
    except AuditFilterError as error:
        return _error(400, str(error))
    return jsonify({"events": audit_log(get_resources().engine, wanted)})
