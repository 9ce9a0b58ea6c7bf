"""The bundled sample data: curated real figures, and a deterministic synthetic set (DATA CONTOH)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from geo.segments import SEGMENT_COLUMNS
from geo.store import PROVINCE_COLUMNS, STORED_COLUMNS

PUBLISHED_PERIOD = "2025-10"  # the compilation's period; each figure's own month is read from its date (geo.latest)
PUBLISHED_TITLE = "Angka cakupan terbitan (kompilasi berita & situs pemerintah, 2021–2025)"
SAMPLE_PERIODS = ("2025-06", "2025-12")
SAMPLE_TITLE = "DATA CONTOH — bukan data resmi"
SAMPLE_SOURCE = "DATA CONTOH — bukan data resmi (dibuat acak untuk peragaan)"
# The bundled datasets' titles and the sample's source in English (a source an editor gives is shown as written).
BUNDLED_TEXTS_EN = {
    SAMPLE_TITLE: "DATA CONTOH — sample data, not official figures",
    SAMPLE_SOURCE: "DATA CONTOH — sample data, not official figures (randomly generated for a demonstration)",
    PUBLISHED_TITLE: "Published coverage figures (compiled from news and government sites, 2021–2025)",
}
# Province targets seen in published sources; other provinces get the national 2025 target (52.15%).
PROVINCE_TARGETS = {"61": 59.56, "14": 55.05, "11": 43.54, "63": 70.0}
NATIONAL_TARGET = 52.15
BPU_CONTRIBUTION = 16_800  # Rupiah a month: the lowest BPU contribution (JKK + JKM), what regions pay per person


def source_text(source: str, locale: str) -> str:
    """A source or dataset title in the reader's language: the bundled data's own texts are translated."""
    return BUNDLED_TEXTS_EN.get(source, source) if locale.split("_")[0] == "en" else source


def synthetic_segments(code: str, participants: int, is_kota: bool) -> dict[str, int | None]:
    """Invented segments for one district that add up exactly to its participants (same code, same result).

    Drawn from their own random stream, so the sample's other figures are what they were before segments.
    PU dominate in cities, BPU in regencies; vulnerable workers are part of the BPU, paid by the regency in
    about two districts of three, by the province in about half, and by others (CSR, DBH sawit) in the rest.
    """
    rng = np.random.default_rng(_seed(code + "/segmen"))
    pu = round(participants * rng.uniform(0.62, 0.82) if is_kota else participants * rng.uniform(0.40, 0.68))
    jakon = round(participants * rng.uniform(0.02, 0.09))
    pmi = round(participants * rng.uniform(0.0, 0.03))
    bpu = participants - pu - jakon - pmi
    vulnerable = round(bpu * rng.uniform(0.15, 0.6))
    regency = round(vulnerable * rng.uniform(0.4, 0.9)) if rng.random() < 0.65 else 0
    province = round((vulnerable - regency) * rng.uniform(0.3, 0.9)) if rng.random() < 0.5 else 0
    return {
        "participants_pu": pu,
        "participants_bpu": bpu,
        "participants_jakon": jakon,
        "participants_pmi": pmi,
        "vulnerable_regency": regency,
        "vulnerable_province": province,
        "vulnerable_other": vulnerable - regency - province,
        "contribution_monthly": BPU_CONTRIBUTION,
    }


def _seed(code: str) -> int:
    return int.from_bytes(hashlib.sha256(code.encode()).digest()[:4], "little")


def synthetic_records(districts: pd.DataFrame, period_index: int) -> pd.DataFrame:
    """Return plausible but invented figures for every district; the same input gives the same output."""
    rows = []
    for row in districts.itertuples():
        rng = np.random.default_rng(_seed(row.kode))
        is_kota = row.jenis == "Kota"
        workers = int(rng.integers(60_000, 900_000) if is_kota else rng.integers(25_000, 420_000))
        base = rng.beta(2.2, 3.0) * (85 if is_kota else 70) + (12 if is_kota else 4)
        growth = rng.normal(2.5, 2.0) * period_index
        coverage = float(np.clip(base + growth, 1.0, 98.0))
        participants = round(workers * coverage / 100)
        rows.append(
            {
                "code": row.kode,
                "input": row.nama,
                "participants": participants,
                "workers": workers,
                "coverage_pct": None,
                "target_pct": PROVINCE_TARGETS.get(row.kode_prov, NATIONAL_TARGET),
                "source": SAMPLE_SOURCE,
                "as_of": None,
            }
            | synthetic_segments(row.kode, participants, is_kota)
        )
    frame = pd.DataFrame(rows, columns=STORED_COLUMNS)
    frame["coverage_pct"] = (frame["participants"] / frame["workers"] * 100).round(2)
    for column in SEGMENT_COLUMNS:
        frame[column] = frame[column].astype("Int64")
    return frame


def read_province_figures_file(path: Path, province_names: dict[str, str]) -> pd.DataFrame:
    """Read data/coverage/provinsi.csv (scripts/curate_published.py) into the store's PROVINCE_COLUMNS.

    `province_names` maps the known province codes to their names; a row with another code, a name that
    differs, a coverage outside 0–100 or no source stops the load (ValueError naming the row).
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    problems = []
    for number, row in enumerate(raw.itertuples(index=False), start=2):
        if province_names.get(row.kode_prov) != row.provinsi:
            problems.append(f"baris {number}: provinsi {row.kode_prov} '{row.provinsi}' tidak ada di peta")
        if not 0 <= float(row.cakupan or "nan") <= 100:
            problems.append(f"baris {number}: cakupan '{row.cakupan}' bukan persen 0–100")
        if not row.sumber.strip():
            problems.append(f"baris {number}: sumber kosong")
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    number = lambda column: pd.to_numeric(raw[column].replace("", None))  # noqa: E731
    frame = pd.DataFrame(
        {
            "code": raw["kode_prov"],
            "name": raw["provinsi"],
            "participants": number("peserta").astype("Int64"),
            "workers": number("pekerja").astype("Int64"),
            "coverage_pct": number("cakupan").astype(float),
            "target_pct": number("target").astype(float),
            "source": raw["sumber"],
            "as_of": raw["tanggal"].replace("", None),
            # The year a target is for, where the file has the column (the curated file says none yet: December
            # of the figure's own year is assumed, and said so).
            "target_year": raw["tahun_target"].replace("", None) if "tahun_target" in raw else None,
        }
    )
    return frame[PROVINCE_COLUMNS]
