"""Hardening: secrets, redirects, host headers, sessions, throttling, headers, failures in words."""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import io
import os
import re
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import brotli
import pytest
from openpyxl import Workbook
from sqlalchemy import create_engine, event

from app import ROOT, ConfigError, create_app
from geo.accounts import create_user
from geo.uploads import analyse_file, read
from tests.databases import BOTH_DATABASES, _free_port, make_app
from web.resources import get_resources

PASSWORD = "kata-sandi-panjang"
INLINE = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.DOTALL)


def test_without_a_secret_one_is_made_in_the_instance_folder_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv("PETA_SECRET_KEY", raising=False)
    first = create_app({"TESTING": True}, instance_path=tmp_path)
    secret = first.config["SECRET_KEY"]
    assert secret != "dev-only-change-me" and len(secret) >= 32
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert create_app({"TESTING": True}, instance_path=tmp_path).config["SECRET_KEY"] == secret


def test_the_published_development_secret_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("PETA_SECRET_KEY", "dev-only-change-me")
    with pytest.raises(ConfigError, match="PETA_SECRET_KEY"):
        create_app({"TESTING": True}, instance_path=tmp_path)


@pytest.fixture(scope="module")
def site(tmp_path_factory, boundaries_dir):
    """One app with the samples and an account per role, shared by the tests that only sign in and read."""
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('security') / 'peta.sqlite'}", boundaries_dir)
    with app.app_context():
        for name, role in (("pemirsa", "viewer"), ("penyunting", "editor"), ("pengelola", "admin")):
            create_user(get_resources().engine, name, role, PASSWORD)
    return app


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def sign_in(client, name, password=PASSWORD, next_url=None):
    token = csrf(client.get("/masuk").get_data(as_text=True))
    url = "/masuk" + (f"?next={next_url}" if next_url is not None else "")
    return client.post(url, data={"name": name, "password": password, "csrf_token": token})


@pytest.mark.parametrize(
    ("next_url", "location"),
    [
        ("/%09/evil.example/phish", "/kelola"),
        ("/%0A/evil.example/phish", "/kelola"),
        ("/%0D%0A/evil.example", "/kelola"),
        ("//evil.example", "/kelola"),
        ("/%5Cevil.example", "/kelola"),
        ("https://evil.example/", "/kelola"),
        ("javascript:alert(1)", "/kelola"),
        ("/%7F/evil.example", "/kelola"),
        ("", "/kelola"),
        ("/kelola/riwayat", "/kelola/riwayat"),
        ("/map/kalimantan%3Fperiod%3D2025-10", "/map/kalimantan?period=2025-10"),
    ],
)
def test_sign_in_goes_on_only_to_a_path_on_this_site(site, next_url, location):
    response = sign_in(site.test_client(), "penyunting", next_url=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == location


def test_a_forged_host_never_enters_a_cached_page(site):
    client = site.test_client()
    for _ in range(3):
        assert client.get("/", headers={"Host": "attacker.example"}).status_code == 200
    page = client.get("/").get_data(as_text=True)
    assert "attacker.example" not in page
    assert 'id="embed-code"' not in page  # no address configured: no embed code, never one from the Host


def twin(site, **config):
    """Another app on the site's database, with other settings."""
    return create_app({**site.config, **config})


def test_absolute_addresses_come_from_the_public_url(site):
    app = twin(site, PUBLIC_URL="https://peta.example.go.id/")
    page = app.test_client().get("/", headers={"Host": "attacker.example"}).get_data(as_text=True)
    assert "attacker.example" not in page
    assert 'src="https://peta.example.go.id/embed/kalimantan-sumatera?' in page


def test_only_trusted_hosts_are_answered(site, monkeypatch):
    monkeypatch.setenv("PETA_TRUSTED_HOSTS", "peta.example.go.id, localhost")
    app = create_app({"TESTING": True, "DATABASE_URL": site.config["DATABASE_URL"]})
    assert app.config["ANSWERED_HOSTS"] == ["peta.example.go.id", "localhost"]
    client = app.test_client()
    assert client.get("/api/scopes", headers={"Host": "attacker.example"}).status_code == 400
    assert client.get("/api/scopes", headers={"Host": "peta.example.go.id"}).status_code == 200


@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/?mode=cetak", 400, "Mode &#39;cetak&#39; tidak dikenal"),
        ("/map/kalimantan?mode=present&title=Rapat", 200, "Rapat"),
        ("/map/kalimantan?mode=", 200, "Kalimantan"),
        ("/map/kalimantan?foo=1&bar=%00", 200, "Kalimantan"),
        ("/map/kalimantan?scope=atlantis", 302, "/map/atlantis"),
    ],
)
def test_unknown_query_values_never_give_500(site, url, status, text):
    response = site.test_client().get(url)
    assert response.status_code == status
    assert text in (response.headers.get("Location") or response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("url", "location"),
    [
        # the map's own form with JavaScript off: every select, scope among them
        ("/?scope=sumatera&period=2025-10&compare=&series=utama&view=cakupan&layer=kabupaten", "/map/sumatera?"),
        ("/map/kalimantan?scope=kalimantan-tengah&mode=present&lang=en", "/map/kalimantan-tengah?"),
    ],
)
def test_the_scope_field_chooses_the_map(site, url, location):
    client = site.test_client()
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith(location)
    assert client.get(response.headers["Location"]).status_code == 200


