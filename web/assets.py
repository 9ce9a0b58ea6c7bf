"""Read our static files and the installed third-party assets (XStatic packages) into memory.

Not a blueprint: the asset routes (web.vendor) and the offline export (web.exports) both read files here.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import xstatic.pkg.leaflet
from werkzeug.security import safe_join

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"leaflet": xstatic.pkg.leaflet.BASE_DIR, "static": str(ROOT / "static")}


@lru_cache(maxsize=128)
def read_asset(package: str, filename: str) -> bytes | None:
    """Return an asset's bytes, or None when it does not exist (paths outside the folder never do)."""
    if package not in FOLDERS:
        return None
    path = safe_join(FOLDERS[package], filename)
    if path is None or not Path(path).is_file():
        return None
    return Path(path).read_bytes()
