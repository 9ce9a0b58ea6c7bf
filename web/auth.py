"""Sessions for people (Flask-Login), CSRF on every form (Flask-WTF), and who may view the maps."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, jsonify, redirect, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_required
from flask_wtf.csrf import CSRFProtect

from geo.accounts import Account, get_account
from web.resources import get_resources
from web.security import MAX_ID

login_manager = LoginManager()
csrf = CSRFProtect()
OPEN_ENDPOINTS = {"editor.login", "vendor.static", "vendor.asset", "vendor.bundle"}


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


def _account_key() -> str:
    """Sign-in attempts are also counted per account name, whichever address they come from."""
    return "account:" + (request.form.get("name") or "").strip().lower()[:80]


def _refused(response: Response) -> bool:
    return response.status_code == 401


def throttle_sign_in(app: Flask) -> Limiter:
    """Limit sign-in attempts per address (every attempt) and per account (failed attempts only).

    When an account has had too many wrong passwords, even the right one is refused until the window passes:
    guessing stops, and the owner signs in a few minutes later. Counts live in RATELIMIT_STORAGE_URI
    (memory:// by default; redis:// or memcached:// when several instances must share them).
    """
    limiter = Limiter(get_remote_address, app=app, default_limits=[], headers_enabled=True)
    view = app.view_functions["editor.login"]
    per_account = limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_ACCOUNT"],
        key_func=_account_key,
        methods=["POST"],
        deduct_when=_refused,
        scope="sign-in-account",
    )
    per_address = limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_ADDRESS"], methods=["POST"], scope="sign-in-address"
    )
    app.view_functions["editor.login"] = per_address(per_account(view))
    return limiter


def register(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
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
