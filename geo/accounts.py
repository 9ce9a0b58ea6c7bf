"""Accounts and API tokens: created on the command line, stored with strong hashes, never in clear text."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from geo.store import Base

ROLES = ("viewer", "editor", "admin")
MIN_PASSWORD = 10


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


def create_user(engine: Engine, name: str, role: str, password: str) -> Account:
    if role not in ROLES:
        raise AccountError(f"Peran '{role}' tidak dikenal. Pilihan: {', '.join(ROLES)}.")
    if not re.fullmatch(r"[\w.@-]{1,80}", name):
        raise AccountError("Nama akun 1–80 karakter: huruf, angka, titik, @, - atau _, tanpa spasi.")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Kata sandi minimal {MIN_PASSWORD} karakter.")
    try:
        with Session(engine) as session, session.begin():
            user = User(
                name=name, role=role, password_hash=generate_password_hash(password), created_at=datetime.now(UTC)
            )
            session.add(user)
            session.flush()
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


# Checking a password takes tens of milliseconds; an unknown name must take as long, or timing tells which
# names exist. The dummy is hashed once with the same method as real passwords.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


def check_password(engine: Engine, name: str, password: str) -> Account | None:
    """The account when the name and password are right and the account is enabled; in constant time."""
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.name == name))
    right = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not right or user.disabled:
        return None
    return _account(user)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise AccountError(f"Akun '{name}' tidak ada. Buat dulu dengan `flask --app app users create`.")
    return user


def create_token(engine: Engine, name: str) -> str:
    """Create an API token for an account and return it (it is shown once, stored only as a hash)."""
    token = secrets.token_urlsafe(32)
    with Session(engine) as session, session.begin():
        user = _user(session, name)
        session.add(ApiToken(user_id=user.id, token_hash=_hash(token), created_at=datetime.now(UTC)))
    return token


def list_tokens(engine: Engine, name: str | None = None) -> list[TokenInfo]:
    """Every API token (of one account, when named): id, account and creation time, never the token."""
    query = select(ApiToken.id, User.name, ApiToken.created_at).join(User, User.id == ApiToken.user_id)
    if name is not None:
        query = query.where(User.name == name)
    with Session(engine) as session:
        return [TokenInfo(*row) for row in session.execute(query.order_by(ApiToken.id))]


def revoke_token(engine: Engine, token_id: int) -> None:
    with Session(engine) as session, session.begin():
        token = session.get(ApiToken, token_id)
        if token is None:
            raise AccountError(f"Token {token_id} tidak ada. Lihat daftarnya dengan `flask --app app tokens list`.")
        session.delete(token)


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


def set_disabled(engine: Engine, name: str, disabled: bool) -> None:
    """Disable an account (its sessions end and its tokens stop working) or enable it again."""
    with Session(engine) as session, session.begin():
        user = _user(session, name)
        user.disabled = disabled
        user.session_version += 1


def set_password(engine: Engine, name: str, password: str) -> None:
    """Give an account a new password; its open sessions end."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Kata sandi minimal {MIN_PASSWORD} karakter.")
    with Session(engine) as session, session.begin():
        user = _user(session, name)
        user.password_hash = generate_password_hash(password)
        user.session_version += 1


def list_users(engine: Engine) -> list[tuple[Account, bool]]:
    """Every account with whether it is disabled, by name."""
    with Session(engine) as session:
        return [(_account(user), user.disabled) for user in session.scalars(select(User).order_by(User.name))]
