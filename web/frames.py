"""The time slider's frames: what presentation mode shows of each period while it plays, for every period at once.

A frame is one period's fills, the view's value of every unit (the labels' and the tooltip's number), the labels,
the legend with its counts, the description and the period's own name and source, each formatted here as on the
map. The rest of a period (every tooltip row, the table, the keyboard's ranks) is that period's values.json, which
the slider fetches when it stops on the period (static/js/timeline.js): playing sixty periods transfers what sixty
maps show, not sixty tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from flask_babel import gettext as _

from geo.results import CoverageResult
from layers.choropleth import fill_of
from layers.legend import format_value
from web.formatting import when_text
from web.rendering import describe, legend_of, map_labels, unit_symbols
from web.resources import Resources


def period_frame(
    resources: Resources, key: tuple, view_of: Callable[[], CoverageResult], locale: str, labels: str
) -> dict:
    """One period's frame, made once by `key` (frame_key): the result is resolved (`view_of`) only to make it."""

    def make() -> dict:
        view = view_of()
        joined = view.joined
        legend = legend_of(view, locale)
        styles = [[level, fill_of(level, fill)] for level, fill in zip(joined["level"], joined["fill"], strict=True)]
        labelled = map_labels(resources, view, locale, labels)
        return {
            "period": view.period_arg or "",
            "period_label": when_text(view, locale, short=True),
            "source": view.dataset.title,
            "is_sample": view.dataset.is_sample,
            "legend": [asdict(entry) for entry in legend],
            "description": describe(view, legend, locale.split("_")[0]),
            "codes": [str(code) for code in joined["code"]],
            "styles": styles,
            "values": [format_value(value, view.scheme, locale) or None for value in joined[view.scheme.value]],
            "labels": [{"code": x.code, "name": x.name, "value": x.value} for x in labelled],
            "circles": unit_symbols(view),
        }

    return resources.cache.get_or_make(("frame", *key, locale, labels), make)


def frame_key(scope: str, args: dict[str, str], live: list, period: str) -> tuple:
    """What a period's frame depends on: the view's arguments and the live versions of the series up to its period.
    A figure's pace (the jalur view) reads its path up to its own period (geo.pace.paces_of) and nothing else reads
    another period, so a publish of a new period makes only that period's frame, and a correction of an earlier one
    the frames from it on."""
    upto = tuple(sorted(d.id for d in live if d.period <= period))
    return (scope, tuple(sorted(args.items())), period, upto)


def _labels_follow(frame: dict, named: list[list[str]]) -> bool:
    """Whether a frame's labels are `named` (code, name), each over its unit's value in the frame: the browser
    writes them from the values, and the frame need not carry the numbers twice."""
    values = dict(zip(frame["codes"], frame["values"], strict=True))
    labels = frame["labels"]
    return [[x["code"], x["name"]] for x in labels] == named and all(
        x["value"] == (values.get(x["code"]) or "") for x in labels
    )


def series_frames(frames: list[dict], measure: str) -> dict:
    """Every period's frame in one body: the units' codes once (a frame that has other units keeps its own), each
    unit's (level, fill) as an index into `styles`, the pairs every frame uses, and the labels' codes and names once
    (a frame keeps its own labels when they are not those names over its values)."""
    codes = frames[0]["codes"] if frames else []
    styles: list[list[str]] = []
    index: dict[tuple[str, str], int] = {}

    def style(pair: list[str]) -> int:
        key = (pair[0], pair[1])
        if key not in index:
            index[key] = len(styles)
            styles.append(list(key))
        return index[key]

    named = [[label["code"], label["name"]] for label in frames[0]["labels"]] if frames else []
    compact = []
    for frame in frames:
        one = {key: value for key, value in frame.items() if key not in ("codes", "styles")}
        one["style"] = [style(pair) for pair in frame["styles"]]
        if frame["codes"] != codes:
            one["codes"] = frame["codes"]
        if _labels_follow(frame, named):
            del one["labels"]
        compact.append(one)
    return {
        "codes": codes,
        "styles": styles,
        "labels": named,
        "texts": {
            "measure": measure,
            "level": _("Tingkat"),
            "details": _("Rincian"),
            "pending": _("tampil saat slider berhenti"),
            "table_pending": _("Tabel periode ini tampil saat slider berhenti."),
            "none": _("tidak ada data"),
        },
        "periods": [frame["period"] for frame in frames],
        "frames": compact,
    }
