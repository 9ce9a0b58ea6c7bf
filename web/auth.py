"""Sessions for people (Flask-Login), CSRF on every form (Flask-WTF), and who may view the maps."""

from __future__ import annotations

import logging
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, jsonify, redirect, request, url_for
from flask.logging import default_handler
from flask_limiter import Limit, Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_required
from flask_wtf.csrf import CSRFProtect

from geo.accounts import Account, get_account, sign_in_name
from web.resources import get_resources
from web.security import MAX_ID

login_manager = LoginManager()
csrf = CSRFProtect()
OPEN_ENDPOINTS = {"editor.login", "vendor.static", "vendor.asset", "vendor.bundle", "health"}


class SessionUser(UserMixin):
    """A signed-in person; the session stores "id:version" so that bumping the version ends the session."""

    def __init__(self, account: Account):
        self.account = account
        self.id = f"{account.id}:{account.session_version}"


@login_manager.user_loader
def load_user(session_id: str) -> SessionUser | None:
    """The account of a session, unless it was disabled or its sessions were ended since the session began."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()) or int(user_id) > MAX_ID:
        return None
    account = get_account(get_resources().engine, int(user_id))
    return SessionUser(account) if account and account.session_version == int(version) else None


def same_site_path(target: str | None) -> str | None:
    """The target when it is a path on this site (for ?next=), else None.

    Browsers drop tabs and newlines and read a backslash as a slash, so `/%09/evil.example` and `/\\evil.example`
    lead off-site although they start with one slash: any control character or backslash is refused.
    """
    if not target or any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def role_required(role: str):
    """A signed-in account with at least `role`; others are sent to sign in, or refused with 403."""

    def decorate(view):
        @login_required
        @wraps(view)
        def checked(*args, **kwargs):
            if not current_user.account.may(role):
                abort(403)
            return view(*args, **kwargs)

        return checked

    return decorate


editor_required = role_required("editor")  # an editor or admin
admin_required = role_required("admin")  # the audit trail, as GET /api/audit


def _account_name() -> str:
    return sign_in_name(request.form.get("name") or "").lower()


def _pair_key() -> str:
    """Wrong passwords are counted per account name *and* address: one address guessing cannot lock the owner
    out, who signs in from another."""
    return f"pair:{_account_name()}|{get_remote_address()}"


def _account_key() -> str:
    """Wrong passwords for an account from every address together: a guess spread over many addresses slows
    down to this, and the owner waits at most this window (a minute by default) rather than a quarter hour."""
    return "account:" + _account_name()


def _refused(response: Response) -> bool:
    return response.status_code == 401


def _not_sign_in() -> bool:
    return request.endpoint != "editor.login"


def _setting(name: str):
    return lambda: current_app.config[name]


def sign_in_limits(suffix: str = "") -> list[Limit]:
    """The three sign-in limits: per (account, address) and per account for failures, per address for all.

    The fallback's copies count under their own scopes (suffix): on the request during which Redis fails, the
    limit tried on Redis is deducted in memory too, and must not count that attempt twice.
    """
    failures = {"methods": ["POST"], "deduct_when": _refused, "exempt_when": _not_sign_in}
    return [
        Limit(
            limit_provider=_setting("LOGIN_LIMIT_ACCOUNT"),
            key_function=_pair_key,
            scope="sign-in-pair" + suffix,
            **failures,
        ),
        Limit(
            limit_provider=_setting("LOGIN_LIMIT_ACCOUNT_ALL"),
            key_function=_account_key,
            scope="sign-in-account" + suffix,
            **failures,
        ),
        Limit(
            limit_provider=_setting("LOGIN_LIMIT_ADDRESS"),
            key_function=get_remote_address,
            scope="sign-in-address" + suffix,
            methods=["POST"],
            exempt_when=_not_sign_in,
        ),
    ]


# A Redis that is down answers at once (connection refused); one that is frozen would hold a worker for
# redis-py's defaults (no socket timeout, three retries). A Redis beside the app answers in about a millisecond:
# after a tenth of a second, and no retry, the limits fall back to this process's memory. Flask-Limiter then
# asks Redis again after 1, 2, 4 … seconds (each a tenth of a second at most) and returns to it when it answers.
REDIS_OPTIONS = {"socket_timeout": 0.1, "socket_connect_timeout": 0.1}


def storage_options(uri: str) -> dict:
    """Flask-Limiter storage options: short timeouts and no retries for Redis, nothing for other storages."""
    if not uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return {}
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {**REDIS_OPTIONS, "retry": Retry(NoBackoff(), 0)}


class _NameTheSetting(logging.Filter):
    """Flask-Limiter's own warning, with what it means here and the setting to look at."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING and "falling back" in str(record.msg):
            record.msg = (
                f"{record.msg}: PETA_RATELIMIT_STORAGE_URI does not answer; sign-in limits are counted by this "
                "process alone until it does"
            )
        return True


def _log_storage_failures() -> None:
    """Flask-Limiter logs to its own logger, which has no handler: send it where the app's log goes, once."""
    logger = logging.getLogger("flask-limiter")
    if default_handler not in logger.handlers:
        logger.addHandler(default_handler)
        logger.addFilter(_NameTheSetting())


def throttle_sign_in(app: Flask) -> Limiter:
    """Limit sign-in attempts per address (every attempt) and wrong passwords per (account, address) and per
    account, in RATELIMIT_STORAGE_URI (memory:// by default; redis:// when several instances must share them).

    When the storage cannot be reached the same limits are counted in this process's memory (logged as a
    warning by Flask-Limiter) and Redis is tried again with a growing pause: sign-in keeps working.
    """
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", storage_options(app.config["RATELIMIT_STORAGE_URI"]))
    _log_storage_failures()
    limits = sign_in_limits()
    limiter = Limiter(
        get_remote_address,
        app=app,
        default_limits=[],
        headers_enabled=True,
        in_memory_fallback=sign_in_limits("-local"),
        in_memory_fallback_enabled=True,
        swallow_errors=True,  # a storage error past the fallback (deducting after the answer) is logged, not a 500
    )
    view = app.view_functions["editor.login"]
    for limit in limits:
        view = limiter.limit(
            limit.limit_provider,
            key_func=limit.key_function,
            scope=limit.scope,
            methods=limit.methods,
            deduct_when=limit.deduct_when,
        )(view)
    app.view_functions["editor.login"] = view
    return limiter


def register(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("LOGIN_LIMIT_ACCOUNT_ALL", "20 per minute")
    app.extensions["peta_limiter"] = throttle_sign_in(app)
    login_manager.init_app(app)
    login_manager.login_view = "editor.login"
    login_manager.login_message = "Silakan masuk dulu."
    csrf.init_app(app)

    @app.before_request
    def private_view():
        """With PETA_PUBLIC_VIEW off, maps and data need a signed-in account (API scripts use their token)."""
        if app.config["PUBLIC_VIEW"] or current_user.is_authenticated or request.endpoint in OPEN_ENDPOINTS:
            return None
        if request.endpoint and request.endpoint.startswith("uploads."):
            return None  # token-protected on its own
        if request.path.startswith("/api/"):
            return jsonify({"error": "Perlu masuk untuk melihat data.", "status": 401}), 401
        return redirect(url_for("editor.login", next=request.full_path))
