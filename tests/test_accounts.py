"""Accounts that cannot be faked: secrets, password strength, one form per name, and every change audited."""

from __future__ import annotations

import getpass
import socket
import threading

import pytest

from app import ConfigError, check_secret, create_app
from geo.accounts import AccountError, check_password, check_strength, create_user, normal_name
from geo.audit import audit_log
from tests.databases import make_app
from web.resources import get_resources

PASSWORD = "kata-sandi-panjang"


@pytest.mark.parametrize(
    ("secret", "text"),
    [
        ("x", "1 characters"),
        ("password", "8 characters"),
        ("dev-only-change-me", "published"),
        ("CHANGEME", "published"),
        ("a" * 40, "repeats"),
        ("0123" * 10, "repeats"),
        ("s3kr1t-" * 4, "28 characters"),
    ],
)
def test_a_secret_that_can_be_guessed_is_refused_naming_the_setting(secret, text):
    with pytest.raises(ConfigError, match="PETA_SECRET_KEY") as refused:
        check_secret(secret)
    assert text in str(refused.value) and "token_hex(32)" in str(refused.value)


def test_a_short_secret_stops_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("PETA_SECRET_KEY", "password")
    with pytest.raises(ConfigError, match="at least 32"):
        create_app({"TESTING": True}, instance_path=tmp_path)


def test_the_tests_secret_and_a_made_one_pass():
    check_secret("tests-only-" + "0" * 40)
    import secrets

    check_secret(secrets.token_hex(32))


@pytest.mark.parametrize(
    ("password", "text"),
    [
        (" " * 10, "minimal 12"),
        (" " * 14, "minimal 12"),
        ("pendek", "minimal 12"),
        ("password1234", "mudah ditebak"),
        ("qwertyuiop12", "mudah ditebak"),
        ("aaaaaaaaaaaa", "mudah ditebak"),
        ("editor1editor1", "mudah ditebak"),
        ("123456789012", "mudah ditebak"),
        ("x" * 201, "paling panjang 200"),
    ],
)
def test_weak_passwords_are_refused_in_words(password, text):
    with pytest.raises(AccountError, match=text):
        check_strength(password, "editor1")


@pytest.mark.parametrize("password", [PASSWORD, "jembatan-kopi-hujan-27", "Rapat Gubernur Kaltim 7"])
def test_strong_passwords_pass(password):
    check_strength(password, "editor1")


@pytest.mark.parametrize(
    ("name", "normal"),
    [("Editor1", "editor1"), ("ＥＤＩＴＯＲ１", "editor1"), (" budi.santoso@bpjs ", "budi.santoso@bpjs")],
)
def test_names_have_one_form(name, normal):
    assert normal_name(name) == normal


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("еditor1", "Sirilik"),  # Cyrillic е (U+0435)
        ("edіtor1", "Sirilik"),  # Cyrillic і (U+0456)
        ("editοr1", "Sirilik"),  # Greek ο (U+03BF)
        ("édítor1", "Latin biasa"),
        ("<b>budi</b>", "1–80 karakter"),
        ("budi santoso", "1–80 karakter"),
        ("", "1–80 karakter"),
    ],
)
def test_look_alike_and_odd_names_are_refused(name, text):
    with pytest.raises(AccountError, match=text):
        normal_name(name)


@pytest.fixture()
def engine(app):
    with app.app_context():
        return get_resources().engine


@pytest.mark.parametrize("twin", ["editor1", "Editor1", "EDITOR1", "ｅｄｉｔｏｒ１", "ｅditor1"])
def test_no_second_account_can_sit_beside_editor1(engine, twin):
    create_user(engine, "editor1", "editor", PASSWORD)
    with pytest.raises(AccountError, match="sudah ada"):
        create_user(engine, twin, "editor", PASSWORD)
    assert check_password(engine, twin, PASSWORD).name == "editor1"  # signing in by any form is the same account


