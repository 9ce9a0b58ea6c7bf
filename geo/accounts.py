"""Accounts and API tokens: created on the command line, stored with strong hashes, never in clear text.

Account names are kept in one form (NFKC, case-folded, ASCII only), so `Editor1`, `ｅｄｉｔｏｒ１` and a name
with a Cyrillic `е` cannot sit beside `editor1`. Passwords must be long and hard to guess (zxcvbn). Every change
to an account or token, and every sign-in, is written to the audit log with who did it.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from geo.audit import audit
from geo.store import Base

ROLES = ("viewer", "editor", "admin")
MIN_PASSWORD = 12
MAX_PASSWORD = 200  # longer is no safer, and hashing or scoring megabytes would tie up a worker
MIN_STRENGTH = 3  # zxcvbn's score, 0–4: 3 is "safely unguessable" (about 10^8 guesses or more)
NAME_PATTERN = re.compile(r"[a-z0-9._@-]{1,80}")


class AccountError(ValueError):
    """An account that cannot be created or found; the message says why."""


class User(Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Sessions carry the version they were opened with; signing out, a new password or disabling the
    # account bumps it, which ends every session of the account on every instance.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class ApiToken(Base):
    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256: tokens are long and random
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: str
    session_version: int = 0

    def may(self, role: str) -> bool:
        """True when this account has at least the given role."""
        return ROLES.index(self.role) >= ROLES.index(role)


def normal_name(name: str) -> str:
    """The one stored form of an account name: NFKC, case-folded, trimmed; refused unless plain ASCII.

    NFKC turns fullwidth and other compatibility forms into ASCII and case folding joins `Editor1` with `editor1`.
    Letters that only look like Latin ones (Cyrillic `е`, Greek `ο`) are not changed by either, so any name that
    is not ASCII afterwards is refused rather than compared by looks.
    """
    folded = unicodedata.normalize("NFKC", name).casefold().strip()
    if not folded.isascii():
        raise AccountError(
            "Nama akun hanya boleh memakai huruf Latin biasa a–z, angka, titik, @, - atau _ "
            "(huruf yang mirip, mis. dari abjad Sirilik atau Yunani, tidak diterima)."
        )
    if not NAME_PATTERN.fullmatch(folded):
        raise AccountError("Nama akun 1–80 karakter: huruf, angka, titik, @, - atau _, tanpa spasi.")
    return folded


def check_strength(password: str, name: str = "") -> None:
    """Refuse a password that is short, very long or easy to guess (zxcvbn score under 3), in words."""
    if len(password.strip()) < MIN_PASSWORD:
        raise AccountError(f"Kata sandi minimal {MIN_PASSWORD} karakter (tanpa menghitung spasi di awal dan akhir).")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"Kata sandi paling panjang {MAX_PASSWORD} karakter.")
    # zxcvbn scores at most 72 characters (its work grows fast with length); more can only add strength.
    score = zxcvbn(password[:72], user_inputs=[name, "peta", "cakupan", "bpjs", "ketenagakerjaan"])["score"]
    if score < MIN_STRENGTH:
        raise AccountError(
            f"Kata sandi terlalu mudah ditebak (kekuatan {score} dari 4, perlu minimal {MIN_STRENGTH}). "
            "Hindari kata sandi umum, nama akun, urutan papan ketik dan huruf yang berulang; pakai tiga atau "
            "empat kata yang tidak biasa digabung, mis. 'jembatan-kopi-hujan-27'."
        )


def create_user(engine: Engine, name: str, role: str, password: str, actor: str = "sistem") -> Account:
    """Create an account (name in its normal form, password checked for strength) and audit it."""
    if role not in ROLES:
        raise AccountError(f"Peran '{role}' tidak dikenal. Pilihan: {', '.join(ROLES)}.")
    name = normal_name(name)
    check_strength(password, name)
    try:
        with Session(engine) as session, session.begin():
            if _find(session, name) is not None:  # a name stored before names were normalised
                raise IntegrityError("user_account.name", None, ValueError(name))
            user = User(name=name, role=role, password_hash=hash_password(password), created_at=datetime.now(UTC))
            session.add(user)
            session.flush()
            audit(session, actor, "account_create", account=name, role=role)
            return _account(user)
    except IntegrityError as error:
        raise AccountError(f"Akun '{name}' sudah ada.") from error


@dataclass(frozen=True)
class TokenInfo:
    id: int
    account: str
    created_at: datetime


def _account(user: User) -> Account:
    return Account(user.id, user.name, user.role, user.session_version)


# werkzeug's scrypt: about 0,3 s a hash on the 2-core machine, on purpose. The test suite sets a cheap method
# (tests/conftest.py) so that fixtures making accounts cost milliseconds; check_password_hash reads each hash's own.
PASSWORD_METHOD = "scrypt"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


# Checking a password takes a hash's time; an unknown name must take as long, or timing tells which names exist.
# The dummy is hashed once per method, with the method of real passwords.
@functools.cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def _find(session: Session, name: str) -> User | None:
    """The account of a name in its normal form (also one stored, before normalisation, in upper case)."""
    return session.scalar(select(User).where(func.lower(User.name) == name).order_by(User.id).limit(1))


def sign_in_name(name: str) -> str:
    """The name a sign-in attempt is counted and audited under (its normal form when it has one)."""
    try:
        return normal_name(name)
    except AccountError:
        return name.strip()[:80]


def check_password(engine: Engine, name: str, password: str) -> Account | None:
    """The account when the name and password are right and the account is enabled; in constant time."""
    try:
        wanted = normal_name(name)
    except AccountError:
        wanted = None
    user = None
    if wanted is not None:
        with Session(engine) as session:
            user = _find(session, wanted)
    # A password longer than any allowed is wrong; it is still hashed (cut short), so it costs the same time.
    right = check_password_hash(user.password_hash if user else _dummy_hash(PASSWORD_METHOD), password[:MAX_PASSWORD])
    right = right and len(password) <= MAX_PASSWORD
    if user is None or not right or user.disabled:
        return None
    return _account(user)


def record_sign_in(engine: Engine, name: str, address: str, succeeded: bool) -> None:
    """Audit a sign-in attempt: the name as counted, the client address and whether it succeeded."""
    with Session(engine) as session, session.begin():
        action = "sign_in" if succeeded else "sign_in_failed"
        audit(session, sign_in_name(name) or "-", action, address=address[:64])


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user(session: Session, name: str) -> User:
    user = _find(session, sign_in_name(name))
    if user is None:
        raise AccountError(f"Akun '{name}' tidak ada. Buat dulu dengan `flask --app app users create`.")
    return user


def create_token(engine: Engine, name: str, actor: str = "sistem") -> str:
    """Create an API token for an account and return it (it is shown once, stored only as a hash)."""
    token = secrets.token_urlsafe(32)
    with Session(engine) as session, session.begin():
        user = _user(session, name)
        row = ApiToken(user_id=user.id, token_hash=_hash(token), created_at=datetime.now(UTC))
        session.add(row)
        session.flush()
        audit(session, actor, "token_create", account=user.name, token=row.id)
    return token


def list_tokens(engine: Engine, name: str | None = None) -> list[TokenInfo]:
    """Every API token (of one account, when named): id, account and creation time, never the token."""
    query = select(ApiToken.id, User.name, ApiToken.created_at).join(User, User.id == ApiToken.user_id)
    if name is not None:
        query = query.where(func.lower(User.name) == sign_in_name(name))
    with Session(engine) as session:
        return [TokenInfo(*row) for row in session.execute(query.order_by(ApiToken.id))]


def revoke_token(engine: Engine, token_id: int, actor: str = "sistem") -> None:
    with Session(engine) as session, session.begin():
        token = session.get(ApiToken, token_id)
        if token is None:
            raise AccountError(f"Token {token_id} tidak ada. Lihat daftarnya dengan `flask --app app tokens list`.")
        owner = session.get(User, token.user_id)
        session.delete(token)
        audit(session, actor, "token_revoke", account=owner.name if owner else None, token=token_id)


def account_for_token(engine: Engine, token: str) -> Account | None:
    with Session(engine) as session:
        user = session.scalar(
            select(User).join(ApiToken, ApiToken.user_id == User.id).where(ApiToken.token_hash == _hash(token))
        )
        return _account(user) if user and not user.disabled else None


def get_account(engine: Engine, user_id: int) -> Account | None:
    """The enabled account with this id (disabled accounts are nobody)."""
    with Session(engine) as session:
        user = session.get(User, user_id)
        return _account(user) if user and not user.disabled else None


def end_sessions(engine: Engine, user_id: int) -> None:
    """End every session of an account, on every instance (they carry an older session version now)."""
    with Session(engine) as session, session.begin():
        session.execute(update(User).where(User.id == user_id).values(session_version=User.session_version + 1))


def set_disabled(engine: Engine, name: str, disabled: bool, actor: str = "sistem") -> None:
    """Disable an account (its sessions end and its tokens stop working) or enable it again."""
    with Session(engine) as session, session.begin():
        user = _user(session, name)
        user.disabled = disabled
        user.session_version += 1
        audit(session, actor, "account_disable" if disabled else "account_enable", account=user.name)


def set_password(engine: Engine, name: str, password: str, actor: str = "sistem") -> None:
    """Give an account a new password; its open sessions end."""
    check_strength(password, sign_in_name(name))
    with Session(engine) as session, session.begin():
        user = _user(session, name)
        user.password_hash = hash_password(password)
        user.session_version += 1
        audit(session, actor, "account_password", account=user.name)


def list_users(engine: Engine) -> list[tuple[Account, bool]]:
    """Every account with whether it is disabled, by name."""
    with Session(engine) as session:
        return [(_account(user), user.disabled) for user in session.scalars(select(User).order_by(User.name))]
