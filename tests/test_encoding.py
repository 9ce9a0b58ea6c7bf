"""Cached responses stored once as identity, brotli and gzip; ETag and 304; the byte-bounded cache."""

import gzip

import brotli
import pandas as pd
import pytest
from flask import Flask

from web.encoding import Compress, store_body, stored_response
from web.resources import LRUCache, size_of

PAGE = "<p>" + "Kabupaten Pulang Pisau 41,3% " * 200 + "</p>"


@pytest.fixture()
def tiny():
    """An app with one stored body and one answer made per request, both behind Flask-Compress."""
    app = Flask(__name__)
    app.config["COMPRESS_ALGORITHM"] = ["zstd", "br", "gzip", "deflate"]
    Compress(app)
    stored = store_body(PAGE, "text/html")
    app.add_url_rule("/stored", "stored", lambda: stored_response(stored))
    app.add_url_rule("/made", "made", lambda: PAGE)
    return app.test_client()


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("br;q=0.5, gzip", "gzip"),
        ("gzip", "gzip"),
        ("br", "br"),
        ("br;q=0, gzip;q=0", None),
        ("identity", None),
        ("zstd", None),  # not stored in zstd: sent as it is, never compressed on the hit
        ("deflate", None),
        ("", None),
    ],
)
def test_the_stored_form_the_client_takes_is_sent(tiny, accept, encoding):
    response = tiny.get("/stored", headers={"Accept-Encoding": accept})
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    decode = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda data: data}[encoding]
    assert decode(response.data).decode() == PAGE


def test_an_answer_made_per_request_is_still_compressed(tiny):
    assert tiny.get("/made", headers={"Accept-Encoding": "zstd"}).headers["Content-Encoding"] == "zstd"


@pytest.mark.parametrize("accept", ["br", "gzip", "identity"])
def test_each_encoding_has_its_etag_and_answers_304(tiny, accept):
    first = tiny.get("/stored", headers={"Accept-Encoding": accept})
    etag = first.headers["ETag"]
    again = tiny.get("/stored", headers={"Accept-Encoding": accept, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = "gzip" if accept == "br" else "br"
    assert tiny.get("/stored", headers={"Accept-Encoding": other, "If-None-Match": etag}).status_code == 200


@pytest.mark.parametrize(
    ("body", "mimetype", "compressed"),
    [
        (PAGE, "text/html", True),
        (PAGE, "application/json", True),
        (PAGE, "image/svg+xml", True),
        (PAGE.encode(), "image/png", False),  # PNG, PDF and PPTX are compressed already
        ("{}", "application/json", False),  # too small to gain
    ],
)
def test_only_text_worth_compressing_is_compressed(body, mimetype, compressed):
    stored = store_body(body, mimetype)
    assert (stored.br is not None, stored.gzip is not None) == (compressed, compressed)
    assert stored.size == len(stored.identity) + len(stored.br or b"") + len(stored.gzip or b"")


def test_the_cache_is_bounded_in_bytes_least_recently_used_first():
    cache = LRUCache(max_bytes=3000)
    for key in "abc":
        cache.get_or_make(key, lambda: "x" * 1000)
    cache.get_or_make("a", lambda: pytest.fail("a is cached"))  # a is now the most recently used
    cache.get_or_make("d", lambda: "y" * 1000)
    assert set(cache.items) == {"a", "c", "d"} and cache.size == 3000
    assert cache.get_or_make("big", lambda: "z" * 5000) == "z" * 5000  # answered, not kept
    assert "big" not in cache.items and cache.size == 3000


def test_the_cache_measures_each_value_once(monkeypatch):
    import web.resources

    measured = []
    original = web.resources.size_of

    def counting(value, depth=0, seen=None):
        if depth == 0:
            measured.append(value)
        return original(value, depth, seen)

    monkeypatch.setattr(web.resources, "size_of", counting)
    cache = LRUCache(max_bytes=3000)
    value = {"features": {"62.11": {"tip": ["x" * 100]}}}
    assert cache.get_or_make("a", lambda: value) is value
    assert cache.get_or_make("a", lambda: pytest.fail("a is cached")) is value
    assert measured == [value] and 100 < cache.size < 1000


def test_sizes_count_bodies_text_and_frames():
    stored = store_body(PAGE, "text/html")
    frame = pd.DataFrame({"name": ["Kabupaten Pulang Pisau"] * 100, "pct": [41.3] * 100})
    assert size_of(stored) == stored.size
    assert size_of(("rendered", PAGE)) >= len(PAGE)
    assert size_of(frame) >= 100 * (8 + len("Kabupaten Pulang Pisau"))


CACHED_URLS = [
    "/map/kalimantan",
    "/map/kalimantan?mode=present",
    "/embed/kalimantan",
    "/map/kalimantan/values.json?series=contoh&period=2025-06",
    "/api/coverage.geojson?scope=kalimantan",
    "/api/ranking?scope=kalimantan",
    "/api/summary?scope=kalimantan",
    "/export/kalimantan.svg",
    "/vendor/leaflet/leaflet.js",
    "/static/css/peta.css",
]


@pytest.mark.parametrize("url", CACHED_URLS)
def test_a_cached_answer_is_never_compressed_again(client, url, monkeypatch):
    import flask_compress.flask_compress as compressing

    import web.encoding

    first = client.get(url, headers={"Accept-Encoding": "br"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "br"

    def refuse(*args, **kwargs):
        raise AssertionError("compressed again on a cache hit")

    monkeypatch.setattr(web.encoding.brotli, "compress", refuse)
    monkeypatch.setattr(web.encoding.gzip, "compress", refuse)
    monkeypatch.setattr(compressing, "_compress_data", refuse)
    for accept in ("gzip, deflate, br, zstd", "gzip", "zstd", "identity"):
        again = client.get(url, headers={"Accept-Encoding": accept})
        assert again.status_code == 200 and again.headers.get("Content-Encoding") in ("br", "gzip", None)
    assert client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]}).status_code == 304


def test_a_stored_brotli_form_is_made_again_smaller_with_the_same_etag(monkeypatch):
    """After the request, a body made at brotli 5 gets its brotli 11 form (web.encoding.Upgrades): smaller, the
    same bytes when decoded, the same ETag, so a browser's copy still answers 304. Assets are made at 11 at once."""
    import json

    from web.encoding import ASSET_LEVELS, UPGRADES

    monkeypatch.setattr(UPGRADES, "enabled", True)
    rows = [{"kode": f"62.{n:02d}", "nama": f"Kabupaten {n}", "cakupan": f"{n * 1.37:.1f}%"} for n in range(400)]
    body = json.dumps(rows)
    app = Flask(__name__)
    stored = store_body(body, "application/json")
    first_br = stored.br
    with app.test_request_context(headers={"Accept-Encoding": "br"}):
        before = stored_response(stored).headers["ETag"]
    assert before.startswith('W/"')  # weak: the same content, not always the same bytes
    UPGRADES.wait()
    assert len(stored.br) < len(first_br)
    assert brotli.decompress(stored.br) == brotli.decompress(first_br) == body.encode()
    with app.test_request_context(headers={"Accept-Encoding": "br", "If-None-Match": before}):
        assert stored_response(stored).status_code == 304
    submitted = []
    monkeypatch.setattr(UPGRADES, "submit", submitted.append)
    store_body(body, "application/json", levels=ASSET_LEVELS)
    store_body(body, "application/json")
    assert len(submitted) == 1
