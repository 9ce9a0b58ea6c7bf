"""Pages for editors: sign in, upload a spreadsheet, review how every row was understood, publish, restore."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Optional, Regexp

from geo.accounts import check_password, end_sessions
from geo.coverage import CoverageFileError
from geo.history import (
    HistoryError,
    edit_draft,
    list_versions,
    publish_draft,
    read_draft,
    restore,
    save_alias,
    save_draft,
)
from geo.matching import split_jenis
from geo.store import MAIN_SERIES
from web.auth import SessionUser, editor_required, same_site_path
from web.resources import get_resources
from web.uploads import analyse_upload

bp = Blueprint("editor", __name__)


class LoginForm(FlaskForm):
    name = StringField("Nama akun", validators=[DataRequired()])
    password = PasswordField("Kata sandi", validators=[DataRequired()])


class UploadForm(FlaskForm):
    file = FileField("Berkas CSV atau XLSX", validators=[FileRequired("Pilih berkas dulu.")])
    period = StringField(
        "Periode (TTTT-BB)", validators=[Optional(), Regexp(r"^\d{4}-\d{2}$", message="Tulis periode sebagai TTTT-BB.")]
    )
    sheet = StringField("Lembar XLSX (nama atau nomor; kosongkan untuk tabel pertama)", validators=[Optional()])


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        account = check_password(get_resources().engine, form.name.data, form.password.data)
        if account is not None:
            login_user(SessionUser(account))
            return redirect(same_site_path(request.args.get("next")) or url_for("editor.upload"))
        flash("Nama akun atau kata sandi salah.")
    return render_template("login.html", form=form), (401 if request.method == "POST" else 200)


@bp.post("/keluar")
def logout():
    if current_user.is_authenticated:
        end_sessions(get_resources().engine, current_user.account.id)  # a copied cookie stops working too
    logout_user()
    return redirect(url_for("maps.index"))


@bp.route("/kelola", methods=["GET", "POST"])
@editor_required
def upload():
    form = UploadForm()
    status = 200
    if form.validate_on_submit():
        file = form.file.data
        resources = get_resources()
        try:
            report = analyse_upload(resources, file.read(), file.filename, form.period.data or None, form.sheet.data)
        except CoverageFileError as error:
            flash(str(error))
            return render_template("upload.html", form=form), 400
        if report["period"] is None:
            for problem in report["errors"]:
                flash(problem["message"])
            return render_template("upload.html", form=form), 400
        draft = save_draft(
            resources.engine,
            series=MAIN_SERIES,
            period=report["period"],
            file_name=file.filename,
            actor=current_user.account.name,
            report=report,
        )
        return redirect(url_for("editor.review", draft_id=draft))
    if request.method == "POST":
        status = 400
    return render_template("upload.html", form=form), status


@bp.get("/kelola/draf/<int:draft_id>")
@editor_required
def review(draft_id: int):
    try:
        draft = read_draft(get_resources().engine, draft_id)
    except HistoryError:
        abort(404)
    problems: dict[int, list[dict]] = {}
    for kind, items in (("error", draft["report"]["errors"]), ("warning", draft["report"]["warnings"])):
        for item in items:
            problems.setdefault(item["row"], []).append({**item, "kind": kind})
    return render_template("review.html", draft=draft, report=draft["report"], problems=problems)


@bp.post("/kelola/draf/<int:draft_id>/baris/<int:row>")
@editor_required
def edit_row(draft_id: int, row: int):
    resources = get_resources()
    actor = current_user.account.name
    drop = request.form.get("action") == "hapus"
    code = request.form.get("code") or None
    try:
        report = edit_draft(resources.engine, draft_id, row, actor, code=code, drop=drop)
    except HistoryError as error:
        flash(str(error))
        return redirect(url_for("editor.review", draft_id=draft_id))
    if not drop and request.form.get("save_alias"):
        entry = next(r for r in report["rows"] if r["row"] == row)
        jenis = resources.boundaries.districts.set_index("kode").at[code, "jenis"]
        _, key = split_jenis(entry["input"])
        if key:
            save_alias(resources.engine, entry["input"], jenis, code, actor)
            flash(f"'{entry['input']}' disimpan sebagai nama lain untuk {entry['name']}.")
    return redirect(url_for("editor.review", draft_id=draft_id))


@bp.post("/kelola/draf/<int:draft_id>/terbitkan")
@editor_required
def publish(draft_id: int):
    try:
        info = publish_draft(get_resources().engine, draft_id, current_user.account.name)
    except HistoryError as error:
        flash(str(error))
        return redirect(url_for("editor.review", draft_id=draft_id))
    flash(f"Diterbitkan: periode {info.period}, versi {info.version}.")
    return redirect(url_for("maps.index", period=info.period))


@bp.get("/kelola/riwayat")
@editor_required
def history():
    return render_template("history.html", versions=list_versions(get_resources().engine))


@bp.post("/kelola/riwayat/<int:dataset_id>/pulihkan")
@editor_required
def restore_version(dataset_id: int):
    try:
        info = restore(get_resources().engine, dataset_id, current_user.account.name)
    except HistoryError:
        abort(404)
    flash(f"Versi {info.version} periode {info.period} kembali ditayangkan.")
    return redirect(url_for("editor.history"))
