"""The editor's forms (Flask-WTF): sign-in and upload, checked with the same rules as the API and CLI; and the API's
upload fields read into an Upload (api_upload) by those rules, refused with the field at fault."""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import FileStorage
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from geo.codes import BPS, CODE_SYSTEMS, KEMENDAGRI
from geo.drafts import Upload
from geo.uploads import ColumnChoiceError, Kind, Problem, check_as_of, check_period, parse_choices


class LoginForm(FlaskForm):
    name = StringField("Nama akun", validators=[DataRequired()])
    password = PasswordField("Kata sandi", validators=[DataRequired()])


def _checked_by(check):
    """A WTForms validator from one of geo.uploads' checks, so the form refuses what the API and CLI refuse."""

    def validate(form, field) -> None:
        if field.data and field.data.strip():
            try:
                field.data = check(field.data)
            except ValueError as error:
                raise ValidationError(str(error)) from error

    return validate


class UploadForm(FlaskForm):
    file = FileField("Berkas CSV atau XLSX", validators=[FileRequired("Pilih berkas dulu.")])
    period = StringField("Periode (TTTT-BB)", validators=[Optional(), _checked_by(check_period)])
    source = StringField(
        "Sumber data (mis. BPJS Ketenagakerjaan Kanwil Kalimantan)", validators=[Optional(), Length(max=500)]
    )
    as_of = StringField("Tanggal data (mis. 2025-10-31)", validators=[Optional(), _checked_by(check_as_of)])
    sheet = StringField("Lembar XLSX (nama atau nomor; kosongkan untuk tabel pertama)", validators=[Optional()])
    kode = SelectField(
        "Sistem kode di kolom kode",
        choices=[
            SelectChoice("", "otomatis (dari judul kolom atau kodenya)"),
            SelectChoice(BPS, "kode BPS (6211)"),
            SelectChoice(KEMENDAGRI, "kode Kemendagri (62.11)"),
        ],
        default="",
        validators=[Optional()],
    )
    kolom = TextAreaField(
        "Peta kolom (opsional, satu per baris: BIDANG=KOLOM, mis. target=Target (%))",
        validators=[Optional(), Length(max=2000)],
    )

    def validate_kolom(self, field) -> None:
        try:
            parse_choices((field.data or "").splitlines())
        except ColumnChoiceError as error:
            raise ValidationError(str(error)) from error

    def upload(self) -> Upload:
        """The file sent, with what the editor said about it (a validated form)."""
        file = self.file.data
        return Upload(
            file.read(),
            file.filename,
            self.period.data,
            self.sheet.data,
            self.source.data,
            self.as_of.data,
            code_system=self.kode.data or None,
            columns=parse_choices((self.kolom.data or "").splitlines()),
        )


class UploadFieldError(ValueError):
    """An API upload refused for one of its fields: the answer's message and the problem naming the field."""

    def __init__(self, message: str, problem: Problem) -> None:
        super().__init__(message)
        self.problem = problem


def _refuse(message: str, column: str | None, detail: str | None = None) -> UploadFieldError:
    return UploadFieldError(message, Problem(None, column, detail or message, Kind.INPUT))


def api_upload(file: FileStorage | None, fields: Mapping[str, str], kolom: list[str]) -> Upload:
    """The upload an API request sends: `file`, and the fields `period`, `sheet`, `source`, `as_of`, `kode`
    (bps/kemendagri) and the `kolom` lines (`BIDANG=KOLOM`). UploadFieldError names a field that cannot be used."""
    if file is None or not file.filename:
        raise _refuse("Kirim berkas di kolom formulir 'file' (CSV atau XLSX).", None, "Berkas belum dikirim.")
    code_system = fields.get("kode") or None
    if code_system not in (None, *CODE_SYSTEMS):
        raise _refuse(f"Kolom 'kode' harus salah satu dari: {', '.join(CODE_SYSTEMS)} (atau kosong).", "kode")
    try:
        columns = parse_choices(kolom)
    except ColumnChoiceError as error:
        raise _refuse(str(error), "kolom") from error
    return Upload(
        file.read(),
        file.filename,
        fields.get("period") or None,
        fields.get("sheet"),
        fields.get("source"),
        fields.get("as_of"),
        code_system=code_system,
        columns=columns,
    )
