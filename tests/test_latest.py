"""The terbaru frame (geo.latest): each district's latest figure, its own period, older than the window = data lama.

Figures are the bundled published ones (data/coverage/terbitan.csv, each row cites its page): Kota Banda Aceh
46.98% (31 Desember 2021, infoaceh.net), Kota Metro 32.9% (24 September 2024, lampost.co), Kabupaten
Kotawaringin Timur 28.32% (Juli 2025, kalteng.antaranews.com), Kabupaten Kayong Utara 51.59% (7 Oktober 2025,
pontianak.tribunnews.com).
"""

from __future__ import annotations

import pandas as pd
import pytest

from app import ROOT
from geo.join import join_coverage
from geo.latest import STALE_LEVEL, Span, figure_period, latest_records, months_between, names_month, span_of
from geo.levels import read_schemes
from geo.store import STORED_COLUMNS

SCHEME = read_schemes(ROOT / "data" / "levels.json")["cakupan"]


def records(*rows: tuple[str, float, str]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {"code": code, "input": code, "coverage_pct": value, "as_of": as_of, "source": "x"}
            for code, value, as_of in rows
        ]
    )
    return frame.reindex(columns=STORED_COLUMNS)


BANDA_ACEH = ("11.71", 46.98, "2021-12-31")
METRO = ("18.72", 32.9, "2024-09-24")
KOTIM = ("62.02", 28.32, "2025-07")
KAYONG = ("61.11", 51.59, "2025-10-07")
PERIODS = [
    ("2025-10", records(KAYONG)),
    ("2025-07", records(KOTIM)),
    ("2024-09", records(METRO)),
    ("2021-12", records(BANDA_ACEH)),
]


@pytest.mark.parametrize(("earlier", "later", "months"), [("2023-12", "2025-12", 24), ("2025-01", "2024-12", -1)])
def test_months_between(earlier, later, months):
    assert months_between(earlier, later) == months


def test_each_district_keeps_its_own_period_and_the_old_one_is_data_lama():
    latest = latest_records(PERIODS, window=24).set_index("code")
    assert latest["period"].to_dict() == {
        "11.71": "2021-12",
        "18.72": "2024-09",
        "61.11": "2025-10",
        "62.02": "2025-07",
    }
    assert latest["stale"].to_dict() == {"11.71": True, "18.72": False, "61.11": False, "62.02": False}
    # The stale figure is kept for its tooltip, never as a current coverage.
    assert pd.isna(latest.loc["11.71", "coverage_pct"]) and latest.loc["11.71", "stale_coverage_pct"] == 46.98
    assert latest.loc["18.72", "coverage_pct"] == 32.9 and latest.loc["18.72", "as_of"] == "2024-09-24"
    assert span_of(latest, 24, "2025-10") == Span(24, "2024-09", "2025-10", 3, 1, "2025-10")


def test_a_newer_period_wins_and_a_wider_window_takes_the_old_figure_back():
    newer = [("2025-12", records(("18.72", 35.0, "2025-12")))] + PERIODS
    latest = latest_records(newer, window=60).set_index("code")
    assert latest.loc["18.72", "coverage_pct"] == 35.0 and latest.loc["18.72", "period"] == "2025-12"
    assert not latest["stale"].any() and latest.loc["11.71", "coverage_pct"] == 46.98


def test_the_window_counts_whole_months_back_from_the_newest_period():
    exactly = latest_records([("2025-12", records(KAYONG)), ("2023-12", records(METRO))], window=24)
    one_more = latest_records([("2026-01", records(KAYONG)), ("2023-12", records(METRO))], window=24)
    assert not exactly["stale"].any() and one_more["stale"].tolist() == [True, False]


def test_no_periods_give_an_empty_frame():
    assert latest_records([], window=24).empty and span_of(latest_records([], 24), 24, None).count == 0


def test_the_joined_map_draws_stale_districts_as_data_lama_unranked(boundaries):
    joined = join_coverage(boundaries.districts, latest_records(PERIODS, 24), "2025-10", SCHEME).set_index("code")
    assert joined.loc["11.71", "level"] == STALE_LEVEL and pd.isna(joined.loc["11.71", "rank"])
    assert joined.loc["62.02", "period"] == "2025-07" and joined.loc["62.02", "level"] == "rendah"
    assert joined.loc["61.11", "rank"] == 1 and joined.loc["62.02", "rank"] == 3
    assert joined.loc["13.71", "period"] is None and joined.loc["13.71", "level"] == "tidak_ada_data"
    assert joined["stale"].sum() == 1


def test_a_compilation_published_under_one_period_keeps_each_figures_own_month():
    """The bundled figures sit in one 2025-10 compilation; each is shown with the month its date gives."""
    compilation = records(BANDA_ACEH, METRO, KOTIM, KAYONG, ("61.04", 68.02, "2024"))  # Ketapang, "2024"
    latest = latest_records([("2025-10", compilation)], window=24).set_index("code")
    assert latest["period"].to_dict() == {
        "11.71": "2021-12",
        "18.72": "2024-09",
        "61.04": "2024-12",
        "61.11": "2025-10",
        "62.02": "2025-07",
    }
    assert latest.loc["11.71", "stale"] and latest.loc["61.04", "as_of"] == "2024"


@pytest.mark.parametrize(
    ("as_of", "period", "month"),
    [
        ("31 Desember 2021", "2025-10", "2021-12"),
        ("2024", "2025-10", "2024-12"),
        ("2025", "2025-10", "2025-10"),
        (None, "2025-12", "2025-12"),
        ("akhir tahun", "2025-12", "2025-12"),
        ("2025-11-30", "2025-10", "2025-10"),
    ],
)
def test_figure_period_is_never_later_than_the_period_it_was_published_in(as_of, period, month):
    assert figure_period(as_of, period) == month


@pytest.mark.parametrize(
    ("as_of", "period", "named"),
    [
        ("24 September 2024", "2024-09", True),
        ("2024", "2024-12", False),
        (None, "2025-12", False),
        ("Juli 2025", "2025-08", False),
        ("Okt 2025", "2025-10", True),
    ],
)
def test_a_date_names_its_month_or_the_period_is_shown_beside_it(as_of, period, named):
    assert names_month(as_of, period) is named
