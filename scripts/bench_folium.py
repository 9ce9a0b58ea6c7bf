"""The plain folium page of `make bench`, on an equal footing with Peta Cakupan: `bench_folium:folium_app()`.

A plain `folium.Choropleth` of the same 210 districts and figures, as folium's "Using folium with Flask" guide
builds it, but rendered once per view and served from memory with brotli/gzip forms and an ETag (the same
`web.encoding` store our pages use, at the same levels), and its CDN files served from this server: taken from
the installed packages (XStatic-Leaflet) or from npm (`npm pack`, into a cache folder, before the servers
start). Files that no package registry carries stay on their CDN address and are listed as not counted.
"""

from __future__ import annotations

import math
import mimetypes
import os
import subprocess
import tarfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SCOPE = "kalimantan-sumatera"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "peta-cakupan-bench"


@dataclass(frozen=True)
class CdnFile:
    """One file folium's page loads from a CDN, and where the same bytes come from without the internet."""

    url: str
    package: str | None  # an npm spec, "xstatic-leaflet" (installed), or None: in no package registry
    member: str = ""  # its path inside the package
    why: str = ""  # why it cannot be served, when package is None

    @property
    def local(self) -> str:
        """Its address on the bench's folium server."""
        return f"/cdn/{self.package.replace('/', '_')}/{self.member}"


# folium 0.20's Map (4 scripts, 6 stylesheets) and branca's legend (d3); the page is checked against this list.
CDN_FILES = (
    CdnFile("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js", "xstatic-leaflet", "leaflet.js"),
    CdnFile("https://code.jquery.com/jquery-3.7.1.min.js", "jquery@3.7.1", "dist/jquery.min.js"),
    CdnFile(
        "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",
        "bootstrap@5.2.2",
        "dist/js/bootstrap.bundle.min.js",
    ),
    CdnFile(
        "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js",
        "drmonty-leaflet-awesome-markers@2.0.2",  # cdnjs's 2.0.2 repackaged for npm (the upstream has 2.0.0/2.0.4)
        "js/leaflet.awesome-markers.js",
    ),
    CdnFile("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css", "xstatic-leaflet", "leaflet.css"),
    CdnFile(
        "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css",
        "bootstrap@5.2.2",
        "dist/css/bootstrap.min.css",
    ),
    CdnFile(
        "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",
        None,
        why="a file of BootstrapCDN only (a Bootstrap 3 base stylesheet with the glyphicons), on no package registry",
    ),
    CdnFile(
        "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css",
        "@fortawesome/fontawesome-free@6.2.0",
        "css/all.min.css",
    ),
    CdnFile(
        "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css",
        "drmonty-leaflet-awesome-markers@2.0.2",
        "css/leaflet.awesome-markers.css",
    ),
    CdnFile(
        "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css",
        None,
        why="served by jsDelivr from folium's GitHub repository; the folium wheel does not ship it",
    ),
    CdnFile("https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js", "d3@3.5.5", "d3.min.js"),
)


def _tarball(package: str) -> Path:
    name, version = package.rsplit("@", 1)
    return CACHE / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def fetch_cdn_files() -> list[str]:
    """Extract every servable CDN file into the cache (npm pack for what is missing); return the problems."""
    problems = []
    for package in sorted({f.package for f in CDN_FILES if f.package and f.package != "xstatic-leaflet"}):
        if _tarball(package).exists():
            continue
        CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["npm", "pack", package, "--silent", "--pack-destination", str(CACHE)],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if done.returncode != 0 or not _tarball(package).exists():
            problems.append(f"npm pack {package} failed: {done.stderr.strip()[-200:]}")
    return problems


def cdn_bytes(file: CdnFile) -> bytes | None:
    """The file's bytes from its package, or None when it cannot be had offline."""
    if file.package is None:
        return None
    if file.package == "xstatic-leaflet":
        import xstatic.pkg.leaflet as leaflet

        if leaflet.VERSION != "1.9.3":  # folium names 1.9.3; another version would not be the same bytes
            return None
        return (Path(leaflet.BASE_DIR) / file.member).read_bytes()
    if not _tarball(file.package).exists():
        return None
    with tarfile.open(_tarball(file.package)) as archive:
        return archive.extractfile(f"package/{file.member}").read()


def folium_view(args) -> tuple[str, str, str, str]:
    """(period, view, lang, palette) of a request, the same query keys as the map page's."""
    return (
        args.get("period", "2025-12"),
        args.get("view", "cakupan"),
        args.get("lang", "id"),
        args.get("palette", "default"),
    )


def render_folium(frame, view: tuple[str, str, str, str], local: dict[str, str]) -> str:
    """The whole folium page of one view, its CDN addresses replaced by this server's where it has the file."""
    import folium

    _, layer, lang, palette = view
    column = "attainment_pct" if layer == "target" else "coverage_pct"
    names = {"coverage_pct": ("Cakupan (%)", "Coverage (%)"), "attainment_pct": ("Capaian (%)", "Attainment (%)")}
    top = max(100.0, math.ceil(frame[column].max()))
    fmap = folium.Map(location=[0, 108], zoom_start=5)
    choropleth = folium.Choropleth(
        geo_data=frame[["code", "name", column, "geometry"]].__geo_interface__,
        data=frame[["code", column]],
        columns=["code", column],
        key_on="feature.properties.code",
        bins=[0, 20, 50, 75, top],
        fill_color="YlGnBu" if palette == "cvd" else "RdYlGn",
        nan_fill_color="lightgrey",
        legend_name=names[column][lang == "en"],
    ).add_to(fmap)
    choropleth.geojson.add_child(folium.GeoJsonTooltip(fields=["name", column]))
    html = fmap.get_root().render()
    for url, address in local.items():
        html = html.replace(f'"{url}"', f'"{address}"')
    return html


def folium_app():
    """The Flask app gunicorn serves: each view rendered on its first request, then sent from memory."""
    from flask import Flask, abort, request

    from app import create_app
    from geo.query import MapQuery
    from web.encoding import ASSET_LEVELS, store_body, stored_response
    from web.resources import get_resources
    from web.results import resolve_result

    project = create_app()
    frames = {}
    for period in ("2025-06", "2025-12"):
        with project.test_request_context():
            resources = get_resources()
            query = MapQuery.parse({"series": "contoh", "period": period}, resources, scope=SCOPE)
            view = resolve_result(resources, query)
            frames[period] = view.joined[["code", "name", "coverage_pct", "attainment_pct", "geometry"]].copy()
    files = {f.local: f for f in CDN_FILES if cdn_bytes(f) is not None}
    local = {f.url: address for address, f in files.items()}
    pages = {}

    @lru_cache(maxsize=16)
    def stored_file(address: str):
        mimetype = mimetypes.guess_type(address)[0] or "application/octet-stream"
        return store_body(cdn_bytes(files[address]), mimetype, levels=ASSET_LEVELS)  # as a CDN: best levels

    app = Flask("folium_plain")

    @app.get("/")
    def page():
        view = folium_view(request.args)
        if view[0] not in frames:
            abort(404)
        if view not in pages:
            pages[view] = store_body(render_folium(frames[view[0]], view, local), "text/html")
        return stored_response(pages[view])

    @app.get("/cdn/<path:name>")
    def cdn(name: str):
        if f"/cdn/{name}" not in files:
            abort(404)
        response = stored_response(stored_file(f"/cdn/{name}"))
        response.cache_control.public = True
        response.cache_control.max_age = 31_536_000
        return response

    return app