def test_signing_out_ends_the_session_even_for_a_copied_cookie(site):
    client = site.test_client()
    assert sign_in(client, "penyunting").status_code == 302
    copied = client.get_cookie("session").value
    assert client.get("/kelola").status_code == 200
    token = csrf(client.get("/kelola").get_data(as_text=True))
    assert client.post("/keluar", data={"csrf_token": token}).status_code == 302
    thief = site.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/kelola").status_code == 302  # sent to sign in


@pytest.mark.parametrize(
    ("args", "stdin"),
    [(["users", "disable", "pengelola"], None), (["users", "reset-password", "pengelola"], "baru-sekali-12\n" * 2)],
)
def test_disabling_or_a_new_password_ends_open_sessions(site, args, stdin):
    client = site.test_client()
    assert sign_in(client, "pengelola").status_code == 302
    assert client.get("/kelola").status_code == 200
    result = site.test_cli_runner().invoke(args=args, input=stdin)
    assert result.exit_code == 0, result.output
    assert client.get("/kelola").status_code == 302
    if args[1] == "disable":
        assert sign_in(client, "pengelola").status_code == 401  # the right password no longer opens it
        assert site.test_cli_runner().invoke(args=["users", "enable", "pengelola"]).exit_code == 0
        assert sign_in(client, "pengelola").status_code == 302
    else:
        assert sign_in(client, "pengelola", "baru-sekali-12").status_code == 302
        site.test_cli_runner().invoke(args=["users", "reset-password", "pengelola"], input=f"{PASSWORD}\n" * 2)


def test_tokens_are_listed_revoked_and_refused_for_disabled_accounts(site):
    runner = site.test_cli_runner()
    token = runner.invoke(args=["tokens", "create", "pemirsa"]).output.strip()
    client = site.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/datasets", headers=bearer).status_code == 403  # known, but a viewer
    listed = runner.invoke(args=["tokens", "list", "pemirsa"]).output
    assert token not in listed
    token_id = listed.split()[0]
    assert runner.invoke(args=["users", "disable", "pemirsa"]).exit_code == 0
    assert client.get("/api/datasets", headers=bearer).status_code == 401
    assert runner.invoke(args=["users", "enable", "pemirsa"]).exit_code == 0
    assert client.get("/api/datasets", headers=bearer).status_code == 403
    assert runner.invoke(args=["tokens", "revoke", token_id]).exit_code == 0
    assert client.get("/api/datasets", headers=bearer).status_code == 401
    assert "nonaktif" not in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["tokens", "revoke", "999999"]).exit_code == 1


@pytest.fixture()
def fresh_limits(site):
    """The site's sign-in counts start at zero (other tests sign in too) and are cleared afterwards."""
    site.extensions["peta_limiter"].reset()
    yield site
    site.extensions["peta_limiter"].reset()


def test_wrong_passwords_from_one_address_never_lock_the_owner_out(site, fresh_limits):
    """Ten wrong passwords (the default limit) from one address: that address waits, the owner elsewhere does not."""
    try:
        guesser = site.test_client()
        answers = [sign_in(guesser, "pengelola", f"tebakan-{n:04d}").status_code for n in range(11)]
        assert answers == [401] * 10 + [429]
        refused = sign_in(guesser, "pengelola")  # even the right password, from the guessing address
        assert refused.status_code == 429 and "Terlalu banyak percobaan masuk" in refused.get_data(as_text=True)
        assert "Retry-After" in refused.headers
        owner = site.test_client()
        owner.environ_base["REMOTE_ADDR"] = "10.0.0.9"
        assert sign_in(owner, "pengelola").status_code == 302  # the right password, from elsewhere
        assert sign_in(guesser, "penyunting").status_code == 302  # other accounts from the same address too
    finally:
        site.extensions["peta_limiter"].reset()


