"""Pages for editors: sign in, upload a spreadsheet, review how every row was understood, publish, restore."""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import DBAPIError

from geo.accounts import check_password, end_sessions, record_sign_in
from geo.audit import AuditFilter, AuditFilterError, audit_choices, audit_events
from geo.boundaries import published_districts, unit_names
from geo.drafts import (
    analyse_upload,
    draft_diff,
    draft_province_row_as_district,
    publish_draft,
    read_draft,
    save_draft,
    scale_draft_fractions,
    set_draft_provenance,
)
from geo.editing import RowChoice
from geo.editing import edit_row as edit_draft_row
from geo.editing import read_codes_as as read_draft_codes_as
from geo.editing import set_column as set_draft_column
from geo.history import (
    ErrorKind,
    HistoryError,
    VersionChange,
    list_versions,
    restore,
    restore_preview,
    withdraw_period,
    withdraw_preview,
)
from geo.history import compare_versions as compare
from geo.numbers import format_period as period_words
from geo.review import page_after_edit, review_page
from geo.saved_aliases import list_saved_aliases, remove_alias
from geo.store import MAIN_SERIES
from geo.uploads import CoverageFileError, ImportReport, problems_by_row
from web.auth import SessionUser, admin_required, editor_required, same_site_path
from web.csvfile import csv_response
from web.errors import history_status
from web.forms import LoginForm, UploadForm
from web.resources import current_index, get_resources
from web.security import MAX_ID

bp = Blueprint("editor", __name__)


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        engine = get_resources().engine
        account = check_password(engine, form.name.data, form.password.data)
        _audit_sign_in(engine, form.name.data, account is not None)
        if account is not None:
            login_user(SessionUser(account))
            return redirect(same_site_path(request.args.get("next")) or url_for("editor.upload"))
        flash(_("Nama akun atau kata sandi salah."))
    return render_template("login.html", form=form), (401 if request.method == "POST" else 200)


def _audit_sign_in(engine, name: str, succeeded: bool) -> None:
    """Audit the attempt; a database that cannot be written (read-only) must not stop a sign-in."""
    try:
        record_sign_in(engine, name, get_remote_address() or "", succeeded)
    except DBAPIError as error:
        current_app.logger.warning("Sign-in not audited: %s", error.orig)


@bp.post("/keluar")
def logout():
    ended_everywhere = True
    if current_user.is_authenticated:
        try:
            end_sessions(get_resources().engine, current_user.account.id)  # a copied cookie stops working too
        except DBAPIError as error:
            current_app.logger.warning("Sessions not ended in the database: %s", error.orig)
            ended_everywhere = False
    logout_user()  # this browser's session ends whatever the database says
    if not ended_everywhere:
        flash(
            _(
                "Anda sudah keluar di peramban ini. Basis data sedang hanya-baca atau tidak dapat dihubungi, jadi "
                "sesi akun ini di perangkat lain belum diakhiri: keluar lagi nanti, atau minta admin menonaktifkan "
                "lalu mengaktifkan akun."
            )
        )
        return redirect(url_for("editor.login"))  # the page that shows the message
    return redirect(url_for("maps.index"))


@bp.route("/kelola", methods=["GET", "POST"])
@editor_required
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("upload.html", form=form), (400 if request.method == "POST" else 200)
    sent = form.upload()
    resources = get_resources()
    try:
        report = analyse_upload(resources.engine, current_index(), sent)
    except CoverageFileError as error:
        flash(str(error))
        return render_template("upload.html", form=form), 400
    if report.refused:
        for problem in report.errors:
            flash(problem.message)
        return render_template("upload.html", form=form), 400
    draft = save_draft(
        resources.engine, series=MAIN_SERIES, file_name=sent.filename, actor=current_user.account.name, report=report
    )
    return redirect(url_for("editor.review", draft_id=draft))


@bp.get("/kelola/draf/<int:draft_id>")
@editor_required
def review(draft_id: int):
    try:
        draft = read_draft(get_resources().engine, draft_id)
    except HistoryError:
        abort(404)
    diff = None if draft.published_as else draft_diff(get_resources().engine, draft_id, replace=True)
    page = review_page(draft.report, request.args.get("saring"), request.args.get("halaman"))
    return render_template(
        "review.html", draft=draft, report=draft.report, problems=problems_by_row(draft.report), diff=diff, page=page
    )


def _back_to_review(draft_id: int, row: int, report: ImportReport | None = None) -> str:
    """The review page a row's form was sent from (its filter and page), anchored to the row; after an edit, the
    page the row is now on, or the row now in its place when the edit took it out of the filter."""
    wanted, page, anchor = request.form.get("saring"), request.form.get("halaman"), row
    if report is not None:
        wanted, page, anchor = page_after_edit(report, row, wanted, page)
    fragment = f"baris-{anchor}" if anchor else None
    return url_for("editor.review", draft_id=draft_id, saring=wanted or None, halaman=page or None, _anchor=fragment)


