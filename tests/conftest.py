"""Shared fixtures: the prepared boundaries (built by `make setup`), an app on a throwaway database."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from app import ROOT
from geo import accounts
from geo.boundaries import (
    NAMES_FILE,
    PrepareSettings,
    district_table,
    prepare_boundaries,
    read_boundaries,
    read_name_lists,
    read_report,
)
from geo.codes import read_crosswalk, read_historic_codes
from geo.district_index import build_index, read_aliases
from tests.databases import Databases, Samples, Server, make_app

SHARED_SOURCE = ROOT.parent / "shared" / "boundaries"
from web.encoding import UPGRADES  # noqa: E402

# A stored body's brotli form is not made again in the background: tests compare bodies across requests
# (test_encoding turns it on to test it).
UPGRADES.enabled = False
# Test apps sign sessions with this, so the suite never makes a secret in the real instance folder.
os.environ["PETA_SECRET_KEY"] = "tests-only-" + "0" * 40
# Accounts made by tests hash their passwords with one PBKDF2 round instead of scrypt's 0,3 s (test_accounts checks
# that the product's method is scrypt).
accounts.PASSWORD_METHOD = "pbkdf2:sha256:1"

# What makes a test slow: a real browser, a PostgreSQL server, gunicorn or LibreOffice (by fixture, below), or over 15 s
# on its own (marked where it is written). `make test-fast` leaves these out (`-m "not slow"`); `make test` runs all.
SLOW_FIXTURES = {"page", "server", "postgres", "gunicorn"}
SLOW_PARAMS = {"postgresql"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if SLOW_FIXTURES & set(item.fixturenames) or SLOW_PARAMS & {str(v) for v in params.values()}:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def boundaries_dir(tmp_path_factory) -> Path:
    """The prepared boundaries of the default scope; prepared here if `make setup` has not run."""
    prepared = ROOT / "data" / "boundaries"
    if read_report(prepared) is None or not (prepared / NAMES_FILE).is_file():
        prepared = tmp_path_factory.mktemp("boundaries")
        prepare_boundaries(SHARED_SOURCE, prepared, PrepareSettings())
    return prepared


@pytest.fixture(scope="session")
def boundaries(boundaries_dir):
    return read_boundaries(boundaries_dir)


@pytest.fixture(scope="session")
def districts(boundaries) -> pd.DataFrame:
    return district_table(boundaries)


@pytest.fixture(scope="session")
def indonesia(boundaries_dir) -> pd.DataFrame:
    """Codes and names of every district of Indonesia (written by boundary preparation)."""
    return read_name_lists(boundaries_dir)[0]


@pytest.fixture(scope="session")
def index(districts, indonesia):
    return build_index(
        districts,
        read_aliases(ROOT / "data" / "aliases.csv"),
        pd.read_csv(ROOT / "data" / "province_aliases.csv", dtype=str, keep_default_na=False),
        indonesia=indonesia,
        splits=pd.read_csv(ROOT / "data" / "province_splits.csv", dtype=str),
        crosswalk=read_historic_codes(
            ROOT / "data" / "kode_lama.csv", read_crosswalk(ROOT / "data" / "kode_bps_kemendagri.csv")
        ),
    )


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory, boundaries_dir):
    """An app with the bundled samples, shared by tests that only read."""
    return make_app(f"sqlite:///{tmp_path_factory.mktemp('db') / 'peta.sqlite'}", boundaries_dir)


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server for the run: PETA_TEST_POSTGRES_URL's, or a private one on loopback."""
    if url := os.environ.get("PETA_TEST_POSTGRES_URL"):
        yield Databases(url)
        return
    server = Server()
    yield server
    server.stop()


@pytest.fixture()
def database_url(request, tmp_path):
    """A new empty database: SQLite unless a module asks for both (tests.databases.BOTH_DATABASES)."""
    if getattr(request, "param", "sqlite") == "postgresql":
        return request.getfixturevalue("postgres").new_database()
    return f"sqlite:///{tmp_path / 'peta.sqlite'}"


@pytest.fixture(scope="session")
def samples(tmp_path_factory, boundaries_dir) -> Samples:
    return Samples(tmp_path_factory.mktemp("samples"), boundaries_dir)


@pytest.fixture()
def app(request, database_url, samples):
    """An app with the bundled samples on its own database (a copy of one loaded once), for tests that write."""
    on_postgres = database_url.startswith("postgresql")
    app = samples.app(database_url, request.getfixturevalue("postgres") if on_postgres else None)
    yield app
    if "peta" in app.extensions:
        app.extensions["peta"].engine.dispose()


@pytest.fixture()
def client(shared_app):
    return shared_app.test_client()
