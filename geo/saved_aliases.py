"""Aliases editors save while reviewing a draft: merged with data/aliases.csv into the district index
(geo.district_index.build_index), listed for review and removed; saving and removing are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import DateTime, Integer, String, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column

from geo.audit import audit
from geo.history import NotFound
from geo.store import Base

# (count, newest id, newest save time) of the saved aliases: see saved_aliases_stamp.
AliasStamp = tuple[int, int, datetime | None]


class SavedAlias(Base):
    """An alias an editor saved while reviewing a draft; merged with data/aliases.csv when matching."""

    __tablename__ = "saved_alias"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias: Mapped[str] = mapped_column(String(200))
    jenis: Mapped[str] = mapped_column(String(16))
    kode: Mapped[str] = mapped_column(String(5))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def save_alias(engine: Engine, alias: str, jenis: str, kode: str, actor: str) -> None:
    with Session(engine) as session, session.begin():
        session.add(
            SavedAlias(alias=alias[:200], jenis=jenis, kode=kode, created_by=actor, created_at=datetime.now(UTC))
        )
        audit(session, actor, "alias", alias=alias, kode=kode)


def saved_aliases(engine: Engine) -> pd.DataFrame:
    with Session(engine) as session:
        rows = session.execute(select(SavedAlias.alias, SavedAlias.jenis, SavedAlias.kode)).all()
    return pd.DataFrame(rows, columns=["alias", "jenis", "kode"]).assign(catatan="disimpan penyunting")


def saved_aliases_stamp(engine: Engine) -> AliasStamp:
    """How many aliases are saved, the newest id and when the alias with that id was saved, in one query that
    reads one row: it changes whenever any instance saves or removes an alias.

    A removal lowers the count. A save raises the newest id, except where SQLite gives the id of a removed newest
    alias to the next one (PostgreSQL's sequence never reuses an id): then count and id are as before the removal,
    and the newest id's save time, the new alias's, is what changes. Aliases are never edited in place. Both parts
    are cheap at any size: count(*) and the row of the highest key come from the table's b-tree (SQLite) or its
    primary key index, where max(created_at) would read every row.
    """
    # count(*) over an alias of the table: SQLite counts its b-tree only when the subquery is its own table
    count = select(func.count()).select_from(aliased(SavedAlias)).scalar_subquery()
    query = select(SavedAlias.id, SavedAlias.created_at, count).order_by(SavedAlias.id.desc()).limit(1)
    with Session(engine) as session:
        newest = session.execute(query).first()
    return (newest[2], newest[0], newest[1]) if newest is not None else (0, 0, None)


@dataclass(frozen=True)
class SavedAliasInfo:
    """An alias saved by an editor, as listed for review and removal."""

    id: int
    alias: str
    jenis: str
    kode: str
    created_by: str
    created_at: datetime


def list_saved_aliases(engine: Engine) -> list[SavedAliasInfo]:
    """Every alias editors saved, oldest first."""
    with Session(engine) as session:
        return [
            SavedAliasInfo(a.id, a.alias, a.jenis, a.kode, a.created_by, a.created_at)
            for a in session.scalars(select(SavedAlias).order_by(SavedAlias.id))
        ]


def remove_alias(engine: Engine, alias_id: int, actor: str) -> SavedAliasInfo:
    """Delete one saved alias (audited); rows matched through it before stay as they were published."""
    with Session(engine) as session, session.begin():
        alias = session.get(SavedAlias, alias_id)
        if alias is None:
            raise NotFound(f"Nama lain nomor {alias_id} tidak ada.")
        info = SavedAliasInfo(alias.id, alias.alias, alias.jenis, alias.kode, alias.created_by, alias.created_at)
        session.delete(alias)
        audit(session, actor, "remove_alias", alias=alias.alias, kode=alias.kode)
        return info
