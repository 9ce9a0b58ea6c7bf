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
from tests.test_uploads import auth, tokens, upload  # noqa: F401 - tokens is a fixture
from web.resources import get_resources

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


# Three monthly files, as a province office would publish them: Pulang Pisau and Kapuas at 10 → 13 → 16% (one point a
# month, the THREE case above) with yearly targets of 30% and 22%, Katingan in the last file only. Counts chosen so
# coverage is exact: 100.000 employed each.
HEADER = "kode,wilayah,peserta,pekerja,target\n"
TRACK_FILES = {
    "2025-01": HEADER + "62.11,Pulang Pisau,10000,100000,30\n62.03,Kapuas,10000,100000,22\n",
    "2025-04": HEADER + "62.11,Pulang Pisau,13000,100000,30\n62.03,Kapuas,13000,100000,22\n",
    "2025-07": HEADER
    + "62.11,Pulang Pisau,16000,100000,30\n62.03,Kapuas,16000,100000,22\n62.06,Katingan,20000,100000,25\n",
}


@pytest.fixture()
def track_client(app, tokens):  # noqa: F811
    client = app.test_client()
    for period, text in TRACK_FILES.items():
        draft = upload(client, tokens["editor"], text, period).get_json()
        response = client.post(f"/api/uploads/{draft['id']}/publish", headers=auth(tokens["editor"]))
        assert response.status_code == 201, response.get_json()
    return client


def test_the_jalur_view_colours_ranks_and_explains_the_hand_computed_status(track_client):
    """Targets without a year are taken for December of the figure's year (2025-12): 16 + 5 months = 21% there.
    Pulang Pisau: 21 < 30 − 2, off track, 30% in Sep 2026 (−9 points); Kapuas: 21 ≥ 22 − 2, at risk, 22% in Jan 2026
    (−1 point); Katingan: one period, no status."""
    query = "scope=kalimantan-tengah&period=2025-07&view=jalur"
    rows = {r["code"]: r for r in track_client.get(f"/api/ranking?{query}").get_json()["rows"]}
    expected = {"62.11": (OFF_TRACK, -9.0, "2026-09"), "62.03": (AT_RISK, -1.0, "2026-01"), "62.06": (None, None, None)}
    for code, (status, margin, reached) in expected.items():
        row = rows[code]
        assert (row["track_status"], row["track_margin_pts"], row["target_reached_period"]) == (status, margin, reached)
    assert rows["62.11"]["pace_pts_per_month"] == pytest.approx(1.0) and rows["62.11"]["projected_pct"] == 21.0
    assert (rows["62.03"]["level"], rows["62.11"]["level"], rows["62.06"]["level"]) == (
        "berisiko",
        "tidak_sesuai_jalur",
        "tidak_ada_data",
    )
    assert (rows["62.03"]["rank"], rows["62.11"]["rank"], rows["62.06"]["rank"]) == (1, 2, None)  # closest first
    values = track_client.get(f"/map/kalimantan-tengah/values.json?{query}").get_json()
    tip = dict(values["features"]["62.11"]["tip"]["rows"])
    assert tip["Laju 12 bulan"] == "+1,0 poin per bulan"
    assert tip["Proyeksi Des 2025"] == "21,0% (target 30,0%)"
    assert tip["Target tercapai"] == "± Sep 2026" and tip["Tingkat"] == "Tidak sesuai jalur"
    assert [(e["label"], e["range"], e["count"]) for e in values["legend"]][:3] == [
        ("Sesuai jalur", "≥ 0 poin", 0),
        ("Berisiko", "-2 – < 0 poin", 1),
        ("Tidak sesuai jalur", "< -2 poin", 1),
    ]
    csv = track_client.get(f"/api/ranking.csv?{query}").get_data(as_text=True)
    header = csv.splitlines()[0].lstrip("\ufeff").split(",")
    assert {"pace_pts_per_month", "projected_pct", "track_status", "target_reached_period"} <= set(header)
    english = dict(
        track_client.get(f"/map/kalimantan-tengah/values.json?{query}&lang=en").get_json()["features"]["62.03"]["tip"][
            "rows"
        ]
    )
    assert english["Target reached"] == "± Jan 2026" and english["Level"] == "At risk"


def test_the_status_thresholds_are_the_jalur_levels(shared_app):
    """The legend's thresholds and the status are one rule: data/levels.json's jalur levels."""
    from geo.results import pace_rule

    with shared_app.app_context():
        rule = pace_rule(get_resources())
    assert rule.at_risk_points == 2.0 and rule.window_months == 12


