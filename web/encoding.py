"""Response bodies stored as sent: identity, brotli and gzip made once per cache entry, chosen per request by
Accept-Encoding, with an ETag and 304s; Flask-Compress leaves them alone.

Measured on the 1.7 MB full-area map page (2-core machine): gzip 6 = 400 KB in 62 ms, brotli 5 = 352 KB in
36 ms, brotli 11 = 243 KB in 3.3 s. Pages and JSON made on a request use brotli 5 and gzip 6 (about 100 ms
once per view); our CSS/JS and Leaflet, compressed once per process, use brotli 11 and gzip 9.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass

import brotli
import flask_compress
from flask import Response, request

COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/geo+json",
    "application/javascript",
    "image/svg+xml",
)
MIN_SIZE = 500  # below this the headers outweigh what compression saves
REQUEST_LEVELS = (5, 6)  # brotli quality, gzip level: bodies made while a request waits
ASSET_LEVELS = (11, 9)  # bodies compressed once per process (assets)


@dataclass(frozen=True)
class StoredBody:
    """A body as sent: its bytes, brotli and gzip forms (None when they would not be smaller), ETag and type.

    `script_hashes` are the CSP sources of a cached page's inline scripts (web.security); None for other bodies.
    """

    identity: bytes
    br: bytes | None
    gzip: bytes | None
    etag: str
    mimetype: str
    script_hashes: tuple[str, ...] | None = None

    @property
    def size(self) -> int:
        """Bytes held by this entry (what the cache counts)."""
        return len(self.identity) + len(self.br or b"") + len(self.gzip or b"")


def _smaller(compressed: bytes, original: bytes) -> bytes | None:
    return compressed if len(compressed) < len(original) * 0.95 else None


def store_body(
    body: str | bytes,
    mimetype: str,
    script_hashes: tuple[str, ...] | None = None,
    levels: tuple[int, int] = REQUEST_LEVELS,
) -> StoredBody:
    """Compress a body once in both encodings (text types only; PNG, PDF and PPTX are compressed already)."""
    data = body.encode() if isinstance(body, str) else body
    etag = hashlib.sha256(data).hexdigest()[:32]
    br = gz = None
    if len(data) >= MIN_SIZE and mimetype.startswith(COMPRESSIBLE):
        br = _smaller(brotli.compress(data, quality=levels[0]), data)
        gz = _smaller(gzip.compress(data, compresslevel=levels[1], mtime=0), data)
    return StoredBody(data, br, gz, etag, mimetype, script_hashes)


def chosen_encoding(stored: StoredBody) -> str:
    """'br', 'gzip' or 'identity': the smallest form the client takes (brotli on a tie of preference)."""
    accepted = request.accept_encodings
    br, gz = accepted["br"], accepted["gzip"]
    if stored.br is not None and br > 0 and br >= gz:
        return "br"
    if stored.gzip is not None and gz > 0:
        return "gzip"
    if stored.br is not None and br > 0:
        return "br"
    return "identity"


def immutable_response(stored: StoredBody) -> Response:
    """A stored body at a content-hashed address (a bundle, a geometry file): another content gets another
    address, so browsers keep it for a year without asking again."""
    response = stored_response(stored)
    response.cache_control.public = True
    response.cache_control.max_age = 31_536_000
    response.cache_control.immutable = True
    return response


def stored_response(stored: StoredBody, headers: dict[str, str] | None = None) -> Response:
    """The response for a stored body: the encoding the client takes, `Vary: Accept-Encoding`, the ETag of
    that encoding (each encoding is its own representation), 304 when the client holds it already."""
    encoding = chosen_encoding(stored)
    data = {"br": stored.br, "gzip": stored.gzip}.get(encoding) or stored.identity
    response = Response(data, mimetype=stored.mimetype, headers=headers)
    if encoding != "identity":
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    response.set_etag(stored.etag if encoding == "identity" else f"{stored.etag}-{encoding}")
    if stored.script_hashes is not None:
        response.script_hashes = stored.script_hashes
    response.stored = True  # Compress below never touches it, whatever the client accepts
    return response.make_conditional(request)


class Compress(flask_compress.Compress):
    """Flask-Compress for responses made on each request; stored bodies are already in their final form."""

    def after_request(self, response: Response | None) -> Response:
        if response is not None and getattr(response, "stored", False):
            return response
        return super().after_request(response)
