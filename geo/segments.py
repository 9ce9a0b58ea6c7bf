"""Participant segments and who pays for vulnerable workers: the columns, and every number derived from them.

Segments split the active participants: wage earners (penerima upah, PU), non-wage earners (bukan penerima
upah, BPU), construction (jasa konstruksi, Jakon) and migrant workers (pekerja migran Indonesia, PMI); the four
add up to the participants. Vulnerable workers (pekerja rentan) are counted *within* those participants (mostly
as BPU) and are split by who pays their contribution: the regency/city budget (APBD kabupaten/kota), the
province budget (APBD provinsi) or others (CSR, DBH sawit, BAZNAS, ...). Every derived number (shares, the
yearly budget) is defined here, once; maps, tooltips, tables and files only read the columns made here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.numbers import format_count
from geo.rules import COMPLETE_SHARE

MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class Segment:
    """One stored count: its record column, the column of its share, and its name in both languages."""

    key: str  # also the map view (level scheme) key for participant segments
    column: str
    share: str  # derived column: a participant segment ÷ employed, or a payer ÷ vulnerable workers (%)
    label: dict[str, str]
    short: dict[str, str]  # in a tooltip's one-line breakdown


PARTICIPANT_SEGMENTS = (
    Segment(
        "pu",
        "participants_pu",
        "pu_pct",
        {"id": "Penerima upah (PU)", "en": "Wage earners (PU)"},
        {"id": "PU", "en": "PU"},
    ),
    Segment(
        "bpu",
        "participants_bpu",
        "bpu_pct",
        {"id": "Bukan penerima upah (BPU)", "en": "Non-wage (BPU)"},
        {"id": "BPU", "en": "BPU"},
    ),
    Segment(
        "jakon",
        "participants_jakon",
        "jakon_pct",
        {"id": "Jasa konstruksi", "en": "Construction"},
        {"id": "Jakon", "en": "Jakon"},
    ),
    Segment(
        "pmi",
        "participants_pmi",
        "pmi_pct",
        {"id": "Pekerja migran (PMI)", "en": "Migrant workers (PMI)"},
        {"id": "PMI", "en": "PMI"},
    ),
)
PAYERS = (
    Segment(
        "kabkota",
        "vulnerable_regency",
        "vulnerable_regency_share_pct",
        {"id": "APBD kabupaten/kota", "en": "Regency/city budget"},
        {"id": "kab/kota", "en": "regency"},
    ),
    Segment(
        "provinsi",
        "vulnerable_province",
        "vulnerable_province_share_pct",
        {"id": "APBD provinsi", "en": "Province budget"},
        {"id": "provinsi", "en": "province"},
    ),
    Segment(
        "lain",
        "vulnerable_other",
        "vulnerable_other_share_pct",
        {"id": "Sumber lain", "en": "Other sources"},
        {"id": "lain", "en": "other"},
    ),
)
CONTRIBUTION = "contribution_monthly"  # Rupiah per person per month, as given in the file
COUNT_COLUMNS = [s.column for s in (*PARTICIPANT_SEGMENTS, *PAYERS)]
# Stored with each record (nullable; migration 0005_segments), after geo.store.RECORD_COLUMNS.
SEGMENT_COLUMNS = [*COUNT_COLUMNS, CONTRIBUTION]
WHO_PAYS_VIEW = "pembiayaan"  # the "who pays" map view: share of vulnerable workers paid by the regency budget
DERIVED_COLUMNS = [
    *(s.share for s in PARTICIPANT_SEGMENTS),
    "vulnerable",
    "vulnerable_pct",
    *(p.share for p in PAYERS),
    "budget_regency_yearly",
    "budget_province_yearly",
]
OUTPUT_COLUMNS = SEGMENT_COLUMNS + DERIVED_COLUMNS
VIEW_COLUMNS = {**{s.key: s.share for s in PARTICIPANT_SEGMENTS}, WHO_PAYS_VIEW: PAYERS[0].share}


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    """part ÷ whole × 100, rounded to 2 decimals; none where either is missing or the whole is 0 (never 0)."""
    part, whole = part.astype(float), whole.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (part / whole * 100).round(2)
    return share.where(whole.gt(0) & part.notna() & whole.notna())


def segment_figures(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with the segment columns (missing ones empty) and every number derived from them.

    - a participant segment's share = segment ÷ employed × 100;
    - vulnerable workers = regency + province + other, only when all three are given (a blank is unknown,
      not 0), and its share of the employed;
    - who pays = each payer ÷ vulnerable workers × 100;
    - the yearly budget implied = vulnerable workers paid by that budget × monthly contribution × 12 (Rupiah).
    """
    result = frame.copy()
    for column in SEGMENT_COLUMNS:
        result[column] = result[column].astype("Int64") if column in result else pd.Series(pd.NA, result.index, "Int64")
    workers = result["workers"] if "workers" in result else pd.Series(np.nan, result.index)
    for segment in PARTICIPANT_SEGMENTS:
        result[segment.share] = _share(result[segment.column], workers)
    payers = result[[p.column for p in PAYERS]]
    result["vulnerable"] = payers.sum(axis=1, min_count=len(PAYERS)).where(payers.notna().all(axis=1)).astype("Int64")
    result["vulnerable_pct"] = _share(result["vulnerable"], workers)
    for payer in PAYERS:
        result[payer.share] = _share(result[payer.column], result["vulnerable"])
    for column, payer in (("budget_regency_yearly", PAYERS[0]), ("budget_province_yearly", PAYERS[1])):
        result[column] = (result[payer.column] * result[CONTRIBUTION] * MONTHS_PER_YEAR).astype("Int64")
    return result


