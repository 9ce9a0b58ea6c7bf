"""Read our static files and the installed third-party assets (XStatic and npm packages) into memory, and join
them into minified bundles named by their content.

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
    "topojson-client": str(NODE_MODULES / "topojson-client" / "dist"),
}
NPM_PACKAGES = ("topojson-client",)
DIGEST_LENGTH = 12  # hex digits of SHA-256 in a bundle's address, as for the geometry files


@dataclass(frozen=True)
class Source:
    """One file of a bundle. `minified`: shipped minified by its authors, so taken as it is (licence header kept)."""

    package: str
    filename: str
    minified: bool = False


def _ours(*filenames: str) -> tuple[Source, ...]:
    return tuple(Source("static", name) for name in filenames)


# What the pages load, in order. A page's <script src>/<link> names a bundle (templates: asset_url('map.js')),
# so adding a script to the pages is one line here.
# - Before the geometry scripts (/geometri/*.js, separate and immutable already): Leaflet and topojson-client in a
#   bundle of their own (they change only on an upgrade, so editing our scripts never makes a browser fetch Leaflet
#   again), then our scripts that the geometry scripts and folium's inline map script call: topologi.js decodes each
#   geometry script's compact form as it loads (deep zoom injects more later); choropleth.js only
#   defines PetaCakupan.draw; it reads window.PetaTopologi when a map is drawn, after the geometry has loaded.
# - After each folium map's inline script: the scripts that work on the drawn maps, one bundle per page, each with
#   exactly the scripts that page loaded before (viewstate.js and switch.js would act on embed and side-by-side maps).
ON_MAPS = _ours("js/fit.js", "js/overlays.js")
PAGE_TOOLS = _ours("js/keyboard.js", "js/switch.js", "js/search.js", "js/viewstate.js", "js/controls.js")
BUNDLES: dict[str, tuple[Source, ...]] = {
    # Every page, before folium's header, whose few rules (`.leaflet-container { font-size: 1rem }`) win as before.
    "peta.css": (Source("leaflet", "leaflet.css"), *_ours("css/peta.css")),
    "vendor.js": (
        Source("leaflet", "leaflet.js", minified=True),
        Source("topojson-client", "topojson-client.min.js", minified=True),
    ),
    "draw.js": _ours("js/topologi.js", "js/choropleth.js"),
    "labels.js": _ours("js/labels.js"),  # layers.plugin.Labels: the maps' permanent labels, called by its script
    "map.js": (*ON_MAPS, *PAGE_TOOLS, *_ours("js/ranking.js")),
    "present.js": (*ON_MAPS, *PAGE_TOOLS, *_ours("js/timeline.js")),
    "embed.js": ON_MAPS,
    # The offline file: the map page's search, keyboard walk and ranking table, without what needs the site
    # (switching views fetches values.json; viewstate.js writes the address).
    "offline.js": (*ON_MAPS, *_ours("js/keyboard.js", "js/search.js", "js/controls.js", "js/ranking.js")),
    "side-by-side.js": (*ON_MAPS, *_ours("js/sync.js")),
    "compare.js": _ours("js/picker.js"),  # the compare page's district picker (no map)
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
                "(or `npm ci --omit=dev --no-audit --no-fund`); it needs npm."
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
