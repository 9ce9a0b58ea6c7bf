"""The database schema, managed by the Alembic migrations in migrations/ (never by create_all).

`upgrade` brings any database to the newest revision. It runs under a lock (a PostgreSQL advisory lock, or a
lock file beside a SQLite database), so several app instances starting at once migrate it exactly once. A
database made before migrations (some tables, no alembic_version) goes through the baseline revision too,
which adds only the tables it lacks.
"""

from __future__ import annotations

import fcntl
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
BASELINE = "0001"  # the schema of the releases before migrations
LOCK_KEY = 7_261_100  # any fixed number: the advisory lock that serialises migrations on PostgreSQL


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration without an ini file: the scripts in migrations/, on this connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _sqlite_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to `revision` (the newest by default)."""
    if engine.dialect.name == "sqlite":
        with _sqlite_lock(engine), engine.begin() as connection:
            _upgrade(connection, revision)
        return
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        _upgrade(connection, revision)


def _upgrade(connection: Connection, revision: str) -> None:
    command.upgrade(alembic_config(connection), revision)


class RevisionError(ValueError):
    """A migration file cannot be written; the message says what to give instead."""


def next_revision_id(message: str, script: ScriptDirectory) -> str:
    """`0005_segmen_peserta`: one more than the highest numbered revision, then the message's words."""
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40].strip("_")
    if not slug:
        raise RevisionError("Pesan migrasi kosong. Tulis apa yang diubah dengan huruf atau angka, mis. -m 'segmen'.")
    numbers = [int(m.group()) for r in script.walk_revisions() if (m := re.match(r"\d+", r.revision))]
    return f"{max(numbers, default=0) + 1:04d}_{slug}"


def new_revision(message: str, migrations: Path | None = None) -> Path:
    """Write the next migration file after the newest revision (from migrations/script.py.mako); return it."""
    config = alembic_config()
    config.set_main_option("script_location", str(migrations or MIGRATIONS))
    config.set_main_option("file_template", "%%(rev)s")
    rev_id = next_revision_id(message, ScriptDirectory.from_config(config))
    script = command.revision(config, message=message, rev_id=rev_id)
    return Path(script.path)
