"""web/forms.py: the API's upload fields read into an Upload, or refused for the field at fault."""

import io

import pytest
from werkzeug.datastructures import FileStorage

from web.forms import UploadFieldError, api_upload


@pytest.mark.parametrize(
    ("file", "fields", "kolom", "message", "column"),
    [
        (None, {}, [], "Berkas belum dikirim.", None),
        (FileStorage(io.BytesIO(b""), filename=""), {}, [], "Berkas belum dikirim.", None),
        (FileStorage(io.BytesIO(b"x"), filename="a.csv"), {"kode": "bpss"}, [], "harus salah satu dari", "kode"),
        (FileStorage(io.BytesIO(b"x"), filename="a.csv"), {}, ["tanpa tanda sama dengan"], "BIDANG=KOLOM", "kolom"),
    ],
)
def test_an_api_upload_is_refused_for_the_field_at_fault(file, fields, kolom, message, column):
    with pytest.raises(UploadFieldError) as refused:
        api_upload(file, fields, kolom)
    assert refused.value.problem.column == column and message in refused.value.problem.message
    assert refused.value.problem.kind == "input"


def test_an_api_upload_keeps_what_the_sender_said():
    file = FileStorage(io.BytesIO(b"kode,cakupan\n"), filename="b.csv")
    sent = api_upload(file, {"period": "2026-01", "kode": "bps", "as_of": "2026-01-31"}, ["target=Sasaran"])
    assert (sent.data, sent.filename, sent.period, sent.as_of, sent.code_system) == (
        b"kode,cakupan\n",
        "b.csv",
        "2026-01",
        "2026-01-31",
        "bps",
    )
    assert sent.columns == (("target", "Sasaran"),) and sent.sheet is None
