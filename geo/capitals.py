"""Province capitals: the district each province is governed from (data/ibu_kota_provinsi.csv, with its source)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

CAPITALS_FILE = Path(__file__).resolve().parent.parent / "data" / "ibu_kota_provinsi.csv"


class CapitalsError(ValueError):
    """The capitals file is not one capital district per province; the message names the file and the rows."""


@lru_cache(maxsize=4)
def read_capitals(path: Path = CAPITALS_FILE) -> frozenset[str]:
    """The Kemendagri codes of the districts that hold a province capital, one per province."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    wrong = frame[frame["kode_kemendagri"].str[:2] != frame["kode_prov"]]
    if not wrong.empty or frame["kode_prov"].duplicated().any():
        names = wrong["provinsi"].tolist()
        raise CapitalsError(f"{path}: each province needs one capital district of its own ({names})")
    return frozenset(frame["kode_kemendagri"])