def test_a_guess_spread_over_addresses_is_slowed_down_for_a_minute_not_locked(site, fresh_limits):
    site.config.update(LOGIN_LIMIT_ACCOUNT_ALL="3 per minute")
    try:
        for number in range(3):
            guesser = site.test_client()
            guesser.environ_base["REMOTE_ADDR"] = f"10.0.1.{number}"
            assert sign_in(guesser, "pengelola", "tebakan-salah-sekali").status_code == 401
        owner = site.test_client()
        owner.environ_base["REMOTE_ADDR"] = "10.0.0.9"
        slowed = sign_in(owner, "pengelola")
        assert slowed.status_code == 429 and "Tunggu 1 menit" in slowed.get_data(as_text=True)
    finally:
        site.extensions["peta_limiter"].reset()
        site.config.update(LOGIN_LIMIT_ACCOUNT_ALL="20 per minute")


def test_attempts_per_address_are_limited_whatever_the_name(site, fresh_limits):
    site.config.update(LOGIN_LIMIT_ADDRESS="7 per 15 minutes")
    try:
        guesser = site.test_client()
        answers = [sign_in(guesser, f"nama-{n}", "salah-sekali").status_code for n in range(8)]
        assert answers == [401] * 7 + [429]
    finally:
        site.extensions["peta_limiter"].reset()
        site.config.update(LOGIN_LIMIT_ADDRESS="30 per 15 minutes")


def test_unknown_names_cost_one_password_hash_like_known_ones(site, monkeypatch):
    """Timing must not tell which names exist: an unknown name checks a dummy hash of the same method.

    (Timed instead, the machine's other work drowns the difference; before the fix it was 82 ms against 4.)
    """
    from geo import accounts

    methods = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: methods.append(h.split("$")[0]) or real(h, p))
    engine = get_resources_of(site).engine
    assert accounts.check_password(engine, "penyunting", "salah-sekali") is None
    assert accounts.check_password(engine, "tidak-ada", "salah-sekali") is None
    assert len(methods) == 2 and methods[0] == methods[1]


def get_resources_of(app):
    with app.app_context():
        return get_resources()


