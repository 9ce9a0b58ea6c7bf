"""Serve third-party assets from their installed PyPI XStatic packages: nothing copied, nothing from a CDN."""

from __future__ import annotations

import xstatic.pkg.leaflet
from flask import Blueprint, abort, send_from_directory

bp = Blueprint("vendor", __name__, url_prefix="/vendor")
PACKAGES = {"leaflet": xstatic.pkg.leaflet.BASE_DIR}


@bp.get("/<package>/<path:filename>")
def asset(package: str, filename: str):
    """Send one file of an installed asset package, cached for a day."""
    if package not in PACKAGES:
        abort(404)
    return send_from_directory(PACKAGES[package], filename, max_age=86400)
