"""Serve our static files and third-party assets from their installed PyPI XStatic packages.

Nothing is copied into the repo and nothing comes from a CDN. Files are read once into memory: they are
few and small, and bytes (unlike open files) can be compressed without leaking file handles.
"""

from __future__ import annotations

import mimetypes
from functools import lru_cache

from flask import Blueprint, Response, abort

from web.assets import read_asset
from web.encoding import ASSET_LEVELS, StoredBody, store_body, stored_response

bp = Blueprint("vendor", __name__)


@lru_cache(maxsize=128)
def stored_asset(package: str, filename: str) -> StoredBody | None:
    """An asset as sent, with its brotli and gzip forms made once per process at the best levels."""
    data = read_asset(package, filename)
    if data is None:
        return None
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return store_body(data, mimetype, levels=ASSET_LEVELS)


def _send(package: str, filename: str) -> Response:
    stored = stored_asset(package, filename)
    if stored is None:
        abort(404)
    response = stored_response(stored)
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@bp.get("/vendor/<package>/<path:filename>")
def asset(package: str, filename: str) -> Response:
    """Send one file of an installed third-party asset package."""
    if package == "static":
        abort(404)
    return _send(package, filename)


@bp.get("/static/<path:filename>")
def static(filename: str) -> Response:
    """Send one of our own static files."""
    return _send("static", filename)
