"""District pages: one district across every period, and 2–6 districts side by side."""

from __future__ import annotations

import pandas as pd
from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from geo.codes import normalize_code
from geo.compare import MAX_COMPARE, MIN_COMPARE, chosen_codes, compared_rows
from geo.levels import classify, colors
from geo.numbers import format_month
from geo.pace import month_index
from geo.query import DEFAULT_VIEW, parse_series
from geo.results import dataset_records
from geo.segments import PARTICIPANT_SEGMENTS, PAYERS
from layers.charts import Projection, bar_chart, line_chart, stacked_bar
from web.history import district_history, history_key
from web.resources import Resources, cached_page, get_resources, page_response
from web.results import live_snapshot

bp = Blueprint("districts", __name__)


def _level_colors(resources: Resources, values: list[float | None]) -> tuple[list[str], list[str]]:
    scheme = resources.schemes[DEFAULT_VIEW]
    keys = classify(pd.Series(values, dtype=float), scheme)
    return keys.tolist(), colors(keys, scheme).tolist()


def projection_of(pace: dict, locale: str) -> Projection | None:
    """The pace line drawn on the chart: with a status and a projection to a month after the figures (geo.pace),
    from the line's value at the first period it used to the projection; none otherwise (the page says why)."""
    if not pace["status"] or pace["projected_pct"] is None or pace["latest_pct"] >= pace["target_pct"]:
        return None
    start, end = month_index(pace["periods_used"][0]), month_index(pace["target_period"])
    if end <= month_index(pace["periods_used"][-1]):
        return None
    start_pct = pace["projected_pct"] - pace["points_per_month"] * (end - start)
    label = format_month(pace["target_period"], locale)
    return Projection(start, round(start_pct, 2), end, pace["projected_pct"], label, pace["target_pct"])


@bp.get("/district/<code>")
def district_page(code: str):
    """A district over every live period: cached whole by its history's versions and the language, like the maps."""
    resources = get_resources()
    locale = str(get_locale())
    code = normalize_code(code) or code
    history = district_history(
        resources, code, parse_series(request.args)
    )  # an unknown code answers 404 before anything is cached
    key = ("district-page", *history_key(resources, code, history["series"]), locale)
    return page_response(resources.cache.get_or_make(key, lambda: cached_page(render_district(resources, history))))


def render_district(resources: Resources, history: dict) -> str:
    locale = str(get_locale())
    periods = history["periods"]
    values = [p["coverage_pct"] for p in periods]
    level_keys, fills = _level_colors(resources, values)
    chart = line_chart(
        [format_month(p["period"], locale) for p in periods],
        values,
        [p.get("target_pct") for p in periods],
        fills,
        locale,
        months=[month_index(p["period"]) for p in periods],
        projection=projection_of(history["pace"], locale),
    )
    latest = next((p for p in reversed(periods) if p["coverage_pct"] is not None), None)
    neighbours = _neighbour_rows(resources, history, periods[-1]["period"] if periods else None)
    lang = locale.split("_")[0]
    with_segments = next((p for p in reversed(periods) if p.get("segments")), None)
    segments = with_segments["segments"] if with_segments else None
    return render_template(
        "district.html",
        d=history,
        periods=periods,
        levels=level_keys,
        chart=chart,
        latest=latest,
        neighbours=neighbours,
        scheme=resources.schemes[DEFAULT_VIEW],
        lang=lang,
        segments_period=with_segments["period"] if with_segments else None,
        segments=segments,
        segment_bar=segments
        and stacked_bar([(s.key, s.label[lang], segments[s.column]) for s in PARTICIPANT_SEGMENTS], locale),
        payer_bar=segments and stacked_bar([(p.key, p.label[lang], segments[p.column]) for p in PAYERS], locale),
    )


def _neighbour_rows(resources: Resources, history: dict, period: str | None) -> list[dict]:
    """The district and its neighbours in the latest period, for comparison."""
    if period is None:
        return []
    dataset = live_snapshot(resources).find(history["series"], period)
    records = dataset_records(resources, dataset)
    figures = records.set_index("code")
    rows = []
    for item in [{"code": history["code"], "name": history["name"]}, *history["neighbours"]]:
        value = figures["coverage_pct"].get(item["code"])
        rows.append(
            {
                **item,
                "coverage_pct": None if value is None or pd.isna(value) else float(value),
                "is_self": item["code"] == history["code"],
            }
        )
    keys, fills = _level_colors(resources, [r["coverage_pct"] for r in rows])
    return [{**row, "level": key, "fill": fill} for row, key, fill in zip(rows, keys, fills, strict=True)]


@bp.get("/bandingkan")
def compare():
    resources = get_resources()
    locale = str(get_locale())
    series = parse_series(request.args)
    dataset = live_snapshot(resources).find(series, request.args.get("period") or None)
    districts = resources.boundaries.districts
    codes, unknown = chosen_codes(request.args.getlist("kode"), set(districts["kode"]))
    message = None
    if unknown:
        message = _("Kode tidak dikenal: %(codes)s.", codes=", ".join(unknown))
    elif not MIN_COMPARE <= len(codes) <= MAX_COMPARE:
        message = _("Pilih 2 sampai 6 kabupaten/kota untuk dibandingkan.")
    rows, chart = ([], None) if message else _compared(resources, dataset, codes, locale)
    return render_template(
        "compare.html",
        **{"rows": rows, "chart": chart, "message": message, "dataset": dataset, "codes": codes},
        periods=live_snapshot(resources).live(series),
        choices=list(districts[["kode", "nama", "provinsi"]].itertuples(index=False)),
        scheme=resources.schemes[DEFAULT_VIEW],
        lang=locale.split("_")[0],
    ), (400 if message and (codes or unknown) else 200)


def _compared(resources: Resources, dataset, codes: list[str], locale: str) -> tuple[list[dict], str]:
    """The chosen districts' rows, coloured by level, and their bar chart."""
    rows = compared_rows(dataset_records(resources, dataset), resources.boundaries.districts, codes)
    keys, fills = _level_colors(resources, [r["coverage_pct"] for r in rows])
    rows = [{**r, "level": k, "fill": f} for r, k, f in zip(rows, keys, fills, strict=True)]
    names = [r["name"].removeprefix("Kabupaten ") for r in rows]
    chart = bar_chart(names, [r["coverage_pct"] for r in rows], [r["target_pct"] for r in rows], fills, locale)
    return rows, chart