def has_segments(frame: pd.DataFrame) -> bool:
    """Whether any district of the frame has any segment count."""
    return any(column in frame and frame[column].notna().any() for column in COUNT_COLUMNS)


def is_segment_view(value: str) -> bool:
    """Whether a level scheme colouring by `value` is a segment or "who pays" view."""
    return value in VIEW_COLUMNS.values()


def segment_columns_of(frame: pd.DataFrame) -> list[str]:
    """The segment columns every table and file of this frame carries: all of them when any district has a
    segment, none otherwise (so tables of data without segments stay as they were)."""
    return [c for c in OUTPUT_COLUMNS if c in frame] if has_segments(frame) else []


def segment_views(frame: pd.DataFrame) -> list[str]:
    """The map views the data can colour: one per participant segment given, and "who pays" when given."""
    return [key for key, column in VIEW_COLUMNS.items() if column in frame and frame[column].notna().any()]


def segment_totals(frame: pd.DataFrame) -> dict:
    """Per segment, Σ segment ÷ Σ employed over the districts with both (never an average of percentages), and
    per payer Σ paid ÷ Σ vulnerable; `complete` follows the 80% rule of geo.compare.weighted_totals.
    A joined frame already carries the derived columns (geo.join): they are read, not derived again."""
    figures = frame if all(column in frame for column in OUTPUT_COLUMNS) else segment_figures(frame)
    districts = len(figures)

    def total(part: str, whole: str) -> dict:
        both = figures[part].notna() & figures[whole].notna()
        numerator, denominator = int(figures.loc[both, part].sum()), int(figures.loc[both, whole].sum())
        return {
            "count": numerator,
            "of": denominator,
            "pct": round(numerator / denominator * 100, 2) if denominator else None,
            "districts_in_totals": int(both.sum()),
            "complete": bool(districts and both.sum() >= COMPLETE_SHARE * districts),
        }

    paid = figures["budget_regency_yearly"].notna()
    return {
        "segments": {s.key: total(s.column, "workers") for s in PARTICIPANT_SEGMENTS},
        "vulnerable": total("vulnerable", "workers"),
        "payers": {p.key: total(p.column, "vulnerable") for p in PAYERS},
        "budget_regency_yearly": int(figures.loc[paid, "budget_regency_yearly"].sum()),
        "budget_province_yearly": int(figures["budget_province_yearly"].dropna().sum()),
        "districts_with_budget": int(paid.sum()),
    }


def segment_problems(row: dict) -> list[str]:
    """Why a row's segments do not add up to its participants (messages in Bahasa Indonesia), or nothing."""
    participants = row.get("participants")
    given = [row[s.column] for s in PARTICIPANT_SEGMENTS if row.get(s.column) is not None]
    payers = [row[p.column] for p in PAYERS if row.get(p.column) is not None]
    problems = []
    if participants is None:
        if given or payers:
            problems.append("Ada angka segmen tetapi peserta total kosong: isi kolom 'peserta'.")
        return problems
    total = sum(given)
    if len(given) == len(PARTICIPANT_SEGMENTS) and total != participants:
        problems.append(
            f"PU + BPU + Jakon + PMI = {_n(total)} tidak sama dengan peserta {_n(participants)}. Periksa angka segmen."
        )
    elif total > participants:
        problems.append(f"Jumlah segmen {_n(total)} melebihi peserta {_n(participants)}. Periksa angka segmen.")
    if sum(payers) > participants:
        problems.append(
            f"Pekerja rentan yang dibiayai ({_n(sum(payers))}) melebihi peserta {_n(participants)}. Periksa angkanya."
        )
    return problems


def _n(value: int) -> str:
    return format_count(value, "id")


def segment_record(row: pd.DataFrame) -> dict | None:
    """One record's segments and derived numbers as plain values (None where unknown), or None without any."""
    if not has_segments(row):
        return None
    figures = segment_figures(row).iloc[0]
    return {column: None if pd.isna(figures[column]) else _plain(figures[column]) for column in OUTPUT_COLUMNS}


def _plain(value: object) -> int | float:
    return int(value) if float(value).is_integer() and not isinstance(value, float) else float(value)
