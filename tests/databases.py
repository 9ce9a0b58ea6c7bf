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
        admin = self.url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url.set(database=name).render_as_string(hide_password=False)


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