def test_account_and_token_changes_are_audited_with_the_operator(app, engine):
    runner = app.test_cli_runner()
    steps = [
        (["users", "create", "Budi", "--role", "editor", "--by", "ani"], f"{PASSWORD}\n" * 2),
        (["users", "reset-password", "budi", "--by", "ani"], "jembatan-kopi-hujan-27\n" * 2),
        (["users", "disable", "budi"], None),
        (["users", "enable", "budi", "--by", "ani"], None),
        (["tokens", "create", "budi", "--by", "ani"], None),
    ]
    for args, stdin in steps:
        result = runner.invoke(args=args, input=stdin)
        assert result.exit_code == 0, result.output
    token_id = runner.invoke(args=["tokens", "list", "budi"]).output.split()[0]
    assert runner.invoke(args=["tokens", "revoke", token_id, "--by", "ani"]).exit_code == 0
    events = [(e["actor"], e["action"]) for e in audit_log(engine)][::-1]
    os_user = f"{getpass.getuser()} (cli)"
    assert events[-6:] == [
        ("ani (cli)", "account_create"),
        ("ani (cli)", "account_password"),
        (os_user, "account_disable"),
        ("ani (cli)", "account_enable"),
        ("ani (cli)", "token_create"),
        ("ani (cli)", "token_revoke"),
    ]
    assert all("cli" != actor for actor, _ in events)


def test_sign_ins_are_audited_with_name_and_address(app, engine):
    from tests.test_security import sign_in

    create_user(engine, "budi", "editor", PASSWORD)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    assert sign_in(client, "Budi", "salah-sekali-ya").status_code == 401
    assert sign_in(client, "BUDI").status_code == 302
    events = audit_log(engine)[:2]
    assert [(e["actor"], e["action"]) for e in events] == [("budi", "sign_in"), ("budi", "sign_in_failed")]
    assert events[0]["detail"] == {"address": "10.0.0.7"}


@pytest.fixture()
def frozen_redis():
    """A port that accepts connections and never answers, as a Redis that hangs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(50)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}"


@pytest.mark.parametrize(
    "storage",
    ["redis://127.0.0.1:1", pytest.param("frozen", marks=pytest.mark.slow)],  # frozen waits out timeouts: 22 s
)
def test_sign_in_works_and_is_still_limited_when_redis_is_down_or_frozen(
    tmp_path, boundaries_dir, frozen_redis, caplog, storage
):
    from tests.test_security import sign_in

    app = make_app(f"sqlite:///{tmp_path / 'peta.sqlite'}", boundaries_dir, load_samples=False)
    app.config["RATELIMIT_STORAGE_URI"] = frozen_redis if storage == "frozen" else storage
    app = create_app({**app.config})  # the limiter reads its storage when the app is made
    with app.app_context():
        create_user(get_resources().engine, "budi", "editor", PASSWORD)
    answers = []

    def attempts():
        client = app.test_client()
        answers.extend(sign_in(client, "budi", f"tebakan-{n:04d}").status_code for n in range(11))
        answers.append(sign_in(app.test_client(), "budi").status_code)

    worker = threading.Thread(target=attempts)
    worker.start()
    worker.join(timeout=120)  # redis-py's defaults would wait for ever on the frozen one
    assert not worker.is_alive(), "sign-in hung on the storage"
    assert answers == [401] * 10 + [429, 429]  # the same limits, counted in this process (same address)
    assert "PETA_RATELIMIT_STORAGE_URI does not answer" in caplog.text


def test_redis_is_asked_with_short_timeouts_and_no_retries():
    from web.auth import storage_options

    options = storage_options("redis://cache:6379")
    assert options["socket_timeout"] <= 0.1 and options["socket_connect_timeout"] <= 0.1
    assert options["retry"].get_retries() == 0
    assert storage_options("memory://") == {}


def test_the_right_password_with_more_after_it_is_wrong(engine):
    password = "jembatan-kopi-hujan-27-" + "x" * 170
    create_user(engine, "budi", "editor", password)
    assert check_password(engine, "budi", password).name == "budi"
    assert check_password(engine, "budi", password + "y" * 50) is None


def test_passwords_are_hashed_with_scrypt_outside_the_tests(engine, monkeypatch):
    """The suite hashes with one PBKDF2 round (tests/conftest.py); the product's method is scrypt, and a password
    hashed either way still signs in."""
    import ast
    from pathlib import Path

    from geo import accounts

    source = ast.parse(Path(accounts.__file__).read_text())
    names = {
        n.targets[0].id: n.value
        for n in source.body
        if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
    }
    product = ast.literal_eval(names["PASSWORD_METHOD"])
    assert product == "scrypt"
    monkeypatch.setattr(accounts, "PASSWORD_METHOD", "scrypt")
    create_user(engine, "sari", "editor", PASSWORD)
    assert check_password(engine, "sari", PASSWORD).name == "sari"
    assert check_password(engine, "sari", PASSWORD + "x") is None
