"""Hardening: secrets, redirects, host headers, sessions, throttling, headers, failures in words."""

from __future__ import annotations

import re
import stat

import pytest

from app import ConfigError, create_app
from geo.accounts import create_user
from tests.databases import make_app
from web.resources import get_resources

PASSWORD = "kata-sandi-panjang"


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
