"""Accounts and API tokens: created on the command line, stored with strong hashes, never in clear text."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, select
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
            return Account(user.id, user.name, user.role)
    except IntegrityError as error:
        raise AccountError(f"Akun '{name}' sudah ada.") from error


def check_password(engine: Engine, name: str, password: str) -> Account | None:
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is None or not check_password_hash(user.password_hash, password):
            return None
        return Account(user.id, user.name, user.role)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(engine: Engine, name: str) -> str:
    """Create an API token for an account and return it (it is shown once, stored only as a hash)."""
    token = secrets.token_urlsafe(32)
    with Session(engine) as session, session.begin():
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise AccountError(f"Akun '{name}' tidak ada. Buat dulu dengan `flask --app app users create`.")
        session.add(ApiToken(user_id=user.id, token_hash=_hash(token), created_at=datetime.now(UTC)))
    return token


def account_for_token(engine: Engine, token: str) -> Account | None:
    with Session(engine) as session:
        user = session.scalar(
            select(User).join(ApiToken, ApiToken.user_id == User.id).where(ApiToken.token_hash == _hash(token))
        )
        return Account(user.id, user.name, user.role) if user else None


def get_account(engine: Engine, user_id: int) -> Account | None:
    with Session(engine) as session:
        user = session.get(User, user_id)
        return Account(user.id, user.name, user.role) if user else None
