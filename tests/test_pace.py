"""Pace, projection and status, each case computed by hand in its comment."""

from __future__ import annotations

import pytest

from geo.pace import (
    AT_RISK,
    NO_TARGET,
    OFF_TRACK,
    ON_TRACK,
    ONE_PERIOD,
    TARGET_PASSED,
    PaceRule,
    month_index,
    pace_of,
    period_of,
)

RULE = PaceRule(window_months=12, at_risk_points=2.0)
# 10 → 13 → 16 over Jan, Apr, Jul 2025: exactly one point a month; the line is 10 + (months since Jan 2025).
THREE = [("2025-01", 10.0), ("2025-04", 13.0), ("2025-07", 16.0)]


@pytest.mark.parametrize(
    ("target", "status", "projected", "reached"),
    [
        # December is 5 months after July: 16 + 5 = 21 at the target's date.
        (30.0, OFF_TRACK, 21.0, "2026-09"),  # 21 < 30 − 2; 10 + 20 months = 30 in Sep 2026
        (22.0, AT_RISK, 21.0, "2026-01"),  # 21 ≥ 22 − 2; 10 + 12 = 22 in Jan 2026
        (20.0, ON_TRACK, 21.0, "2025-11"),  # 21 ≥ 20; 10 + 10 = 20 in Nov 2025
        (21.0, ON_TRACK, 21.0, "2025-12"),  # reached exactly at the target's month
    ],
)
def test_three_periods_give_the_hand_computed_pace_projection_and_status(target, status, projected, reached):
    pace = pace_of(THREE, target, "2025-12", RULE)
    assert pace.points_per_month == pytest.approx(1.0)
    assert pace.projected_pct == pytest.approx(projected)
    assert (pace.status, pace.reason, pace.reached_period) == (status, None, reached)
    assert pace.periods_used == ("2025-01", "2025-04", "2025-07")
    assert pace.latest_pct == 16.0


def test_least_squares_through_points_off_a_line():
    # Months 0, 1, 2 with 10, 12, 11: mean 1 and 11; Σ(x−x̄)(y−ȳ) = 1, Σ(x−x̄)² = 2, so 0,5 a month;
    # the line passes (1, 11): at month 11 (Dec) it is 11 + 10 × 0,5 = 16.
    pace = pace_of([("2025-01", 10.0), ("2025-02", 12.0), ("2025-03", 11.0)], 16.0, "2025-12", RULE)
    assert pace.points_per_month == pytest.approx(0.5)
    assert pace.projected_pct == pytest.approx(16.0)
    assert pace.status == ON_TRACK


def test_figures_older_than_the_window_are_left_out():
    # Jan 2024 is 18 months before Jul 2025: outside 12 months, so the 50 does not bend the line.
    pace = pace_of([("2024-01", 50.0), *THREE], 30.0, "2025-12", RULE)
    assert pace.periods_used == ("2025-01", "2025-04", "2025-07")
    assert pace.points_per_month == pytest.approx(1.0)


def test_one_period_has_no_pace_and_no_status():
    pace = pace_of([("2025-10", 19.22)], 28.3, "2025-12", RULE)
    assert (pace.status, pace.reason, pace.points_per_month, pace.projected_pct) == (None, ONE_PERIOD, None, None)


def test_one_period_inside_the_window_is_one_period_even_with_older_figures():
    pace = pace_of([("2023-01", 12.0), ("2025-10", 19.22)], 28.3, "2025-12", RULE)
    assert (pace.status, pace.reason) == (None, ONE_PERIOD)


def test_no_target_has_a_pace_but_no_status():
    pace = pace_of(THREE, None, None, RULE)
    assert (pace.status, pace.reason, pace.points_per_month) == (None, NO_TARGET, pytest.approx(1.0))


def test_already_above_target_is_on_track_whatever_the_pace():
    # Falling from 35 to 32, still above a target of 28,3: on track, said as reached at the latest period.
    pace = pace_of([("2025-06", 35.0), ("2025-09", 32.0)], 28.3, "2025-12", RULE)
    assert (pace.status, pace.reason, pace.reached_period) == (ON_TRACK, None, "2025-09")
    assert pace.points_per_month == pytest.approx(-1.0)


def test_a_falling_line_never_reaches_the_target():
    pace = pace_of([("2025-06", 20.0), ("2025-09", 17.0)], 28.3, "2025-12", RULE)
    # −1 a month: 17 − 3 = 14 in December, far short; the line never gets there.
    assert (pace.status, pace.projected_pct, pace.reached_period) == (OFF_TRACK, pytest.approx(14.0), None)


def test_a_target_whose_month_has_passed_has_no_status():
    pace = pace_of(THREE, 30.0, "2025-03", RULE)
    assert (pace.status, pace.reason, pace.reached_period) == (None, TARGET_PASSED, "2026-09")


def test_missing_figures_are_skipped_and_order_does_not_matter():
    figures = [("2025-07", 16.0), ("2025-02", None), ("2025-01", 10.0), ("2025-05", float("nan")), ("2025-04", 13.0)]
    assert pace_of(figures, 30.0, "2025-12", RULE) == pace_of(THREE, 30.0, "2025-12", RULE)


@pytest.mark.parametrize("period", ["2025-01", "2025-12", "2026-06", "1999-10"])
def test_months_round_trip(period):
    assert period_of(month_index(period)) == period
    assert month_index("2026-01") - month_index("2025-12") == 1


def test_district_page_and_api_carry_the_pace_of_its_own_figures(client):
    """Kabupaten Pulang Pisau in the sample series: two periods six months apart, computed here from the API's
    own figures (slope = difference ÷ 6), against its target taken as the end of the latest figure's year."""
    history = client.get("/api/district/62.11?series=contoh").get_json()
    figures = [p for p in history["periods"] if p["coverage_pct"] is not None]
    (first, last) = figures[-2:]
    assert (first["period"], last["period"]) == ("2025-06", "2025-12")
    pace = history["pace"]
    assert pace["points_per_month"] == pytest.approx((last["coverage_pct"] - first["coverage_pct"]) / 6, abs=1e-3)
    assert pace["target_pct"] == last["target_pct"] and pace["target_period"] == "2025-12"
    assert pace["target_period_assumed"] is True
    assert pace["status"] == OFF_TRACK  # 30,31% in December 2025 against a target above 50%
    html = client.get("/district/62.11?series=contoh").get_data(as_text=True)
    assert "Tidak sesuai jalur</strong>: dengan laju ini" in html
    assert "dianggap target akhir 2025" in html
    english = client.get("/district/62.11?series=contoh&lang=en").get_data(as_text=True)
    assert "Off track</strong>: at this pace" in english


def test_a_district_without_a_target_says_so_in_words(client):
    features = client.get("/api/coverage.geojson").get_json()["features"]
    code = next(
        f["properties"]["code"]
        for f in features
        if f["properties"]["coverage_pct"] is not None and f["properties"]["target_pct"] is None
    )
    history = client.get(f"/api/district/{code}").get_json()
    assert (history["pace"]["status"], history["pace"]["reason"]) == (None, NO_TARGET)
    assert "Belum ada status jalur: wilayah ini belum punya target." in client.get(f"/district/{code}").get_data(
        as_text=True
    )
