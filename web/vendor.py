"""Serve our static files and third-party assets from their installed packages (XStatic, npm), one by one and as
the pages' minified bundles.

Nothing is copied into the repo and nothing comes from a CDN. Files are read once into memory: they are
few and small, and bytes (unlike open files) can be compressed without leaking file handles.
"""

from __future__ import annotations

import mimetypes
from functools import lru_cache

from flask import Blueprint, Response, abort, url_for

from layers.assets import bundles, find_bundle, read_asset
from web.encoding import ASSET_LEVELS, StoredBody, immutable_response, store_body, stored_response

bp = Blueprint("vendor", __name__)


def _mimetype(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


@lru_cache(maxsize=128)
def stored_asset(package: str, filename: str) -> StoredBody:
    """An existing asset as sent, with its brotli and gzip forms made once per process at the best levels."""
    return store_body(read_asset(package, filename), _mimetype(filename), levels=ASSET_LEVELS)


@lru_cache(maxsize=32)
def stored_bundle(name: str) -> StoredBody:
    """A bundle ("map.js") as sent, compressed on its first request; only declared names reach this cache."""
    return store_body(bundles()[name].body, _mimetype(name), levels=ASSET_LEVELS)


def _send(package: str, filename: str) -> Response:
    if read_asset(package, filename) is None:
        abort(404)  # checked first, so made-up names never push a compressed file out of stored_asset's cache
    response = stored_response(stored_asset(package, filename))
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


@bp.get("/aset/<filename>")
def bundle(filename: str) -> Response:
    """Send a bundle by its content-hashed name ("map.0123456789ab.js"); its address changes with its content,
    so browsers keep it for a year without asking again."""
    found = find_bundle(filename)
    if found is None:
        abort(404)  # an unknown bundle, or the hash of an older build
    return immutable_response(stored_bundle(found.name))


def asset_url(name: str) -> str:
    """The content-hashed address of a bundle, for templates and the map's element: `asset_url('map.js')`."""
    built = bundles()
    if name not in built:
        raise LookupError(f"No bundle {name!r} in layers/assets.py BUNDLES; bundles: {', '.join(sorted(built))}.")
    return url_for("vendor.bundle", filename=built[name].filename)
