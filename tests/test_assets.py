"""Bundles of our scripts and styles (layers.assets): what each holds, in which order, minified, and a missing file
stopping the app at startup."""

import json
import subprocess
from pathlib import Path

import pytest

import layers.assets
from app import create_app
from layers.assets import (
    BUNDLES,
    FOLDERS,
    MissingAsset,
    Source,
    build_bundle,
    build_bundles,
    bundles,
    find_bundle,
    rebase_css,
)
from web.vendor import asset_url

# A string that only that file holds, per third-party or stylesheet bundle: it holds every file it lists, in order.
MARKERS = {
    "leaflet.css": ".leaflet-pane",
    "css/peta.css": ".peta-tooltip",
    "leaflet.js": 'version="1.9.3"',
    "topojson-client.min.js": "topojson-client v3.1.0",
}
HOLDS = {"peta.css": ["leaflet.css", "css/peta.css"], "vendor.js": ["leaflet.js", "topojson-client.min.js"]}
# The modules each of our bundles is built from (esbuild's metafile): no page's bundle holds a script the page did not
# load before (switch.js and viewstate.js would act on embed and side-by-side maps).
ON_MAPS = {"api.js", "fit.js", "overlays.js"}
PAGE_TOOLS = ON_MAPS | {
    "keyboard.js",
    "rows.js",
    "walk.js",
    "switch.js",
    "search.js",
    "viewstate.js",
    "controls.js",
    "panel.js",
    "page.js",
}
MODULES = {
    "draw.js": {"api.js", "topologi.js", "choropleth.js"},
    "labels.js": {"api.js", "labels.js"},
    "map.js": PAGE_TOOLS | {"ranking.js"},
    "present.js": PAGE_TOOLS | {"timeline.js"},
    "embed.js": ON_MAPS,
    "offline.js": ON_MAPS | {"keyboard.js", "rows.js", "walk.js", "search.js", "controls.js", "panel.js", "ranking.js"},
    "side-by-side.js": ON_MAPS | {"sync.js"},
    "compare.js": {"picker.js"},
}
BUILD = layers.assets.ROOT / "static" / "build"
SCRIPTS = layers.assets.ROOT / "static" / "js"


def built_modules() -> dict[str, set[str]]:
    """Bundle name → the modules of static/js it was built from (besides its entry), from esbuild's metafile."""
    outputs = json.loads((BUILD / "meta.json").read_text())["outputs"]
    return {
        Path(output).name: {Path(i).name for i in found["inputs"] if not i.startswith("static/js/entries/")}
        for output, found in outputs.items()
    }


def test_every_file_is_in_a_bundle():
    modules = {p.name for p in SCRIPTS.glob("*.js")}
    assert set().union(*MODULES.values()) == modules  # a module that no bundle imports is forgotten
    assert {p.name for p in (SCRIPTS / "entries").glob("*.js")} == set(MODULES) == set(layers.assets.OUR_SCRIPTS)
    assert set(BUNDLES) == set(HOLDS) | set(MODULES)


@pytest.mark.parametrize("name", sorted(HOLDS))
def test_a_bundle_holds_its_files_in_order(name):
    text = bundles()[name].body.decode()
    positions = [text.find(MARKERS[filename]) for filename in HOLDS[name]]
    assert -1 not in positions, dict(zip(HOLDS[name], positions, strict=True))
    assert positions == sorted(positions)  # in the declared order


def test_our_bundles_hold_their_modules_and_nothing_else():
    assert built_modules() == MODULES


def test_the_built_bundles_are_those_of_the_sources(tmp_path):
    """static/build/ is what scripts/build-js.sh makes of static/js now (an edit without `make js` fails here)."""
    subprocess.run(["bash", "scripts/build-js.sh", str(tmp_path)], cwd=layers.assets.ROOT, check=True)
    for name in MODULES:
        assert (tmp_path / name).read_bytes() == bundles()[name].body, f"{name}: run `make js`"


def test_a_missing_build_stops_with_a_hint(tmp_path):
    folders = {**FOLDERS, "build": str(tmp_path)}
    with pytest.raises(MissingAsset, match=r"draw\.js is not built.*make js"):
        build_bundles(BUNDLES, folders)


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_bundles_are_minified(name):
    bundle = bundles()[name]
    text = bundle.body.decode()
    if name in MODULES:  # built and minified by esbuild: against the modules it was built from
        sources = sum((SCRIPTS / module).stat().st_size for module in MODULES[name] | {f"entries/{name}"})
        assert len(bundle.body) < 0.85 * sources
    elif all(source.minified for source in BUNDLES[name]):
        # Leaflet and topojson-client as their authors minified them, licence headers kept, source maps dropped.
        assert bundle.source_bytes - 100 < len(bundle.body) < bundle.source_bytes
        assert "Vladimir Agafonkin" in text and "Mike Bostock" in text
        assert "sourceMappingURL" not in text
        return
    else:
        assert len(bundle.body) < 0.85 * bundle.source_bytes
    assert "\n  " not in text and "// " not in text


