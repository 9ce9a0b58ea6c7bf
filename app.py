"""Peta Cakupan: create_app() builds the Flask application; `flask --app app ...` and wsgi.py use it."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click
from flask import Flask, request
from flask.cli import FlaskGroup
from flask_babel import Babel
from werkzeug.middleware.proxy_fix import ProxyFix

from geo.boundaries import DEFAULT_PROVINCES
from web.encoding import Compress

ROOT = Path(__file__).resolve().parent
LANGUAGES = ("id", "en")
SECRET_FILE = "secret_key"
KNOWN_SECRETS = {"dev-only-change-me", "dev", "secret", "changeme"}  # published in old releases or guessable
MIN_SECRET = 32  # characters: `secrets.token_hex(32)` makes 64; anything shorter can be guessed or forged


class ConfigError(RuntimeError):
    """A setting that must not be used; the message names the setting and the fix."""


def instance_secret(instance: Path) -> str:
    """The secret kept in the instance folder, made (mode 0600) on first start and reused afterwards.

    Several workers may start together: the file is created exclusively, so exactly one secret wins.
    """
    path = instance / SECRET_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_text().strip()
        if len(secret) < 32:
            raise ConfigError(f"{path} holds a short secret. Hint: delete the file to make a new one.") from None
        return secret
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_hex(32))
    return path.read_text().strip()


def check_secret(secret: str) -> None:
    """Refuse a session secret that can be guessed: a published value, or under 32 characters, or one that
    repeats a few characters (a 32-character secret of one letter is no secret)."""
    hint = (
        "Hint: unset it (a random one is made in the instance folder) or make one with "
        "`python -c 'import secrets; print(secrets.token_hex(32))'`."
    )
    if secret in KNOWN_SECRETS or secret.lower() in KNOWN_SECRETS:
        raise ConfigError(f"PETA_SECRET_KEY is a published value. {hint}")
    if len(secret) < MIN_SECRET:
        raise ConfigError(
            f"PETA_SECRET_KEY has {len(secret)} characters; at least {MIN_SECRET} random ones are needed. {hint}"
        )
    if len(set(secret)) < 8:
        raise ConfigError(f"PETA_SECRET_KEY repeats a few characters; it must be random. {hint}")


def select_locale() -> str:
    """Bahasa Indonesia first; English when asked with ?lang=en (remembered in a cookie)."""
    wanted = request.args.get("lang") or request.cookies.get("lang")
    return wanted if wanted in LANGUAGES else "id"


def create_app(test_config: dict | None = None, instance_path: Path | None = None) -> Flask:
    """Create the app: defaults, PETA_* environment overrides, then test_config."""
    instance = Path(instance_path or ROOT / "instance")
    app = Flask(__name__, instance_path=str(instance), static_folder=None)
    from web.security import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.config.from_mapping(
        SECRET_KEY=None,  # PETA_SECRET_KEY, or one made in the instance folder on first start
        DATABASE_URL=f"sqlite:///{instance / 'peta.sqlite'}",
        BOUNDARIES_SOURCE=str(ROOT.parent / "shared" / "boundaries"),
        BOUNDARIES_DIR=str(ROOT / "data" / "boundaries"),
        PROVINCES=",".join(DEFAULT_PROVINCES),  # "all" for all of Indonesia
        LEVELS_FILE=str(ROOT / "data" / "levels.json"),
        ALIASES_FILE=str(ROOT / "data" / "aliases.csv"),
        PROVINCE_ALIASES_FILE=str(ROOT / "data" / "province_aliases.csv"),
        BOUNDARY_FLAWS_FILE=str(ROOT / "data" / "boundary_flaws.csv"),  # the source's reviewed flaws (geo.flaws)
        PUBLISHED_FILE=str(ROOT / "data" / "coverage" / "terbitan.csv"),
        TILE_URL="",  # optional basemap tiles; off so the map works without internet
        LATEST_WINDOW_MONTHS=24,  # the terbaru view: a district's latest figure counts if at most this many months old
        CACHE_BYTES=256 * 2**20,  # rendered maps, pages and bodies (each with its brotli and gzip forms)
        BABEL_DEFAULT_LOCALE="id",
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
        MAX_CONTENT_LENGTH=10 * 1024 * 1024,
        PUBLIC_VIEW=True,  # maps and data without signing in; writing always needs an editor account
        EMBED_ORIGINS="*",  # sites allowed to frame /embed/ pages (CSP frame-ancestors); the rest is never framed
        PUBLIC_URL="",  # e.g. https://peta.example.go.id: the only source of absolute addresses in pages
        TRUSTED_HOSTS=None,  # host names this app answers to (comma-separated); None answers any
        RATELIMIT_STORAGE_URI="memory://",  # where sign-in attempts are counted; redis://… shared by instances
        LOGIN_LIMIT_ACCOUNT="10 per 15 minutes",  # failed sign-ins per account name from one address
        LOGIN_LIMIT_ACCOUNT_ALL="20 per minute",  # failed sign-ins per account from all addresses: slows, never locks
        LOGIN_LIMIT_ADDRESS="30 per 15 minutes",  # sign-in attempts per client address
        SESSION_COOKIE_SAMESITE="Lax",  # the session cookie is not sent with cross-site form posts
        EXPORT_SLOTS=1,  # PNG/PDF/SVG/PowerPoint exports made at once on this machine (all workers); others get 503
        PROXY_COUNT=0,  # reverse proxies in front that set X-Forwarded-For/-Proto (the client address)
    )
    app.config.from_prefixed_env("PETA")
    if test_config:
        app.config.update(test_config)
    hosts, app.config["TRUSTED_HOSTS"] = app.config["TRUSTED_HOSTS"], None
    if isinstance(hosts, str):
        hosts = [h for h in hosts.replace(",", " ").split() if h]
    # Checked by web.security (a 400 in the page's language, /health for any host), not by Flask: Flask's check
    # leaves the request without URLs, so even its error page failed (500).
    app.config["ANSWERED_HOSTS"] = [h.lower() for h in hosts] if hosts else None
    if str(app.config["PUBLIC_URL"]).startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True  # served over HTTPS: never send the session in clear text
    instance.mkdir(exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret(instance)
    check_secret(str(app.config["SECRET_KEY"]))
    if int(app.config["PROXY_COUNT"]):
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
    Babel(app, locale_selector=select_locale)
    # Maps are large text; gzip (or brotli) makes them a quarter of the size on a meeting room's Wi-Fi.
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "text/html",
            "text/css",
            "text/csv",
            "application/javascript",
            "text/javascript",
            "application/json",
            "application/geo+json",
        ],
    )
    # Responses made per request are compressed by Flask-Compress; cached ones are stored compressed (web.encoding).
    Compress(app)

    from layers import assets
    from web import (
        api,
        auth,
        briefs,
        cli,
        districts,
        editor,
        errors,
        exports,
        formatting,
        geometry,
        maps,
        security,
        uploads,
        vendor,
    )

    app.register_blueprint(maps.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(districts.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(briefs.bp)
    app.register_blueprint(uploads.bp)
    app.register_blueprint(editor.bp)
    auth.register(app)
    auth.csrf.exempt(uploads.bp)  # scripts authenticate with a bearer token, not a browser session
    assets.check_npm_packages()  # fail at startup with a hint, not with a 404 for the script
    assets.bundles()  # built once per process: a file a bundle lists but that is missing stops the app here
    app.add_template_global(vendor.asset_url)
    app.register_blueprint(vendor.bp)
    app.register_blueprint(geometry.bp)
    errors.register(app)
    formatting.register(app)
    security.register(app)
    cli.register(app)
    return app


def command_line() -> click.Group:
    """The Flask command line of this app: `run`, `boundaries`, `coverage`, `db`, `users`, `tokens`, `aliases`."""
    return FlaskGroup(create_app=create_app, help="Peta Cakupan: the commands of `flask --app app …`.")


def main() -> None:
    """`peta-cakupan …` (installed with `pip install -e .`): the same commands as `flask --app app …`."""
    if not (ROOT / "templates").is_dir():
        sys.exit(f"Peta Cakupan runs from its checkout, not {ROOT}. Hint: install it with `pip install -e .`.")
    command_line()(prog_name="peta-cakupan")
