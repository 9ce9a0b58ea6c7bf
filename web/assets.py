"""Read our static files and the installed third-party assets (XStatic and npm packages) into memory.

Not a blueprint: the asset routes (web.vendor) and the offline export (web.exports) both read files here.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import xstatic.pkg.leaflet
from werkzeug.security import safe_join

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


@lru_cache(maxsize=128)
def read_asset(package: str, filename: str) -> bytes | None:
    """Return an asset's bytes, or None when it does not exist (paths outside the folder never do)."""
    if package not in FOLDERS:
        return None
    path = safe_join(FOLDERS[package], filename)
    if path is None or not Path(path).is_file():
        return None
    return Path(path).read_bytes()
