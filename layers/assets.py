"""Read our static files, our built scripts and the installed third-party assets (XStatic and npm packages) into
memory, and join them into minified bundles named by their content.

Our scripts are ES modules (static/js/*.js, each importing what it uses); esbuild (npm, package.json) bundles each
entry static/js/entries/<bundle>.js into one minified IIFE, static/build/<bundle>.js, at setup (`make js`; never
committed), so a saved map or the offline file can inline it and open from file://, where module scripts do not load.

No Flask here: the map's folium element (layers.plugin) inlines these bundles into a saved map or links them; the
asset routes and the pages' `asset_url` (web.vendor) serve and name them.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rcssmin
import rjsmin
import xstatic.pkg.leaflet
from werkzeug.security import safe_join

ROOT = Path(__file__).resolve().parent.parent
# npm packages (package.json, installed into node_modules/ by `make setup`); nothing is copied into the repo.
NODE_MODULES = ROOT / "node_modules"
FOLDERS = {
    "leaflet": xstatic.pkg.leaflet.BASE_DIR,
    "static": str(ROOT / "static"),
    "build": str(ROOT / "static" / "build"),  # esbuild's output (Makefile: js)
    "topojson-client": str(NODE_MODULES / "topojson-client" / "dist"),
}
NPM_PACKAGES = ("topojson-client",)
BUILD_HINT = "run `make js` (or `make setup`), which bundles static/js/entries/*.js with esbuild from npm"
DIGEST_LENGTH = 12  # hex digits of SHA-256 in a bundle's address, as for the geometry files


@dataclass(frozen=True)
class Source:
    """One file of a bundle. `minified`: shipped minified by its authors, so taken as it is (licence header kept)."""

    package: str
    filename: str
    minified: bool = False

    @property
    def built(self) -> bool:
        """Made by our build (esbuild, already minified) from static/js/entries/<filename>."""
        return self.package == "build"


def _built(name: str) -> tuple[Source, ...]:
    return (Source("build", name, minified=True),)


# draw.js (topologi.js, choropleth.js) and labels.js: the maps' drawing and labels, which folium's inline scripts call;
# the rest, one page's tools each: map, presentation, embed, offline file, side by side, compare (no map).
OUR_SCRIPTS = (
    "draw.js",
    "labels.js",
    "map.js",
    "present.js",
    "embed.js",
    "offline.js",
    "side-by-side.js",
    "compare.js",
)

# What the pages load. A page's <script src>/<link> names a bundle (templates: asset_url('map.js')); each of our
# script bundles is built from its entry, static/js/entries/<name>, which imports what it needs and says what it
# publishes on window.PetaCakupan. Where a page loads each bundle (templates/_map_scripts.html, layers/plugin.py):
# - Before the geometry scripts (/geometri/*.js, separate and immutable already): Leaflet and topojson-client in a
#   bundle of their own (they change only on an upgrade, so editing our scripts never makes a browser fetch Leaflet
#   again), then draw.js, which the geometry scripts and folium's inline map script call.
# - After each folium map's inline script: the tools that work on the drawn maps, one bundle per page.
BUNDLES: dict[str, tuple[Source, ...]] = {
    # Every page, before folium's header, whose few rules (`.leaflet-container { font-size: 1rem }`) win as before.
    "peta.css": (Source("leaflet", "leaflet.css"), Source("static", "css/peta.css")),
    "vendor.js": (
        Source("leaflet", "leaflet.js", minified=True),
        Source("topojson-client", "topojson-client.min.js", minified=True),
    ),
    **{name: _built(name) for name in OUR_SCRIPTS},
}


class MissingPackage(RuntimeError):
    """An npm package the pages need is not installed; the message says how to install it."""


class MissingAsset(RuntimeError):
    """A file a bundle lists is not there; the message names the bundle, the file and the fix."""


def check_npm_packages(root: Path = ROOT) -> None:
    """Fail at startup with a hint when node_modules lacks a browser library the pages load."""
    for package in NPM_PACKAGES:
        if not (root / "node_modules" / package / "package.json").is_file():
            raise MissingPackage(
                f"{root / 'node_modules' / package} is missing. Hint: run `make setup` "
                "(or `npm ci --include=dev --no-audit --no-fund`); it needs npm."
            )


def _read(folders: dict[str, str], package: str, filename: str) -> bytes | None:
    if package not in folders:
        return None
    path = safe_join(folders[package], filename)
    try:
        if path is None or not Path(path).is_file():
            return None
        return Path(path).read_bytes()
    except OSError:  # a name too long for the file system (ENAMETOOLONG) is a file that is not there
        return None


@lru_cache(maxsize=128)
def read_asset(package: str, filename: str) -> bytes | None:
    """Return an asset's bytes, or None when it does not exist (paths outside the folder never do)."""
    return _read(FOLDERS, package, filename)


