"""Charts as plain SVG geometry, computed here and drawn by templates: no network, no chart library."""

from __future__ import annotations

from dataclasses import dataclass

from geo.numbers import format_count, format_percent


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    color: str
    label: str  # shown as text next to the mark and in its <title>


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    bottom: int
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    marks: list[Mark]
    line: str  # SVG points of the coverage line (gaps where a period has no data are skipped)
    target: str  # SVG points of the target line, or "" without targets
    projection: str = ""  # SVG points of the pace line to the target's month (geo.pace), or "" without one
    projection_end: Mark | None = None  # its end: the projected coverage at the target's month


@dataclass(frozen=True)
class Projection:
    """The pace line of geo.pace: from its value at the first period it used to its value at the target's month."""

    start_month: int  # geo.pace.month_index
    start_pct: float
    end_month: int
    end_pct: float
    end_label: str  # the target's month, as the x axis says it ("Des 2026")
    target_pct: float | None = None  # the target the line is measured against: the target line reaches its month


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    height: float
    color: str
    name: str
    value: str
    target_x: float | None


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    bars: list[Bar]
    x_ticks: list[Tick]


def _scale_max(values: list[float | None]) -> float:
    present = [v for v in values if v is not None]
    return max(100.0, *present) if present else 100.0


def line_chart(
    periods: list[str],
    values: list[float | None],
    targets: list[float | None],
    colors: list[str],
    locale: str,
    width: int = 640,
    height: int = 260,
    months: list[int] | None = None,
    projection: Projection | None = None,
) -> LineChart:
    """Coverage per period as a line with coloured points, and the target as a dashed line. With `months` (each
    period's geo.pace.month_index) the x axis is time, so a slope reads as a pace; with a `projection` too, the
    pace line runs dotted to the target's month, which the axis gains."""
    left, bottom, top, right = 48, 32, 12, 44  # room for half of "Des 2025" centred on the last period
    ends = [projection.start_pct, projection.end_pct] if projection else []
    top_value = _scale_max(values + targets + ends)
    step = (width - left - right) / max(len(periods) - 1, 1)
    timeline = (months or []) + ([projection.end_month] if projection and months else [])
    first, span = (timeline[0], max(timeline[-1] - timeline[0], 1)) if len(timeline) > 1 else (0, 1)

    def at_month(month: int) -> float:
        return round(left + (month - first) / span * (width - left - right), 1)

    def x(i: int) -> float:
        if len(timeline) > 1:
            return at_month(timeline[i])
        return round(left + (i * step if len(periods) > 1 else (width - left - right) / 2), 1)

    def y(v: float) -> float:
        return round(height - bottom - v / top_value * (height - bottom - top), 1)

    marks = [Mark(x(i), y(v), colors[i], format_percent(v, locale)) for i, v in enumerate(values) if v is not None]
    line = " ".join(f"{m.x},{m.y}" for m in marks)
    target = " ".join(f"{x(i)},{y(t)}" for i, t in enumerate(targets) if t is not None)
    y_ticks = [Tick(y(v), format_percent(v, locale, decimals=0)) for v in range(0, int(top_value) + 1, 25)]
    x_ticks = [Tick(x(i), p) for i, p in enumerate(periods)]
    path, end = "", None
    if projection and len(timeline) > 1:
        start = (at_month(projection.start_month), y(projection.start_pct))
        stop = (at_month(projection.end_month), y(projection.end_pct))
        path = f"{start[0]},{start[1]} {stop[0]},{stop[1]}"
        end = Mark(stop[0], stop[1], "#ffffff", format_percent(projection.end_pct, locale))
        if projection.target_pct is not None and target:
            target += f" {stop[0]},{y(projection.target_pct)}"
        if projection.end_month not in (months or []):
            x_ticks.append(Tick(stop[0], projection.end_label))
    return LineChart(width, height, left, bottom, y_ticks, x_ticks, marks, line, target, path, end)


def bar_chart(
    names: list[str],
    values: list[float | None],
    targets: list[float | None],
    colors: list[str],
    locale: str,
    width: int = 640,
) -> BarChart:
    """Horizontal bars, one per district, in level colours, with a tick at each target."""
    left, bar, gap = 230, 26, 10
    top_value = _scale_max(values + targets)
    span = width - left - 60

    def x(v: float) -> float:
        return round(v / top_value * span, 1)

    bars = [
        Bar(
            i * (bar + gap),
            x(v or 0),
            bar,
            colors[i],
            names[i],
            format_percent(v, locale),
            left + x(t) if t is not None else None,
        )
        for i, (v, t) in enumerate(zip(values, targets, strict=True))
    ]
    ticks = [Tick(left + x(v), format_percent(v, locale, decimals=0)) for v in range(0, int(top_value) + 1, 25)]
    return BarChart(width, len(names) * (bar + gap) + 30, left, bars, ticks)


# Okabe–Ito colours: told apart under every colour-vision deficiency; each part also carries its name as text.
SEGMENT_COLORS = {
    "pu": "#0072B2",
    "bpu": "#E69F00",
    "jakon": "#009E73",
    "pmi": "#CC79A7",
    "kabkota": "#0072B2",
    "provinsi": "#56B4E9",
    "lain": "#999999",
}


@dataclass(frozen=True)
class Part:
    x: float
    width: float
    color: str
    name: str
    value: str  # count and share, shown in the key and the part's <title>


@dataclass(frozen=True)
class StackedBar:
    width: int
    height: int
    parts: list[Part]


def stacked_bar(parts: list[tuple[str, str, int | None]], locale: str, width: int = 640) -> StackedBar | None:
    """One bar split into parts (key, name, count) in proportion to their counts; None when none is above 0.

    Shares are of the parts' sum, which is what the bar shows; parts that are 0 or unknown are left out.
    """
    present = [(key, name, count) for key, name, count in parts if count is not None and count > 0]
    total = sum(count for _, _, count in present)
    if not total:
        return None
    result, x = [], 0.0
    for key, name, count in present:
        span = count / total * width
        value = f"{format_count(count, locale)} ({format_percent(count / total * 100, locale)})"
        result.append(Part(round(x, 1), round(span, 1), SEGMENT_COLORS[key], name, value))
        x += span
    return StackedBar(width, 28, result)