def test_the_district_chart_draws_the_pace_line_to_the_target_month_on_a_time_axis(track_client):
    """Pulang Pisau: figures Jan, Apr, Jul 2025 on a time axis to the target's month (Dec 2025, 11 months after
    January), the plot 548 px wide from x = 48: Jul at 48 + 6/11 · 548 = 346,9. The pace line runs from the line's
    value in January (21 − 1 · 11 = 10%) to 21% in December: y = 228 − v/100 · 216, 206,4 and 182,6."""
    html = track_client.get("/district/62.11").get_data(as_text=True)
    assert 'class="projection-line"' in html and 'points="48.0,206.4 596.0,182.6"' in html
    assert 'cx="346.9"' in html  # July's mark, at its place in time
    assert ">Des 2025</text>" in html and "Proyeksi 21,0%" in html
    assert "proyeksi dengan laju 12 bulan" in html
    english = track_client.get("/district/62.11?lang=en").get_data(as_text=True)
    assert "Projection 21.0%" in english
    # Katingan has one period (no pace) and no line; a district already above its target has none either.
    assert 'class="projection-line"' not in track_client.get("/district/62.06").get_data(as_text=True)


PROVINCE_FILES = {
    period: HEADER + f"62.11,Pulang Pisau,{share}000,100000,30\n,Kalimantan Tengah,{share}0000,1000000,30\n"
    for period, share in (("2025-01", 10), ("2025-04", 13), ("2025-07", 16))
}


def test_a_province_gets_the_pace_of_its_own_figures_on_the_province_layer(app, tokens):  # noqa: F811
    """Kalimantan Tengah's published figure: 10%, 13%, 16% in Jan, Apr, Jul 2025 (100.000, 130.000, 160.000 of
    1.000.000), target 30%: one point a month, 21% in December, 9 points short: tidak sesuai jalur, 30% in Sep 2026.
    The other provinces have no figure in these files: no pace, no status, never an error."""
    client = app.test_client()
    for period, text in PROVINCE_FILES.items():
        draft = upload(client, tokens["editor"], text, period).get_json()
        response = client.post(f"/api/uploads/{draft['id']}/publish", headers=auth(tokens["editor"]))
        assert response.status_code == 201, response.get_json()
    query = "scope=kalimantan&period=2025-07&view=jalur&layer=provinsi"
    response = client.get(f"/api/ranking?{query}")
    assert response.status_code == 200
    rows = {r["code"]: r for r in response.get_json()["rows"]}
    central = rows["62"]
    assert central["coverage_pct"] == 16.0 and central["pace_pts_per_month"] == pytest.approx(1.0)
    assert (central["projected_pct"], central["track_status"], central["track_margin_pts"]) == (21.0, OFF_TRACK, -9.0)
    assert central["target_reached_period"] == "2026-09" and central["level"] == "tidak_sesuai_jalur"
    assert all(rows[c]["track_status"] is None for c in rows if c != "62")
    values = client.get(f"/map/kalimantan/values.json?{query.replace('scope=kalimantan&', '')}").get_json()
    tip = dict(values["features"]["62"]["tip"]["rows"])
    assert tip["Proyeksi Des 2025"] == "21,0% (target 30,0%)" and tip["Tingkat"] == "Tidak sesuai jalur"


# Targets are set per year: Pemprov Kalimantan Barat's target is 59,56% for 2025 and 60,80% for 2026 in the same
# article (suaraborneo.id 2025-10, ../shared/coverage/published_ucj_research.csv), so a target's year changes the
# status. The TRACK_FILES figures with the target column headed the way such tables are ("Target 2026").
YEAR_FILES = {period: text.replace(",target\n", ",Target 2026\n") for period, text in TRACK_FILES.items()}


def test_a_target_column_with_its_year_sets_the_month_the_pace_is_measured_to(app, tokens):  # noqa: F811
    """With 'Target 2026' the line 10 + (months since Jan 2025) stands at 10 + 23 = 33% in December 2026: Pulang
    Pisau (target 30%) is sesuai jalur, +3 points; Kapuas (22%) +11. Taken for December 2025 (no year), the same
    figures were −9 and −1 (test_the_jalur_view_colours_ranks_and_explains_the_hand_computed_status)."""
    client = app.test_client()
    for period, text in YEAR_FILES.items():
        draft = upload(client, tokens["editor"], text, period).get_json()
        assert draft["target_year"] == "2026" and "target_year" not in {w["kind"] for w in draft["warnings"]}
        response = client.post(f"/api/uploads/{draft['id']}/publish", headers=auth(tokens["editor"]))
        assert response.status_code == 201, response.get_json()
    query = "scope=kalimantan-tengah&period=2025-07&view=jalur"
    rows = {r["code"]: r for r in client.get(f"/api/ranking?{query}").get_json()["rows"]}
    assert (rows["62.11"]["target_period"], rows["62.11"]["projected_pct"]) == ("2026-12", 33.0)
    assert (rows["62.11"]["track_status"], rows["62.11"]["track_margin_pts"]) == (ON_TRACK, 3.0)
    assert (rows["62.03"]["track_status"], rows["62.03"]["track_margin_pts"]) == (ON_TRACK, 11.0)
    assert rows["62.11"]["target_year"] == "2026"
    pace = client.get("/api/district/62.11").get_json()["pace"]
    assert (pace["target_period"], pace["target_period_assumed"]) == ("2026-12", False)
    assert "dianggap target akhir" not in client.get("/district/62.11").get_data(as_text=True)


