"""Test apps and their databases: SQLite files, and a private PostgreSQL server started once per run on
loopback and removed afterwards.

`make test` installs PostgreSQL from Debian's packages (scripts/system-deps.sh). Set PETA_TEST_POSTGRES_URL
(a role allowed to create databases) to use a server of your own instead.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from app import create_app

# Store, upload and editor tests run once on each: `pytestmark = BOTH_DATABASES`.
BOTH_DATABASES = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
MISSING = (
    "PostgreSQL is not installed, and the store and upload tests run on it too. Install it with "
    "`sudo bash scripts/system-deps.sh` (Debian's postgresql package), or set PETA_TEST_POSTGRES_URL."
)


def make_app(database_url: str, boundaries_dir: Path, load_samples: bool = True):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "BOUNDARIES_DIR": str(boundaries_dir)})
    if load_samples:
        result = app.test_cli_runner().invoke(args=["coverage", "load-samples"])
        assert result.exit_code == 0, result.output
    return app


class Samples:
    """The bundled samples loaded once per database kind, then copied into each test's new database: loading them
    takes over a second, a copy a few milliseconds (SQLite: the file; PostgreSQL: CREATE DATABASE … TEMPLATE)."""

    def __init__(self, folder: Path, boundaries_dir: Path):
        self.folder, self.boundaries_dir = folder, boundaries_dir
        self.templates: dict[str, str] = {}

    def app(self, database_url: str, postgres: Databases | None = None):
        """An app on `database_url` (a new, empty database; PostgreSQL's on `postgres`) holding the samples."""
        kind = make_url(database_url).get_backend_name()
        if kind not in self.templates:
            fresh = f"sqlite:///{self.folder / 'samples.sqlite'}" if postgres is None else postgres.new_database()
            make_app(fresh, self.boundaries_dir).extensions["peta"].engine.dispose()
            self.templates[kind] = fresh
        if postgres is None:
            shutil.copyfile(make_url(self.templates[kind]).database, make_url(database_url).database)
        else:
            postgres.copy(self.templates[kind], database_url)
        return make_app(database_url, self.boundaries_dir, load_samples=False)


def _bin_dir() -> Path | None:
    """The newest installed server's programs (Debian keeps them out of PATH)."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if versions:
        return versions[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Databases:
    """Creates a fresh, empty database per test on one server."""

    def __init__(self, url: str):
        self.url = make_url(url).set(drivername="postgresql+psycopg")
        self.names = (f"peta_test_{os.getpid()}_{n}" for n in itertools.count())

    def new_database(self) -> str:
        name = next(self.names)
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def copy(self, template_url: str, url: str) -> None:
        """Make `url`'s (empty, unused) database a copy of `template_url`'s (which no one may be connected to)."""
        name, template = make_url(url).database, make_url(template_url).database
        self._admin(f'DROP DATABASE "{name}"', f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def _admin(self, *statements: str) -> None:
        admin = self.url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)


class Server(Databases):
    """initdb into a temporary folder, then pg_ctl start on 127.0.0.1 and a free port (trust, no fsync)."""

    def __init__(self):
        bin_dir = _bin_dir()
        if bin_dir is None:
            raise RuntimeError(MISSING)
        self.pg_ctl = bin_dir / "pg_ctl"
        self.folder = Path(tempfile.mkdtemp(prefix="peta-pg-"))
        self.data = self.folder / "data"
        # The server refuses to run as root; as root, run it as Debian's postgres user.
        self.as_user = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        port = _free_port()
        self._run(bin_dir / "initdb", "-D", self.data, "-U", "peta", "-A", "trust", "-E", "UTF8", "--locale=C", "-N")
        options = f"-p {port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
        self._run(self.pg_ctl, "-D", self.data, "-l", self.folder / "log", "-w", "-o", options, "start")
        super().__init__(f"postgresql+psycopg://peta@127.0.0.1:{port}/postgres")

    def _run(self, *command: object) -> None:
        result = subprocess.run([*self.as_user, *map(str, command)], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {result.stdout}{result.stderr}")

    def stop(self) -> None:
        self._run(self.pg_ctl, "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
