"""The write API for scripts: upload a file as a draft, publish it, list versions, restore one.

Every route needs `Authorization: Bearer TOKEN` (`flask --app app tokens create NAME`): 401 without a valid
token, 403 for an account below editor. Nothing reaches the map until a draft without errors is published.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, g, jsonify, request

from geo.accounts import Account, account_for_token
from geo.codes import CODE_SYSTEMS
from geo.coverage import CoverageFileError, analyse_file, jump_warnings
from geo.history import HistoryError, audit_log, list_versions, publish_draft, restore, save_draft
from geo.store import MAIN_SERIES, live_datasets, read_records
from web.resources import Resources, current_index, get_resources

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


def analyse_upload(
    resources: Resources,
    data: bytes,
    filename: str,
    period: str | None,
    sheet: str | None,
    code_system: str | None = None,
) -> dict:
    """Analyse an uploaded file into a report dict, with warnings for big jumps from the previous period."""
    report = analyse_file(data, filename, current_index(), period, sheet, code_system).to_dict()
    if report["period"]:
        earlier = [d for d in live_datasets(resources.engine, MAIN_SERIES) if d.period < report["period"]]
        if earlier:
            previous = read_records(resources.engine, earlier[0].id)
            report["warnings"] += jump_warnings(report["rows"], previous, earlier[0].period)
    return report


@bp.post("/uploads")
@requires("editor")
def upload():
    """Analyse an uploaded CSV/XLSX as a draft: 201 with the draft id and the match report, or 400."""
    resources = get_resources()
    file = request.files.get("file")
    if file is None or not file.filename:
        return _error(
            400,
            "Kirim berkas di kolom formulir 'file' (CSV atau XLSX).",
            [{"row": None, "column": None, "message": "Berkas belum dikirim."}],
        )
    code_system = request.form.get("kode") or None
    if code_system not in (None, *CODE_SYSTEMS):
        message = f"Kolom 'kode' harus salah satu dari: {', '.join(CODE_SYSTEMS)} (atau kosong)."
        return _error(400, message, [{"row": None, "column": "kode", "message": message}])
    try:
        data = analyse_upload(
            resources,
            file.read(),
            file.filename,
            request.form.get("period") or None,
            request.form.get("sheet"),
            code_system,
        )
    except CoverageFileError as error:
        return _error(400, str(error), [{"row": None, "column": None, "message": str(error)}])
    if data["period"] is None:
        return _error(400, "Periode belum benar.", data["errors"])
    draft = save_draft(
        resources.engine,
        series=MAIN_SERIES,
        period=data["period"],
        file_name=file.filename,
        actor=_actor(),
        report=data,
    )
    return jsonify({"id": draft, **data}), 201


@bp.post("/uploads/<int:draft_id>/publish")
@requires("editor")
def publish(draft_id: int):
    try:
        info = publish_draft(get_resources().engine, draft_id, _actor())
    except HistoryError as error:
        status = 404 if "tidak ada" in str(error) else 400
        return _error(status, str(error))
    return jsonify({"dataset_id": info.id, "period": info.period, "version": info.version}), 201


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
        return _error(404, str(error))
    return jsonify({"dataset_id": info.id, "period": info.period, "version": info.version, "is_live": True})


@bp.get("/audit")
@requires("admin")
def audit():
    return jsonify({"events": audit_log(get_resources().engine)})