def test_the_review_page_asks_the_year_of_targets_that_do_not_say_it(app):
    """No year in the target column: a warning that says what to do, a 'Tahun target' field on the review page;
    the answer is checked (four digits, the figures' year up to ten years on) and goes with every figure."""
    from geo.accounts import create_user
    from tests.test_editor import PASSWORD, csrf, sign_in
    from tests.test_editor import upload as form_upload

    with app.app_context():
        create_user(get_resources().engine, "penyunting", "editor", PASSWORD)
    client = app.test_client()
    sign_in(client, "penyunting")
    response = form_upload(client, TRACK_FILES["2025-07"].encode(), period="2025-07", name="target.csv")
    draft_url = response.headers["Location"]
    review = client.get(draft_url).get_data(as_text=True)
    assert 'data-kind="target_year"' in review and 'name="target_year"' in review
    assert "Target di berkas ini tidak menyebut tahunnya" in review
    for wrong, message in (("20x6", "bukan tahun"), ("2040", "tidak cocok dengan periode 2025-07")):
        form = {"source": "BPJS", "as_of": "", "target_year": wrong, "csrf_token": csrf(review)}
        client.post(f"{draft_url}/sumber", data=form)
        assert message in client.get(draft_url).get_data(as_text=True)
    form = {"source": "BPJS", "as_of": "", "target_year": "2026", "csrf_token": csrf(review)}
    client.post(f"{draft_url}/sumber", data=form)
    review = client.get(draft_url).get_data(as_text=True)
    assert 'data-kind="target_year"' not in review and 'value="2026"' in review
    client.post(f"{draft_url}/terbitkan", data={"csrf_token": csrf(review)})
    pace = client.get("/api/district/62.11").get_json()["pace"]
    assert (pace["target_period"], pace["target_period_assumed"]) == ("2026-12", False)


def test_the_district_page_and_its_api_are_cached_until_a_version_changes(track_client, tokens):  # noqa: F811
    """Cached by the live versions of the series (web.history.history_key): a second visit is the same bytes (304
    with its ETag), and a publish of another period shows at once on both."""
    page = track_client.get("/district/62.11")
    again = track_client.get("/district/62.11", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304
    api = track_client.get("/api/district/62.11")
    assert [p["period"] for p in api.get_json()["periods"]][-1] < "2026-03"
    text = HEADER + "62.11,Pulang Pisau,19000,100000,30\n"
    draft = upload(track_client, tokens["editor"], text, "2026-03").get_json()
    assert track_client.post(f"/api/uploads/{draft['id']}/publish", headers=auth(tokens["editor"])).status_code == 201
    fresh = track_client.get("/district/62.11", headers={"If-None-Match": page.headers["ETag"]})
    assert fresh.status_code == 200 and "19,0%" in fresh.get_data(as_text=True)
    assert [p["period"] for p in track_client.get("/api/district/62.11").get_json()["periods"]][-1] == "2026-03"
    assert track_client.get("/district/99.99").status_code == 404


def test_a_province_figures_target_year_sets_its_pace_like_a_districts(app, tokens):  # noqa: F811
    """The same Kalimantan Tengah figures (10%, 13%, 16%, one point a month) with the target column headed
    'Target 2026': 16 + 17 = 33% in December 2026 against 30%, sesuai jalur, +3 points; taken for December 2025
    (no year, the test above) they were 21%, −9. The year is kept with the province figure (migration 0008)."""
    client = app.test_client()
    for period, text in PROVINCE_FILES.items():
        draft = upload(client, tokens["editor"], text.replace(",target\n", ",Target 2026\n"), period).get_json()
        assert draft["target_year"] == "2026"
        response = client.post(f"/api/uploads/{draft['id']}/publish", headers=auth(tokens["editor"]))
        assert response.status_code == 201, response.get_json()
    query = "scope=kalimantan&period=2025-07&view=jalur&layer=provinsi"
    central = {r["code"]: r for r in client.get(f"/api/ranking?{query}").get_json()["rows"]}["62"]
    assert (central["target_year"], central["target_period"], central["projected_pct"]) == ("2026", "2026-12", 33.0)
    assert (central["track_status"], central["track_margin_pts"]) == (ON_TRACK, 3.0)
