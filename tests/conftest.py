"""Shared fixtures: the prepared boundaries (built by `make setup`), an app on a throwaway database."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from app import ROOT, create_app
from geo.boundaries import PrepareSettings, district_table, prepare_boundaries, read_boundaries, read_report
from geo.matching import build_index, read_aliases

SHARED_SOURCE = ROOT.parent / "shared" / "boundaries"


@pytest.fixture(scope="session")
def boundaries_dir(tmp_path_factory) -> Path:
    """The prepared boundaries of the default scope; prepared here if `make setup` has not run."""
    prepared = ROOT / "data" / "boundaries"
    if read_report(prepared) is None:
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
def index(districts):
    return build_index(
        districts,
        read_aliases(ROOT / "data" / "aliases.csv"),
        pd.read_csv(ROOT / "data" / "province_aliases.csv", dtype=str, keep_default_na=False),
    )


def make_app(database: Path, boundaries_dir: Path, load_samples: bool = True):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{database}", "BOUNDARIES_DIR": str(boundaries_dir)})
    if load_samples:
        result = app.test_cli_runner().invoke(args=["coverage", "load-samples"])
        assert result.exit_code == 0, result.output
    return app


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory, boundaries_dir):
    """An app with the bundled samples, shared by tests that only read."""
    return make_app(tmp_path_factory.mktemp("db") / "peta.sqlite", boundaries_dir)


@pytest.fixture()
def app(tmp_path, boundaries_dir):
    """An app with the bundled samples on its own database, for tests that write."""
    return make_app(tmp_path / "peta.sqlite", boundaries_dir)


@pytest.fixture()
def client(shared_app):
    return shared_app.test_client()
