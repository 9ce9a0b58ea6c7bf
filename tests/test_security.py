"""Hardening: secrets, redirects, host headers, sessions, throttling, headers, failures in words."""

from __future__ import annotations

import stat

import pytest

from app import ConfigError, create_app


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
