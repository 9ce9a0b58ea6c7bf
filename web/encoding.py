"""Response bodies stored as sent: identity, brotli and gzip made once per cache entry, chosen per request by
Accept-Encoding, with an ETag and 304s; Flask-Compress leaves them alone.

Pages and JSON made on a request are sent at brotli 5 and gzip 6 (a few ms), then their brotli form is made
again at quality 11 in a background thread at the lowest CPU priority (`upgrade`) and replaces the first one: the
bytes and the ETag stay the same, only the encoding shrinks. Measured on the full-area map page (130 KB raw, 2-core
machine): brotli 5 = 16,6 KB in 2 ms, brotli 11 = 13,5 KB in 177 ms; its values.json 14,6 → 11,6 KB. Our CSS/JS,
Leaflet and the geometry, compressed once per process, use brotli 11 and gzip 9 at once.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
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
BEST_BROTLI = 11  # what a request's brotli form is made again at, after the request (upgrade)


@dataclass
class StoredBody:
    """A body as sent: its bytes, brotli and gzip forms (None when they would not be smaller), ETag and type.

    `script_hashes` are the CSP sources of a cached page's inline scripts (web.security); None for other bodies.
    `br` is replaced at most once, by a smaller brotli form of the same bytes (upgrade); nothing else changes.
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
    stored = StoredBody(data, br, gz, etag, mimetype, script_hashes)
    if br is not None and levels[0] < BEST_BROTLI and UPGRADES.enabled:
        UPGRADES.submit(stored)
    return stored


class Upgrades:
    """One background thread, at the lowest CPU priority, that compresses stored bodies again at brotli 11.
    Brotli releases the GIL while it compresses, so requests go on meanwhile. Off in tests that compare bytes
    (PETA_BROTLI_UPGRADE=0 or `enabled = False`); `wait()` lets a test or bench see the upgraded forms."""

    def __init__(self) -> None:
        self.enabled = os.environ.get("PETA_BROTLI_UPGRADE", "1") != "0"
        self.pool: ThreadPoolExecutor | None = None
        self.pending: list = []
        self.lock = threading.Lock()

    def submit(self, stored: StoredBody) -> None:
        with self.lock:
            if self.pool is None:  # made in the process that uses it (after gunicorn's fork)
                self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="peta-brotli", initializer=_nice)
            self.pending = [f for f in self.pending if not f.done()]
            self.pending.append(self.pool.submit(_upgrade, stored))

    def wait(self) -> None:
        with self.lock:
            pending = list(self.pending)
        for future in pending:
            future.result()


def _nice() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)  # this thread only (Linux)
    except (AttributeError, OSError):
        pass


def _upgrade(stored: StoredBody) -> None:
    best = brotli.compress(stored.identity, quality=BEST_BROTLI)
    if stored.br is not None and len(best) < len(stored.br):
        stored.br = best  # one attribute: a request reads the old form or the new one, each whole


UPGRADES = Upgrades()


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
    # The brotli form may be replaced by a smaller one of the same body (Upgrades): its ETag is weak (RFC 9110
    # 8.8.1: the same content, not always the same bytes), which If-None-Match still matches for a 304.
    response.set_etag(stored.etag if encoding == "identity" else f"{stored.etag}-{encoding}", weak=encoding == "br")
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