@bp.post("/kelola/draf/<int:draft_id>/baris/<int:row>")
@editor_required
def edit_row(draft_id: int, row: int):
    form = request.form
    drop = form.get("action") == "hapus"
    choice = RowChoice(row, form.get("code") or None, drop, save_alias=not drop and bool(form.get("save_alias")))
    try:
        edited = edit_draft_row(get_resources().engine, current_index(), draft_id, choice, current_user.account.name)
    except HistoryError as error:
        flash(str(error))
        return redirect(_back_to_review(draft_id, row))
    if edited.alias is not None and not edited.alias.saved:
        flash(edited.alias.refusal)
    elif edited.alias is not None:
        flash(f"'{edited.alias.text}' disimpan sebagai nama lain untuk {edited.alias.name}.")
    return redirect(_back_to_review(draft_id, row, edited.report))


@bp.post("/kelola/draf/<int:draft_id>/baris/<int:row>/kabupaten")
@editor_required
def province_row_as_district(draft_id: int, row: int):
    """'Bukan baris provinsi': the row set aside as a province row is matched as a district row instead."""
    try:
        actor = current_user.account.name
        report = draft_province_row_as_district(get_resources().engine, draft_id, row, actor, current_index())
    except HistoryError as error:
        flash(str(error))
        return redirect(_back_to_review(draft_id, row))
    return redirect(_back_to_review(draft_id, row, report))


@bp.post("/kelola/draf/<int:draft_id>/pecahan")
@editor_required
def scale_fractions(draft_id: int):
    try:
        scale_draft_fractions(get_resources().engine, draft_id, current_user.account.name)
        flash("Nilai cakupan dikalikan 100.")
    except HistoryError as error:
        flash(str(error))
    return redirect(url_for("editor.review", draft_id=draft_id))


@bp.post("/kelola/draf/<int:draft_id>/kolom/<int:column>")
@editor_required
def set_column(draft_id: int, column: int):
    """Give one column a field (or mark it not needed) and analyse the draft again with the new column map."""
    try:
        actor = current_user.account.name
        set_draft_column(get_resources().engine, current_index(), draft_id, column, request.form.get("field"), actor)
    except HistoryError as error:
        flash(str(error))
    return redirect(url_for("editor.review", draft_id=draft_id))


@bp.post("/kelola/draf/<int:draft_id>/sumber")
@editor_required
def set_source(draft_id: int):
    source, as_of, year = request.form.get("source"), request.form.get("as_of"), request.form.get("target_year")
    try:
        set_draft_provenance(get_resources().engine, draft_id, current_user.account.name, source, as_of, year)
    except HistoryError as error:
        flash(str(error))
    return redirect(url_for("editor.review", draft_id=draft_id))


@bp.post("/kelola/draf/<int:draft_id>/terbitkan")
@editor_required
def publish(draft_id: int):
    try:
        replace = request.form.get("replace") == "1"
        info = publish_draft(get_resources().engine, draft_id, current_user.account.name, replace=replace)
    except HistoryError as error:
        flash(str(error))
        return redirect(url_for("editor.review", draft_id=draft_id))
    resources = get_resources()
    shown = published_districts(resources.engine, resources.boundaries, info.id)
    flash(
        _(
            "Tayang di peta: periode %(period)s, versi %(v)s, %(n)s wilayah dengan angka.",
            period=_period_in_words(info.period),
            v=info.version,
            n=shown,
        )
    )
    return redirect(url_for("editor.compare_versions", ke=info.id))


@bp.get("/kelola/riwayat")
@editor_required
def history():
    return render_template("history.html", versions=list_versions(get_resources().engine))


def _period_in_words(period: str) -> str:
    return period_words(period, str(get_locale()))


def _confirm_page(change: VersionChange, action: str, question: str, button: str):
    return render_template(
        "confirm.html",
        change=change,
        names=unit_names(get_resources().boundaries),
        action=action,
        question=question,
        button=button,
    )


@bp.get("/kelola/riwayat/<int:dataset_id>/pulihkan")
@editor_required
def confirm_restore(dataset_id: int):
    """Say what restoring would put on the map (and take off it) before anything changes."""
    try:
        change = restore_preview(get_resources().engine, dataset_id)
    except HistoryError:
        abort(404)
    question = _(
        "Tayangkan lagi versi %(v)s periode %(period)s?", v=change.after.version, period=_period_in_words(change.period)
    )
    return _confirm_page(change, url_for("editor.restore_version", dataset_id=dataset_id), question, _("Pulihkan"))


