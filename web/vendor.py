"""Serve our static files and third-party assets from their installed PyPI XStatic packages.

Nothing is copied into the repo and nothing comes from a CDN. Files are read once into memory: they are
few and small, and bytes (unlike open files) can be compressed without leaking file handles.
"""

from __future__ import annotations

import mimetypes
from functools import lru_cache
from pathlib import Path

import xstatic.pkg.leaflet
from flask import Blueprint, Response, abort
from werkzeug.security import safe_join

from web.encoding import ASSET_LEVELS, StoredBody, store_body, stored_response

ROOT = Path(__file__).resolve().parent.parent
# npm packages (package.json, installed into node_modules/ by `make setup`); nothing is copied into the repo.
NODE_MODULES = ROOT / "node_modules"
FOLDERS = {
    "leaflet": xstatic.pkg.leaflet.BASE_DIR,
    "static": str(ROOT / "static"),
    "topojson-client": str(NODE_MODULES / "topojson-client" / "dist"),
}
NPM_PACKAGES = ("topojson-client",)


class MissingPackage(RuntimeError):
    """An npm package the pages need is not installed; the message says how to install it."""


def check_npm_packages(root: Path = ROOT) -> None:
    """Fail at startup with a hint when node_modules lacks a browser library the pages load."""
    for package in NPM_PACKAGES:
        if not (root / "node_modules" / package / "package.json").is_file():
            raise MissingPackage(
                f"{root / 'node_modules' / package} is missing. Hint: run `make setup` "
                "(or `npm ci --omit=dev --no-audit --no-fund`); it needs npm."
            )


bp = Blueprint("vendor", __name__)


@lru_cache(maxsize=128)
def read_asset(package: str, filename: str) -> bytes | None:
    """Return an asset's bytes, or None when it does not exist (paths outside the folder never do)."""
    if package not in FOLDERS:
        return None
    path = safe_join(FOLDERS[package], filename)
    if path is None or not Path(path).is_file():
        return None
    return Path(path).read_bytes()


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
