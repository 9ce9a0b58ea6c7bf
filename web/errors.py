"""One place turns domain errors into a status code and a message in Bahasa Indonesia (JSON for the API)."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from geo.levels import UnknownScheme
from geo.scopes import UnknownScope
from geo.store import UnknownPeriod
from web.districts import UnknownDistrict


def _answer(status: int, message: str):
    if request.path.startswith("/api/"):
        return jsonify({"error": message, "status": status}), status
    return render_template("error.html", status=status, message=message), status


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(UnknownScope)
    def unknown_scope(error: UnknownScope):
        return _answer(
            404, _("Wilayah peta '%(key)s' tidak ada. Pilihan: %(valid)s.", key=error.key, valid=", ".join(error.valid))
        )

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
        messages = {
            404: _("Halaman tidak ditemukan."),
            405: _("Metode tidak diizinkan."),
            413: _("Berkas terlalu besar."),
        }
        return _answer(error.code or 500, messages.get(error.code, error.description or ""))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Unhandled error")
        return _answer(500, _("Terjadi kesalahan di server. Coba lagi; bila berulang, hubungi admin."))
