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
) -> LineChart:
    """Coverage per period as a line with coloured points, and the target as a dashed line."""
    left, bottom, top, right = 48, 32, 12, 44  # room for half of "Des 2025" centred on the last period
    top_value = _scale_max(values + targets)
    step = (width - left - right) / max(len(periods) - 1, 1)

    def x(i: int) -> float:
        return round(left + (i * step if len(periods) > 1 else (width - left - right) / 2), 1)

    def y(v: float) -> float:
        return round(height - bottom - v / top_value * (height - bottom - top), 1)

    marks = [Mark(x(i), y(v), colors[i], format_percent(v, locale)) for i, v in enumerate(values) if v is not None]
    line = " ".join(f"{m.x},{m.y}" for m in marks)
    target = " ".join(f"{x(i)},{y(t)}" for i, t in enumerate(targets) if t is not None)
    y_ticks = [Tick(y(v), format_percent(v, locale, decimals=0)) for v in range(0, int(top_value) + 1, 25)]
    return LineChart(
        width, height, left, bottom, y_ticks, [Tick(x(i), p) for i, p in enumerate(periods)], marks, line, target
    )


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
