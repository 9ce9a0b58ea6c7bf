"""The editor's forms (Flask-WTF): sign-in and upload, checked with the same rules as the API and CLI."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from geo.codes import BPS, KEMENDAGRI
from geo.drafts import Upload
from geo.uploads import ColumnChoiceError, check_as_of, check_period, parse_choices


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