@bp.post("/kelola/riwayat/<int:dataset_id>/pulihkan")
@editor_required
def restore_version(dataset_id: int):
    try:
        info = restore(get_resources().engine, dataset_id, current_user.account.name)
    except HistoryError:
        abort(404)
    flash(_("Versi %(v)s periode %(period)s kembali ditayangkan.", v=info.version, period=info.period))
    return redirect(url_for("editor.history"))


@bp.get("/kelola/riwayat/<series>/<period>/tarik")
@editor_required
def confirm_withdraw(series: str, period: str):
    """Say which districts and figures leave the map before the period is withdrawn."""
    try:
        change = withdraw_preview(get_resources().engine, series, period)
    except HistoryError as error:
        flash(str(error))
        return redirect(url_for("editor.history"))
    question = _("Tarik periode %(period)s dari peta?", period=_period_in_words(period))
    action = url_for("editor.withdraw", series=series, period=period)
    return _confirm_page(change, action, question, _("Tarik periode"))


@bp.post("/kelola/riwayat/<series>/<period>/tarik")
@editor_required
def withdraw(series: str, period: str):
    try:
        info = withdraw_period(get_resources().engine, series, period, current_user.account.name)
    except HistoryError as error:
        flash(str(error))
        return redirect(url_for("editor.history"))
    flash(
        _(
            "Periode %(period)s ditarik dari peta (versi %(v)s tetap di riwayat dan bisa dipulihkan).",
            period=info.period,
            v=info.version,
        )
    )
    return redirect(url_for("editor.history"))


@bp.get("/kelola/riwayat/beda")
@editor_required
def compare_versions():
    """The difference between two versions (`dari`, `ke`); without `dari`, the version before `ke`."""
    engine = get_resources().engine
    try:
        chosen = compare(engine, _version_id(request.args.get("dari")), _version_id(request.args.get("ke")))
    except HistoryError as error:
        abort(history_status(error), str(error))
    return render_template(
        "version_diff.html",
        change=chosen.change,
        names=unit_names(get_resources().boundaries),
        versions=list_versions(engine),
        before=chosen.before,
        after=chosen.after,
    )


def _actor() -> str:
    return current_user.account.name


def _version_id(text: str | None) -> int | None:
    if text is None or text == "":
        return None
    if not text.isdigit() or int(text) > MAX_ID:
        abort(400, _("Versi '%(v)s' bukan nomor versi; pilih versi dari daftar riwayat.", v=text[:20]))
    return int(text)


def _audit_filter() -> AuditFilter:
    args = request.args
    try:
        return AuditFilter.read(
            args.get("oleh"), args.get("aksi"), args.get("periode"), args.get("dari"), args.get("sampai")
        )
    except AuditFilterError as error:
        abort(400, str(error))


@bp.get("/kelola/audit")
@admin_required
def audit_trail():
    """Who changed what, and when: the audit trail, filterable, with a CSV of what is shown."""
    engine = get_resources().engine
    wanted = _audit_filter()
    actors, actions = audit_choices(engine)
    return render_template(
        "audit.html", events=audit_events(engine, wanted), wanted=wanted, actors=actors, actions=actions
    )


@bp.get("/kelola/audit.csv")
@admin_required
def audit_csv():
    events = audit_events(get_resources().engine, _audit_filter(), limit=100_000)
    rows = (
        [
            e.at.isoformat(timespec="seconds"),
            e.actor,
            e.action,
            e.period or "",
            json.dumps(e.detail, ensure_ascii=False),
        ]
        for e in events
    )
    return csv_response(["waktu_utc", "oleh", "aksi", "periode", "rincian"], rows, "jejak-audit.csv")


@bp.post("/kelola/draf/<int:draft_id>/kode")
@editor_required
def read_codes_as(draft_id: int):
    """Settle every row whose code two systems read differently, with the system the editor chose."""
    try:
        done = read_draft_codes_as(get_resources().engine, draft_id, request.form.get("kode") or "", _actor())
    except HistoryError as error:
        if error.kind is not ErrorKind.REFUSED:
            abort(history_status(error), str(error))
        flash(str(error))
        return redirect(url_for("editor.review", draft_id=draft_id))
    flash(f"{done.rows} baris dibaca sebagai {done.label}.")
    return redirect(url_for("editor.review", draft_id=draft_id))


@bp.get("/kelola/nama-lain")
@editor_required
def aliases():
    index = current_index()
    saved = list_saved_aliases(get_resources().engine)
    return render_template("aliases.html", aliases=saved, names=index.names, ignored=set(index.ignored_aliases))


@bp.post("/kelola/nama-lain/<int:alias_id>/hapus")
@editor_required
def remove_saved_alias(alias_id: int):
    try:
        alias = remove_alias(get_resources().engine, alias_id, current_user.account.name)
    except HistoryError:
        abort(404)
    flash(f"Nama lain '{alias.alias}' dihapus; baris berikutnya tidak lagi dicocokkan lewat nama itu.")
    return redirect(url_for("editor.aliases"))
