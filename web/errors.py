"""One place turns domain errors into a status code and a message in Bahasa Indonesia (JSON for the API)."""

from __future__ import annotations

import errno

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask.globals import request_ctx
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError
from werkzeug.exceptions import HTTPException

from geo.history import ErrorKind, HistoryError
from geo.levels import UnknownScheme
from geo.query import Problem, QueryError
from geo.scopes import UnknownScope
from geo.store import UnknownPeriod
from web.history import UnknownDistrict

HISTORY_STATUS = {ErrorKind.NOT_FOUND: 404, ErrorKind.REFUSED: 400, ErrorKind.INPUT: 400}


def history_status(error: HistoryError) -> int:
    """The status answering a refused edit or a missing draft or version (geo.history.ErrorKind)."""
    return HISTORY_STATUS[error.kind]


def _answer(status: int, message: str):
    if request.path.startswith("/api/"):
        return jsonify({"error": message, "status": status}), status
    if request_ctx.url_adapter is None:
        # A Host that no URL can be built for (a label over 63 characters, a stray bracket): the error page
        # links only to paths on this site, so any name does.
        request_ctx.url_adapter = current_app.url_map.bind("localhost", script_name=request.root_path or "/")
    lang = str(get_locale()).split("_")[0]
    try:
        return render_template("error.html", status=status, message=message, lang=lang), status
    except Exception:  # the answer about an error must not be another error: the words, as plain text
        current_app.logger.exception("Error page failed")
        return Response(message + "\n", mimetype="text/plain"), status


def http_message(error: HTTPException) -> str:
    """Our words for an HTTP error; a message given with abort() is kept (Werkzeug's own are English)."""
    limit_mb = (current_app.config["MAX_CONTENT_LENGTH"] or 0) / 2**20
    messages = {
        400: _("Permintaan tidak sah. Periksa alamat atau isian formulir, lalu coba lagi."),
        401: _("Perlu masuk dulu untuk membuka halaman ini."),
        403: _("Akun Anda tidak punya izin untuk ini. Minta admin memberi peran penyunting bila perlu."),
        404: _("Halaman tidak ditemukan."),
        405: _("Metode tidak diizinkan."),
        413: _("Berkas terlalu besar.")
        + " "
        + _(
            "Paling besar %(limit)s MB. Simpan hanya tabel cakupan, lalu unggah lagi.",
            limit=f"{limit_mb:g}".replace(".", ","),
        ),
        429: _("Terlalu banyak permintaan. Tunggu sebentar, lalu coba lagi."),
        503: _("Layanan sedang tidak tersedia. Coba lagi sebentar lagi."),
    }
    own = error.description and error.description != type(error).description
    if isinstance(error, CSRFError):
        return _("Formulir ini kedaluwarsa atau tidak sah (token CSRF). Muat ulang halaman, lalu kirim lagi.")
    if own and error.code not in (404, 405, 413):
        return error.description
    return messages.get(error.code, error.description or "")


def field_label(field: str) -> str:
    """What a query field is called in a message."""
    labels = {
        "scope": _("Wilayah peta"),
        "series": _("Seri data"),
        "period": _("Periode"),
        "compare": _("Periode pembanding"),
        "view": _("Tampilan peta"),
        "layer": _("Lapisan"),
        "palette": _("Palet"),
        "lang": _("Bahasa"),
        "segment": _("Segmen"),
    }
    return labels.get(field, field)


def query_problem(error: QueryError) -> tuple[int, str]:
    """Status and message for a query value: 400 for a value that is not a choice or not in form, 404 for a
    map or period that is not there; the message names the field, the value (cut short) and the choices."""
    status = 404 if error.problem is Problem.NOT_FOUND else 400
    label, value = field_label(error.field), error.shown_value
    if error.problem is Problem.MALFORMED:
        return status, _("%(field)s '%(value)s' tidak berbentuk TTTT-BB (mis. 2025-10).", field=label, value=value)
    if not error.choices:
        return status, _("Belum ada data untuk seri ini. Pilih seri lain, atau minta penyunting mengunggah data.")
    return status, _(
        "%(field)s '%(value)s' tidak ada. Pilihan: %(choices)s.",
        field=label,
        value=value,
        choices=", ".join(error.choices),
    )


READ_ONLY_STATES = {"25006"}  # PostgreSQL: read_only_sql_transaction
DISK_FULL_STATES = {"53100"}  # PostgreSQL: disk_full


def disk_full_message() -> str:
    return _(
        "Disk server penuh, jadi perubahan tidak dapat disimpan. Peta tetap bisa dilihat. Minta admin "
        "mengosongkan ruang disk server (atau basis data), lalu coba lagi."
    )


def database_problem(error: DBAPIError) -> tuple[int, str]:
    """Status and message for a database error, naming the cause: read-only, bad input, or unreachable."""
    state = getattr(error.orig, "sqlstate", None)
    text = str(error.orig).lower()
    if state in DISK_FULL_STATES or "disk is full" in text or "no space left" in text:
        return 507, disk_full_message()
    if state in READ_ONLY_STATES or "readonly database" in text or "read-only" in text:
        return 503, _(
            "Basis data sedang hanya-baca (read-only), jadi perubahan tidak dapat disimpan. Peta tetap bisa "
            "dilihat. Minta admin memeriksa izin tulis berkas basis data atau server PostgreSQL."
        )
    if isinstance(error, DataError):
        return 400, _("Data yang dikirim tidak dapat disimpan (isi atau ukurannya tidak sah). Periksa lalu kirim lagi.")
    return 503, _(
        "Basis data tidak dapat dihubungi saat ini. Peta yang sudah pernah dibuka tetap tampil; coba lagi "
        "sebentar lagi, atau hubungi admin bila berlanjut."
    )


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        app.logger.warning("Database error: %s", error.orig)
        status, message = database_problem(error)
        return _answer(status, message)

    @app.errorhandler(QueryError)
    def bad_query(error: QueryError):
        return _answer(*query_problem(error))

    @app.errorhandler(UnknownScope)
    def unknown_scope(error: UnknownScope):
        return _answer(*query_problem(QueryError("scope", error.key, tuple(error.valid), Problem.NOT_FOUND)))

    @app.errorhandler(UnknownPeriod)
    def unknown_period(error: UnknownPeriod):
        return _answer(404, str(error))

    @app.errorhandler(UnknownDistrict)
    def unknown_district(error: UnknownDistrict):
        return _answer(404, str(error))

    @app.errorhandler(UnknownScheme)
    def unknown_scheme(error: UnknownScheme):
        return _answer(404, _("Tampilan peta tidak dikenal. %(detail)s", detail=error.args[0]))

    @app.errorhandler(RateLimitExceeded)
    def too_many(error: RateLimitExceeded):
        minutes = max(1, round(error.limit.limit.get_expiry() / 60))
        response = _answer(
            429,
            _("Terlalu banyak percobaan masuk. Tunggu %(minutes)s menit, lalu coba lagi.", minutes=minutes),
        )
        return response[0], 429, {"Retry-After": str(minutes * 60)}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        body, status = _answer(error.code or 500, http_message(error))
        retry = [value for name, value in error.get_headers() if name == "Retry-After"]  # 503 when busy
        return body, status, {"Retry-After": retry[0]} if retry else {}

    @app.errorhandler(OSError)
    def system_error(error: OSError):
        if error.errno == errno.ENOSPC:
            app.logger.warning("Disk full: %s", error)
            return _answer(507, disk_full_message())
        return unexpected(error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Unhandled error")
        return _answer(500, _("Terjadi kesalahan di server. Coba lagi; bila berulang, hubungi admin."))
