"""Security at the edge: response headers (CSP with nonces or hashes, framing, caching of private pages),
addresses from configuration only, and input no database can store (NUL characters, huge ids) refused."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, g, request, session
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter
from werkzeug.sansio.utils import host_is_trusted

MAX_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL (SQLite would hold 2^63 - 1)


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


HEALTH_PATH = "/health"  # answers for any Host: load balancers and health checks ask by IP address


def refuse_other_hosts() -> None:
    """With PETA_TRUSTED_HOSTS set, any other Host gets a 400 in words (upper case and a port are accepted)."""
    trusted = current_app.config.get("ANSWERED_HOSTS")
    if not trusted or request.path == HEALTH_PATH or host_is_trusted(request.host.lower(), trusted):
        return
    abort(
        400,
        _(
            "Alamat '%(host)s' tidak dilayani oleh server ini. Buka peta lewat alamat resminya: %(hosts)s.",
            host=request.host[:100],
            hosts=", ".join(trusted),
        ),
    )


MAX_TARGET = 8000  # characters of path and query (gunicorn.conf.py lets 8,190 through to the app)
MAX_HEADER = 8192  # bytes of one header (cookies included)


def refuse_oversized() -> None:
    """An address or a header too long for any page of ours: 414 / 431 in words (gunicorn's own are English)."""
    if len(request.full_path) > MAX_TARGET:
        abort(
            414,
            _(
                "Alamat terlalu panjang (lebih dari %(limit)s karakter). Buka peta dari halaman utamanya.",
                limit=MAX_TARGET,
            ),
        )
    if any(len(name) + len(value) > MAX_HEADER for name, value in request.headers.items()):
        abort(
            431,
            _("Header permintaan terlalu besar (biasanya cookie). Hapus cookie situs ini di peramban, lalu coba lagi."),
        )


def health() -> Response:
    """The process answers (for load balancers and `deploy-local`); says nothing about the data."""
    return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})


def frame_ancestors(origins: str) -> str:
    """CSP frame-ancestors value from a space- or comma-separated origin list ('*' allows any site)."""
    items = [o for o in origins.replace(",", " ").split() if o]
    return " ".join(items) if items else "'none'"


def site_address() -> str | None:
    """The site's address for addresses people copy (the embed code): PETA_PUBLIC_URL, else the first of
    PETA_TRUSTED_HOSTS (with Flask's PREFERRED_URL_SCHEME), else None: the address is not known.

    Never built from the request's Host header: pages are cached and shared between requests, so one request
    with a forged Host would otherwise put the attacker's site into the pages everyone else gets.
    """
    base = str(current_app.config["PUBLIC_URL"] or "").rstrip("/")
    if base:
        return base
    hosts = current_app.config["TRUSTED_HOSTS"] or []
    return f"{current_app.config['PREFERRED_URL_SCHEME']}://{hosts[0]}" if hosts else None


def public_url(path: str) -> str:
    """An address for people to copy: absolute from site_address(), else the path alone."""
    return (site_address() or "") + path


# Content-Security-Policy for inline scripts (ours and folium's):
# - a page rendered for this response carries a fresh nonce on its inline scripts;
# - a page served from the cache is the same bytes for everyone, so it cannot carry a per-response nonce:
#   its inline scripts are allowed by their SHA-256 hashes, computed once when the page was cached. The
#   cached bytes stay identical between responses, so their compressed form can be cached too.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def csp_nonce() -> str:
    """This response's nonce, for <script nonce="…"> in a template."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def with_nonce(html: str) -> Markup:
    """Folium's rendered header (our own code's output, not data) with the nonce on its inline scripts."""
    return Markup(re.sub(r"<script(?=[\s>])", f'<script nonce="{csp_nonce()}"', html))


NONCE_ATTRIBUTE = re.compile(r'(<script\b[^>]*?) nonce="[A-Za-z0-9_-]+"', re.IGNORECASE)


def without_nonces(html: str) -> str:
    """A page's script tags without their nonce attribute (for a page served from the cache: its hashes allow them)."""
    return NONCE_ATTRIBUTE.sub(r"\1", html)


def script_hashes(html: str) -> tuple[str, ...]:
    """CSP sources ('sha256-…') allowing exactly the inline scripts of a page."""
    digests = {hashlib.sha256(body.encode()).digest() for body in INLINE_SCRIPT.findall(html)}
    return tuple(sorted(f"'sha256-{base64.b64encode(digest).decode()}'" for digest in digests))


def tile_origin(tile_url: str) -> str:
    """The origin of a basemap tile URL template for img-src ({s} subdomains become a wildcard)."""
    if not tile_url:
        return ""
    parts = urlsplit(tile_url.replace("{s}.", "*."))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


DATA_TYPES = ("application/json", "application/geo+json", "text/csv")


def content_policy(scripts: tuple[str, ...], ancestors: str, tiles: str) -> str:
    """Scripts only from this site or carrying the response's nonce; styles may be inline (folium's are)."""
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self'", *scripts]),
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: {tiles}".strip(),
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


def register(app: Flask) -> None:
    """Add security headers to every response: CSP with a nonce, framing, caching of private pages."""
    app.add_template_global(public_url)
    app.add_template_global(site_address)
    app.add_template_global(csp_nonce)
    app.add_template_filter(with_nonce)
    first = app.before_request_funcs.setdefault(None, [])
    first[:0] = [refuse_other_hosts, refuse_oversized]  # before anything reads the request
    app.add_url_rule(HEALTH_PATH, "health", health)
    app.before_request(refuse_nul)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # A cached page says which scripts it holds; a page rendered now used this request's nonce.
        scripts = getattr(response, "script_hashes", None)
        if scripts is None:
            scripts = (f"'nonce-{g.csp_nonce}'",) if "csp_nonce" in g else ()
        if request.path.startswith("/embed/"):
            ancestors = frame_ancestors(app.config["EMBED_ORIGINS"])
        else:
            ancestors = "'none'"
            response.headers["X-Frame-Options"] = "DENY"
        if response.mimetype in DATA_TYPES:  # data, never a document: nothing may load from it (OWASP's API policy)
            response.headers["Content-Security-Policy"] = f"default-src 'none'; frame-ancestors {ancestors}"
        else:
            tiles = tile_origin(app.config["TILE_URL"])
            response.headers["Content-Security-Policy"] = content_policy(scripts, ancestors, tiles)
        if session.get("_user_id") or (request.endpoint or "").startswith("editor."):
            # Signed-in pages (and the sign-in form with its CSRF token) stay out of shared and browser caches.
            response.headers["Cache-Control"] = "private, no-store"
            response.vary.add("Cookie")
        return response