def xlsx(sheets: int = 1, rows=(("6211", "Pulang Pisau", 41300, 100000),)) -> bytes:
    book = Workbook()
    book.active.title = "Catatan"
    book.active.append(["Catatan: angka sementara"])
    for number in range(sheets):
        sheet = book.create_sheet(f"Lembar {number}")
        if number == sheets - 1:
            sheet.append(["Kode", "Kabupaten/Kota", "Peserta", "Penduduk Bekerja"])
            for row in rows:
                sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def broken_sheet_xml(data: bytes) -> bytes:
    """The same workbook with its data sheet's XML cut in the middle of a row."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":
                content = content[: content.index(b"<row") + 20]
            target.writestr(item, content)
    return out.getvalue()


@pytest.fixture()
def editor_token(app):
    with app.app_context():
        create_user(get_resources().engine, "skrip", "editor", PASSWORD)
    return {
        "Authorization": "Bearer " + app.test_cli_runner().invoke(args=["tokens", "create", "skrip"]).output.strip()
    }


def post_upload(client, headers, data: bytes, name: str = "cakupan.xlsx", period: str = "2025-09"):
    return client.post(
        "/api/uploads",
        data={"file": (io.BytesIO(data), name), "period": period},
        headers=headers,
        content_type="multipart/form-data",
    )


@BOTH_DATABASES
@pytest.mark.parametrize(
    ("name", "data", "text"),
    [
        ("cakupan.xlsx", broken_sheet_xml(xlsx()), "rusak"),
        (
            "cakupan.csv",
            b"Kode,Kabupaten/Kota,Peserta,Penduduk Bekerja\n" + b" " * 5000 + b"6211,Pulang\x00Pisau,1,2\n",
            "NUL",
        ),
        ("caku\x00pan.xlsx", xlsx(), "NUL"),
    ],
)
def test_broken_files_and_nul_bytes_are_a_400_with_words(app, editor_token, name, data, text):
    response = post_upload(app.test_client(), editor_token, data, name)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert text in response.get_json()["error"] or "biner" in response.get_json()["error"]


@BOTH_DATABASES
@pytest.mark.parametrize(
    "url",
    [
        "/api/uploads/9223372036854775808/publish",
        "/api/datasets/99999999999999999999/restore",
        "/api/uploads/2147483648/publish",
    ],
)
def test_ids_beyond_the_database_are_a_400(app, editor_token, url):
    client = app.test_client()
    response = client.post(url, headers=editor_token)
    assert response.status_code == 400 and "terlalu besar" in response.get_json()["error"]
    for largest in ("/api/uploads/2147483647/publish", "/api/datasets/2147483647/restore"):
        assert client.post(largest, headers=editor_token).status_code == 404  # could exist; does not


def test_huge_draft_ids_on_the_review_page(site):
    client = site.test_client()
    sign_in(client, "penyunting")
    assert client.get("/kelola/draf/2147483647").status_code == 404
    response = client.get("/kelola/draf/9223372036854775808")
    assert response.status_code == 400 and "terlalu besar" in response.get_data(as_text=True)


def test_a_workbook_is_opened_once_to_find_its_table_whatever_its_sheet_count(index, monkeypatch):
    opened = []
    real = read.load_workbook
    monkeypatch.setattr(read, "load_workbook", lambda *a, **k: opened.append(1) or real(*a, **k))
    report = analyse_file(xlsx(sheets=60), "cakupan.xlsx", index, "2025-09")
    assert report.sheet == "Lembar 59" and report.rows[0].code == "62.11"
    assert len(opened) == 2  # once to read the first sheet, once to look through the others (61 before)


def test_one_page_reads_the_live_versions_once_even_while_a_version_is_published(app, monkeypatch):
    """A publish between the map's and the table's look-ups used to give a page two versions."""
    from geo.store import publish, read_records
    from web import maps

    engine = get_resources_of(app).engine
    live_reads = []
    event.listen(
        engine,
        "before_cursor_execute",
        lambda conn, cursor, statement, *rest: live_reads.append(1) if "is_live" in statement and not seen else None,
    )
    seen = {}
    real_resolve = maps.resolve_result

    def resolve_then_publish(resources, query):
        result = real_resolve(resources, query)
        if "map" not in seen:  # a publish lands while the page is being made
            seen["publishing"] = True  # the publish's own queries are not the page's
            records = read_records(engine, result.dataset.id).assign(participants=lambda f: f["participants"] + 1)
            publish(engine, result.dataset.series, result.dataset.period, records, title="baru", created_by="uji")
            seen["map"] = result.dataset
        return result

    monkeypatch.setattr(maps, "resolve_result", resolve_then_publish)
    live_reads.clear()
    page = app.test_client().get("/map/kalimantan?period=2025-10").get_data(as_text=True)  # one period, selected
    assert len(live_reads) == 1  # the periods list reads the same snapshot as the map and the table
    assert f'<option value="{seen["map"].period}" selected>' in page
    # The page was made from the version live when it started; the next request shows the new one.
    live = next(p for p in app.test_client().get("/api/periods").get_json() if p["period"] == seen["map"].period)
    assert live["dataset_id"] != seen["map"].id and live["version"] == seen["map"].version + 1


DEAD_DATABASES = ["sqlite:////nonexistent-folder/peta.sqlite", "postgresql+psycopg://peta@127.0.0.1:1/peta"]


@pytest.mark.parametrize("dead", DEAD_DATABASES)
def test_with_the_database_down_cached_pages_are_served_and_the_rest_says_so(site, dead):
    app = twin(site)
    client = app.test_client()
    before = client.get("/map/kalimantan?lang=en").get_data(as_text=True)
    resources = get_resources_of(app)
    resources.engine = create_engine(dead, connect_args={"connect_timeout": 2} if "postgresql" in dead else {})
    cached = client.get("/map/kalimantan?lang=en")
    assert cached.status_code == 200 and cached.get_data(as_text=True) == before
    # A version's records never change: read once for the first map, they answer other scopes of the same
    # live version while the database is down (map and summary); what needs the database says so (the province
    # layer's published figures were never read).
    other = client.get("/map/sumatera?lang=id")
    assert other.status_code == 200 and "Sumatera" in other.get_data(as_text=True)
    page = client.get("/map/sumatera?lang=id&layer=provinsi")
    assert page.status_code == 503 and "Basis data tidak dapat dihubungi" in page.get_data(as_text=True)
    english = client.get("/map/sumatera?lang=en&layer=provinsi")
    assert english.status_code == 503 and "database cannot be reached" in english.get_data(as_text=True)
    summary = client.get("/api/summary?scope=sumatera&lang=id")
    # The default is the terbaru view: no single period, the newest one it counts its window back from.
    assert summary.status_code == 200 and summary.get_json()["latest"]["newest_period"] == "2025-10"
    api = client.get("/api/periods?lang=id")
    assert api.status_code == 503 and "Basis data" in api.get_json()["error"]


def test_a_read_only_database_refuses_writes_naming_the_cause(app, editor_token):
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    get_resources_of(app).engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    client = app.test_client()
    assert client.get("/map/kalimantan").status_code == 200  # reading works
    response = post_upload(client, editor_token, xlsx())
    assert response.status_code == 503 and "hanya-baca" in response.get_json()["error"]


@pytest.mark.parametrize(
    ("lang", "csrf_text", "forbidden_text", "too_large_text"),
    [
        ("id", "token CSRF", "tidak punya izin", "Paling besar 10 MB"),
        ("en", "CSRF token", "not allowed", "At most 10 MB"),
    ],
)
def test_error_pages_speak_the_page_language(site, lang, csrf_text, forbidden_text, too_large_text):
    client = site.test_client()
    client.get(f"/?lang={lang}")  # remembered in a cookie
    csrf_page = client.post("/masuk", data={"name": "x", "password": "y"})
    assert csrf_page.status_code == 400 and csrf_text in csrf_page.get_data(as_text=True)
    assert "The CSRF token" not in csrf_page.get_data(as_text=True)
    sign_in(client, "pemirsa")
    forbidden = client.get("/kelola")
    assert forbidden.status_code == 403 and forbidden_text in forbidden.get_data(as_text=True)
    too_large = client.post("/api/uploads", data=b"x" * (10 * 2**20 + 1), content_type="application/octet-stream")
    assert too_large.status_code == 413 and too_large_text in too_large.get_json()["error"]
    assert f'<html lang="{lang}">' in forbidden.get_data(as_text=True)


def script_sources(response) -> list[str]:
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    return policy["script-src"].split()


def allowed(attributes: str, body: str, sources: list[str]) -> bool:
    """Whether CSP lets this inline script run: its nonce or its hash is among the sources."""
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    nonce = re.search(r'nonce="([^"]+)"', attributes)
    return f"'sha256-{digest}'" in sources or bool(nonce and f"'nonce-{nonce.group(1)}'" in sources)


@pytest.mark.parametrize(
    ("url", "cached"),
    [
        ("/map/kalimantan", True),
        ("/map/kalimantan?mode=present", True),
        ("/map/kalimantan?mode=present&title=Rapat+Gubernur", False),  # free text: rendered for the request
        ("/embed/kalimantan", True),
        ("/map/kalimantan/berdampingan", True),
    ],
)
def test_every_inline_script_is_allowed_by_nonce_or_hash_and_nothing_else_is(site, url, cached):
    client = site.test_client()
    answers = [client.get(url) for _ in range(2)]  # the second from the caches
    for response in answers:
        sources = script_sources(response)
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources and "'self'" in sources
        inline = INLINE.findall(response.get_data(as_text=True))
        assert inline and all(allowed(attributes, body, sources) for attributes, body in inline)
        assert not allowed("", "alert(1)", sources)  # an injected script would not run
    first, second = (script_sources(r) for r in answers)
    if cached:  # the same bytes for everyone, allowed by hashes computed once
        assert first == second and answers[0].data == answers[1].data
    else:  # a fresh nonce for every response
        assert first != second


def test_signed_in_pages_are_not_cached_and_the_session_cookie_is_same_site(site):
    client = site.test_client()
    assert "no-store" not in client.get("/map/kalimantan").headers.get("Cache-Control", "")
    response = sign_in(client, "penyunting")
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Secure" not in cookie
    for url in ("/kelola", "/map/kalimantan"):
        assert client.get(url).headers["Cache-Control"] == "private, no-store"
    secure = twin(site, PUBLIC_URL="https://peta.example.go.id")
    assert "Secure" in sign_in(secure.test_client(), "penyunting").headers["Set-Cookie"]


def test_cached_pages_are_compressed_once(site):
    client = site.test_client()
    plain = client.get("/map/sumatera", headers={"Accept-Encoding": "identity"})
    squeezed = client.get("/map/sumatera", headers={"Accept-Encoding": "gzip"})
    smaller = client.get("/map/sumatera", headers={"Accept-Encoding": "gzip, br"})
    assert squeezed.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain.headers
    assert gzip.decompress(squeezed.data) == plain.data and len(squeezed.data) < len(plain.data) / 3
    assert smaller.headers["Content-Encoding"] == "br" and brotli.decompress(smaller.data) == plain.data
    # Every form carries the page's script hashes, so the CSP allows the same scripts whatever the encoding.
    policies = {r.headers["Content-Security-Policy"] for r in (plain, squeezed, smaller)}
    assert len(policies) == 1 and "'sha256-" in policies.pop()


@pytest.fixture()
def gunicorn(site, tmp_path):
    """gunicorn with two workers on a free loopback port, on the site's database; stopped afterwards."""
    port = _free_port()
    env = {
        **os.environ,
        "PETA_DATABASE_URL": site.config["DATABASE_URL"],
        "PETA_BOUNDARIES_DIR": site.config["BOUNDARIES_DIR"],
    }
    command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as output:
        server = subprocess.Popen([*command, "wsgi:app"], cwd=ROOT, env=env, stderr=output)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text()[-2000:]
            try:
                if fetch(port, "/api/scopes")[0] == 200:
                    break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def fetch(port: int, path: str, host: str | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": host} if host else {})
    try:
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_forged_hosts_do_not_poison_either_gunicorn_worker(gunicorn):
    """Six forged requests then ten normal ones: before the fix, 7 of the 10 offered the attacker's site."""
    for _ in range(6):
        fetch(gunicorn, "/", host="attacker.example")
    pages = [fetch(gunicorn, "/") for _ in range(10)]
    assert all(status == 200 for status, _ in pages)
    assert not [page for _, page in pages if "attacker.example" in page]


def test_several_workers_counting_limits_in_memory_warn_at_start(gunicorn, tmp_path):
    log = (tmp_path / "gunicorn.log").read_text()
    assert "PETA_RATELIMIT_STORAGE_URI is memory://" in log and "each of the 2 workers" in log


@pytest.mark.slow
def test_a_short_secret_stops_gunicorn_instead_of_restarting_workers(site, tmp_path):
    env = {**os.environ, "PETA_SECRET_KEY": "password", "PETA_DATABASE_URL": site.config["DATABASE_URL"]}
    command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{_free_port()}"]
    finished = subprocess.run([*command, "wsgi:app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert finished.returncode != 0
    assert finished.stderr.count("PETA_SECRET_KEY has 8 characters; at least 32") in (1, 2)  # once per worker
    assert "App failed to load" in finished.stderr


@pytest.mark.parametrize(
    "path",
    ["/map/kalimantan?series=contoh", "/map/kalimantan/berdampingan?series=contoh&period=2025-12&compare=2025-06"],
)
def test_a_page_is_the_same_bytes_and_etag_on_every_instance(path, tmp_path, boundaries_dir):
    """Two instances (two databases, as two workers or machines would be) render the same page to the same bytes:
    folium's elements are named from the view, not at random, and a cached page carries no per-request nonce (its
    CSP allows its inline scripts by hash), so a second visit to another worker is a 304."""
    from tests.databases import make_app

    pages = []
    for name in ("one", "two"):
        response = make_app(f"sqlite:///{tmp_path / name}.sqlite", boundaries_dir).test_client().get(path)
        assert response.status_code == 200
        pages.append(response)
    first, second = pages
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    html = first.get_data(as_text=True)
    assert " nonce=" not in html
    names = set(re.findall(r'class="folium-map" id="(map_[a-z0-9_]+)"', html))
    assert len(names) == (2 if "berdampingan" in path else 1)  # each map of a page has its own names
    policy = first.headers["Content-Security-Policy"]
    for body in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_data_answers_carry_the_policy_for_data(client):
    """JSON and CSV are data, never documents: their policy lets nothing load and nothing frame them (OWASP's REST
    advice, a tenth of the page policy's bytes on every switch); pages keep the full policy."""
    for url in (
        "/map/kalimantan-tengah/values.json?series=contoh",
        "/api/scopes",
        "/api/ranking?scope=62&series=contoh",
    ):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'", url
        assert answer.headers["X-Frame-Options"] == "DENY" and answer.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get("/map/kalimantan-tengah?series=contoh").headers["Content-Security-Policy"]
    assert "script-src 'self'" in page and "frame-ancestors 'none'" in page