@dataclass(frozen=True)
class Bundle:
    """A bundle as served: its minified body and the address that names its content."""

    name: str
    body: bytes
    digest: str  # the start of the body's SHA-256, in hex
    source_bytes: int  # the listed files before minifying

    @property
    def filename(self) -> str:
        """`map.0123456789ab.js`: another content, another address, so it can be cached for good."""
        stem, extension = self.name.rsplit(".", 1)
        return f"{stem}.{self.digest}.{extension}"


def served_path(source: Source) -> str:
    """Where web.vendor serves a file, relative to the site root."""
    if source.package == "static":
        return f"static/{source.filename}"
    return f"vendor/{source.package}/{source.filename}"


CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*?)\1\s*\)""")


def rebase_css(text: str, source: Source) -> str:
    """Point a stylesheet's relative url(…) at the file where it is served (Leaflet's `url(images/layers.png)`):
    a bundle lives at /aset/<name>, one folder below the root, not beside the images."""
    folder = "../" + posixpath.dirname(served_path(source))

    def rebase(match: re.Match) -> str:
        quote, address = match.group(1), match.group(2)
        if not address or address.startswith(("data:", "#", "/")) or "://" in address:
            return match.group(0)
        return f"url({quote}{posixpath.normpath(posixpath.join(folder, address))}{quote})"

    return CSS_URL.sub(rebase, text)


def _minified(text: str, source: Source) -> str:
    if source.filename.endswith(".css"):
        return rcssmin.cssmin(rebase_css(text, source))
    if source.minified:
        # The source map describes the file alone, not the bundle it now sits in.
        return re.sub(r"\n//# sourceMappingURL=\S+\s*$", "", text)
    return rjsmin.jsmin(text)


def build_bundle(name: str, sources: tuple[Source, ...], folders: dict[str, str]) -> Bundle:
    """Join a bundle's files in order, each minified (already minified ones as they are)."""
    parts, size = [], 0
    for source in sources:
        data = _read(folders, source.package, source.filename)
        if data is None and source.built:
            raise MissingAsset(
                f"Bundle {name} is not built: {folders.get('build')}/{source.filename} is missing. Hint: {BUILD_HINT}."
            )
        if data is None:
            raise MissingAsset(
                f"Bundle {name} lists {source.package}/{source.filename}, which is not in "
                f"{folders.get(source.package, 'any known folder')}. Hint: add the file, run `make setup` for a "
                "third-party package, or remove the line from BUNDLES in layers/assets.py."
            )
        size += len(data)
        parts.append(_minified(data.decode(), source))
    # A newline and a semicolon between scripts: a file ending without one never runs into the next one.
    body = ("\n" if name.endswith(".css") else "\n;\n").join(parts).encode()
    return Bundle(name, body, hashlib.sha256(body).hexdigest()[:DIGEST_LENGTH], size)


def build_bundles(declared: dict[str, tuple[Source, ...]], folders: dict[str, str]) -> dict[str, Bundle]:
    """Every declared bundle, built; fails on the first missing file with a hint."""
    return {name: build_bundle(name, sources, folders) for name, sources in declared.items()}


@lru_cache(maxsize=1)
def bundles() -> dict[str, Bundle]:
    """The pages' bundles, built once per process from the installed files (create_app builds them at startup)."""
    return build_bundles(BUNDLES, FOLDERS)


def find_bundle(filename: str) -> Bundle | None:
    """The bundle a hashed file name ("map.0123456789ab.js") names, or None (unknown, or an older content)."""
    stem, _, rest = filename.partition(".")
    digest, _, extension = rest.partition(".")
    bundle = bundles().get(f"{stem}.{extension}")
    return bundle if bundle is not None and bundle.digest == digest else None


def bundle_text(name: str) -> str:
    """A bundle's text, for inlining (the offline export)."""
    return bundles()[name].body.decode()
