"""The asset routes (web.vendor): the pages' bundles at content-hashed, immutable addresses; files one by one."""

import re
from urllib.parse import urljoin

import pytest

from layers.assets import bundle_text, bundles

YEAR = "max-age=31536000"
# What each page loads, in order (the geometry and folium's inline map script between the bundles).
MAP = ["peta.css", "vendor.js", "draw.js", "geometri", "labels.js", "inline"]
PAGES = {
    "/map/kalimantan?series=contoh": [*MAP, "map.js"],
    "/map/kalimantan?series=contoh&mode=present": [*MAP, "present.js"],
    "/embed/kalimantan?series=contoh": [*MAP, "embed.js"],
    "/map/kalimantan/berdampingan?series=contoh": [*MAP, "inline", "side-by-side.js"],
    "/district/62.11": ["peta.css"],
}
TAG = re.compile(r'<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"|<script(?: nonce=[^>]*)?>\s*var map_')


def loaded(page: str) -> list[str]:
    """The page's stylesheets and scripts in order: bundle names, "geometri", or "inline" for a map's script."""
    names = []
    for match in TAG.finditer(page):
        address = match.group(1) or match.group(2)
        if address is None:
            names.append("inline")
        elif address.startswith("/geometri/"):
            names.append("geometri")
        else:
            stem, digest, extension = address.removeprefix("/aset/").split(".")
            assert bundles()[f"{stem}.{extension}"].digest == digest
            names.append(f"{stem}.{extension}")
    return names


@pytest.mark.parametrize("url", sorted(PAGES))
def test_pages_load_bundles_in_order(client, url):
    page = client.get(url).get_data(as_text=True)
    assert loaded(page) == PAGES[url]
    assert "/static/" not in page and "/vendor/" not in page  # nothing one file at a time


def bundle_urls(client) -> list[str]:
    page = client.get("/map/kalimantan?series=contoh").get_data(as_text=True)
    return sorted(set(re.findall(r'"(/aset/[^"]+)"', page)))


def test_bundles_are_cached_for_good_and_answer_304(client):
    urls = bundle_urls(client)
    assert len(urls) == 5
    for url in urls:
        response = client.get(url, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
        assert response.mimetype == ("text/css" if url.endswith(".css") else "text/javascript")
        assert set(response.headers["Cache-Control"].split(", ")) == {"public", YEAR, "immutable"}
        etag = response.headers["ETag"]
        again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        assert plain.data == bundles()[url.split("/")[-1].split(".")[0] + "." + url.rsplit(".", 1)[1]].body


@pytest.mark.parametrize(
    "url",
    [
        "/aset/map.000000000000.js",  # an address of an older build
        "/aset/nope.000000000000.js",
        "/aset/map.js",
        "/aset/peta.css",
        "/aset/../app.py",
        "/aset/static/js/fit.js",
    ],
)
def test_a_stale_or_unknown_bundle_is_not_found(client, url):
    assert client.get(url).status_code == 404


def test_a_stale_hash_of_a_real_bundle_is_not_found(client):
    current = bundles()["map.js"].digest
    stale = "0" * len(current) if current != "0" * len(current) else "1" * len(current)
    assert client.get(f"/aset/map.{current}.js").status_code == 200
    assert client.get(f"/aset/map.{stale}.js").status_code == 404


def test_bundles_are_compressed_once(client, monkeypatch):
    import web.encoding

    url = bundle_urls(client)[0]
    assert client.get(url, headers={"Accept-Encoding": "br"}).status_code == 200

    def refuse(*args, **kwargs):
        raise AssertionError("compressed again")

    monkeypatch.setattr(web.encoding.brotli, "compress", refuse)
    monkeypatch.setattr(web.encoding.gzip, "compress", refuse)
    for accept in ("br", "gzip", "identity"):
        assert client.get(url, headers={"Accept-Encoding": accept}).status_code == 200


def test_stylesheet_images_are_where_the_bundle_points(client):
    url = next(u for u in bundle_urls(client) if u.endswith(".css"))
    css = client.get(url).get_data(as_text=True)
    images = re.findall(r"url\(([^)#]+)\)", css)
    assert "../vendor/leaflet/images/layers.png" in images
    for image in images:
        response = client.get(urljoin(url, image))
        assert response.status_code == 200 and response.mimetype == "image/png", image


def test_made_up_names_cannot_push_files_out_of_the_cache(client, monkeypatch):
    import web.encoding

    client.get("/vendor/leaflet/leaflet.js")
    for n in range(200):
        assert client.get(f"/vendor/leaflet/nope-{n}.js").status_code == 404
        assert client.get(f"/aset/map.{n:012d}.js").status_code == 404
    monkeypatch.setattr(web.encoding.brotli, "compress", lambda *a, **k: pytest.fail("compressed again"))
    assert client.get("/vendor/leaflet/leaflet.js", headers={"Accept-Encoding": "br"}).status_code == 200


def test_the_sign_in_page_gets_its_stylesheet_when_maps_are_private(app):
    app.config["PUBLIC_VIEW"] = False
    client = app.test_client()
    assert client.get("/map/kalimantan").status_code == 302
    page = client.get("/masuk").get_data(as_text=True)
    (stylesheet,) = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert client.get(stylesheet).status_code == 200


def test_the_offline_file_inlines_the_same_bundles(client):
    page = client.get("/export/kalimantan.html?series=contoh").get_data(as_text=True)
    assert "<script src" not in page and '<link rel="stylesheet"' not in page
    positions = [page.find(bundle_text(name)) for name in ("peta.css", "vendor.js", "draw.js")]
    assert -1 not in positions and positions == sorted(positions)
    assert page.find("(window.PetaTopologi = window.PetaTopologi || {})") > positions[-1]  # then the geometry
