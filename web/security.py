"""Response headers: the app refuses to be framed, except the embed pages, which configured sites may frame."""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1  # the largest id a database column holds


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: an id no database column can hold is a 400 with a message, not a database error."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ID:
            raise BadRequest(_("Nomor %(value)s terlalu besar untuk sebuah id.", value=value[:30]))
        return number


def refuse_nul() -> None:
    """Text with a NUL character cannot be stored (PostgreSQL refuses it); say so before anything is read."""
    texts = [*request.form.values(), *(f.filename or "" for f in request.files.values())]
    if any("\x00" in text for text in texts):
        abort(400, _("Isian berisi karakter NUL (kode 0). Hapus karakter itu lalu kirim lagi."))


def frame_ancestors(origins: str) -> str:
    """CSP frame-ancestors value from a space- or comma-separated origin list ('*' allows any site)."""
    items = [o for o in origins.replace(",", " ").split() if o]
    return " ".join(items) if items else "'none'"


def public_url(path: str) -> str:
    """An address for people to copy: absolute from PETA_PUBLIC_URL, else the path alone.

    Never built from the request's Host header: pages are cached and shared between requests, so one request
    with a forged Host would otherwise put the attacker's site into the pages everyone else gets.
    """
    base = str(current_app.config["PUBLIC_URL"] or "").rstrip("/")
    return base + path


def register(app: Flask) -> None:
    """Add framing and content-type headers to every response."""
    app.add_template_global(public_url)
    app.before_request(refuse_nul)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.path.startswith("/embed/"):
            ancestors = frame_ancestors(app.config["EMBED_ORIGINS"])
            response.headers["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
        else:
            response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
            response.headers["X-Frame-Options"] = "DENY"
        return response