def test_bundle_addresses_name_their_content():
    again = build_bundles(BUNDLES, FOLDERS)  # every worker builds the same bytes, so the same addresses
    assert {n: b.filename for n, b in again.items()} == {n: b.filename for n, b in bundles().items()}
    assert len({b.digest for b in again.values()}) == len(again)
    assert bundles()["map.js"].filename == f"map.{bundles()['map.js'].digest}.js"


@pytest.mark.parametrize(
    ("filename", "found"),
    [
        ("{map}", "map.js"),
        ("{css}", "peta.css"),
        ("map.000000000000.js", None),  # an older build's address
        ("{map}x", None),
        ("map.js", None),
        ("nope.000000000000.js", None),
        ("", None),
    ],
)
def test_find_bundle(filename, found):
    name = filename.format(map=bundles()["map.js"].filename, css=bundles()["peta.css"].filename)
    bundle = find_bundle(name)
    assert (bundle.name if bundle else None) == found


def test_an_unknown_bundle_name_lists_the_bundles(shared_app):
    with (
        shared_app.test_request_context(),
        pytest.raises(LookupError, match=r"'map\.jss'.*bundles: compare\.js, draw\.js, embed"),
    ):
        asset_url("map.jss")
    with shared_app.test_request_context():
        assert asset_url("map.js") == f"/aset/{bundles()['map.js'].filename}"


def test_scripts_are_joined_so_none_runs_into_the_next(tmp_path):
    (tmp_path / "a.js").write_text("window.x = 1 // no semicolon\n")
    (tmp_path / "b.js").write_text("(function () { window.y = 2; })()\n")
    sources = (Source("static", "a.js"), Source("static", "b.js"))
    bundle = build_bundle("x.js", sources, {"static": str(tmp_path)})
    # Without the semicolon this would be `window.x=1\n(function(){…})()`: a call of 1.
    assert bundle.body == b"window.x=1\n;\n(function(){window.y=2;})()"
    assert bundle.source_bytes == len("window.x = 1 // no semicolon\n(function () { window.y = 2; })()\n")


@pytest.mark.parametrize(
    ("source", "css", "expected"),
    [
        (Source("leaflet", "leaflet.css"), "url(images/layers.png)", "url(../vendor/leaflet/images/layers.png)"),
        (Source("leaflet", "leaflet.css"), 'url("images/a b.png")', 'url("../vendor/leaflet/images/a b.png")'),
        (Source("static", "css/peta.css"), "url( '../img/x.svg' )", "url('../static/img/x.svg')"),
        (Source("static", "css/peta.css"), "url(x.woff2)", "url(../static/css/x.woff2)"),
        (Source("leaflet", "leaflet.css"), "url(#default#VML)", "url(#default#VML)"),
        (Source("leaflet", "leaflet.css"), "url(data:image/png;base64,AAAA)", "url(data:image/png;base64,AAAA)"),
        (Source("leaflet", "leaflet.css"), "url(/favicon.png)", "url(/favicon.png)"),
        (Source("leaflet", "leaflet.css"), "url(https://x.example/y.png)", "url(https://x.example/y.png)"),
    ],
)
def test_stylesheet_addresses_point_where_the_files_are_served(source, css, expected):
    assert rebase_css(f"a {{ background: {css}; }}", source) == f"a {{ background: {expected}; }}"


def test_a_missing_file_stops_the_build_with_a_hint():
    declared = {"x.js": (Source("static", "js/fit.js"), Source("static", "js/tidak-ada.js"))}
    with pytest.raises(MissingAsset, match=r"Bundle x\.js lists static/js/tidak-ada\.js.*Hint: add the file"):
        build_bundles(declared, FOLDERS)
    with pytest.raises(MissingAsset, match="not in any known folder"):
        build_bundles({"x.js": (Source("jquery", "jquery.js"),)}, FOLDERS)


def test_a_missing_file_stops_the_app_at_startup(monkeypatch, tmp_path):
    served = bundles()["map.js"].filename
    monkeypatch.setitem(BUNDLES, "map.js", (*BUNDLES["map.js"], Source("static", "js/tidak-ada.js")))
    bundles.cache_clear()
    try:
        with pytest.raises(MissingAsset, match="js/tidak-ada.js"):
            create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}, tmp_path)
    finally:
        monkeypatch.undo()
        bundles.cache_clear()
    assert bundles()["map.js"].filename == served
