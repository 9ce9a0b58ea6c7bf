"""Serve the district geometry (geo.topology) at content-hashed, immutably cached addresses.

`/geometri/<key>.<hash>.js` is the file's compact form as a script that decodes it (static/js/topologi.js,
loaded before it) and files the TopoJSON under `window.PetaTopologi[key]`, so a page loads it with a plain
`<script src>` and every script after it can use it at once. `/geometri/<key>.<hash>.topojson` is the same
geometry as standard TopoJSON, for other programs. Each body is made and compressed once per process
(brotli 11, gzip 9).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app

from geo.compact import script_body, topojson_text
from geo.topology import TopologyRef, find_topology, read_topology_text
from web.encoding import ASSET_LEVELS, StoredBody, immutable_response, store_body
from web.resources import topology_manifest

bp = Blueprint("geometry", __name__)


@lru_cache(maxsize=64)
def _stored(folder: str, stem: str, as_script: bool) -> StoredBody:
    manifest = topology_manifest()
    entry = find_topology(manifest, stem)
    text = read_topology_text(Path(folder), manifest, TopologyRef(entry.key, stem))
    if as_script:
        return store_body(script_body(entry.key, text), "text/javascript", levels=ASSET_LEVELS)
    return store_body(topojson_text(text), "application/json", levels=ASSET_LEVELS)


def _send(name: str, as_script: bool) -> Response:
    if find_topology(topology_manifest(), name) is None:
        abort(404)  # an unknown key, or a hash from an older preparation
    return immutable_response(_stored(current_app.config["BOUNDARIES_DIR"], name, as_script))


@bp.get("/geometri/<name>.topojson")
def topology(name: str) -> Response:
    """Send a topology ("overview.0123456789ab") as standard TopoJSON."""
    return _send(name, as_script=False)


@bp.get("/geometri/<name>.js")
def script(name: str) -> Response:
    """Send a topology as a script that decodes it into window.PetaTopologi[key]."""
    return _send(name, as_script=True)
