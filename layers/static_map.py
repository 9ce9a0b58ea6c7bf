"""Static maps for slides: PNG, SVG and PDF drawn with matplotlib, no browser and no network.

Colours and levels come from the same joined frame and scheme as the interactive map; SVG and PDF stay
vector. Labels take the same places as on the interactive map (layers.choropleth.MapLabel): each the first of its
places inside its own district that is free; one with no free place is left out (the most important come first).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path

from geo.latest import STALE_LEVEL
from layers.choropleth import MapLabel
from layers.legend import LegendEntry
from layers.placement import choose_places
from layers.symbols import SymbolEntry

# No pyplot: its global figure registry is not thread-safe and keeps figures alive; a Figure with its own
# Agg canvas belongs to the request that made it and is freed with it.
matplotlib.rcParams["svg.fonttype"] = "none"  # SVG text stays text: editable on a slide, searchable
matplotlib.rcParams["pdf.fonttype"] = 42  # embed TrueType fonts in PDFs
_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or None)

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
NO_DATA_HATCH = "///"
STALE_HATCH = "xxx"  # data lama (geo.latest): a cross-hatch, apart from no data
DPI = 100
VECTOR_HALO = {"bbox": {"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.75}}


@dataclass(frozen=True)
class StaticTexts:
    """What the slide says around the map, already translated and formatted by the caller."""

    title: str
    subtitle: str
    legend_title: str
    source: str
    attribution: str
    banner: str | None = None  # e.g. "DATA CONTOH — bukan data resmi"


@dataclass(frozen=True)
class Circles:
    """Proportional circles over the fills (layers.symbols), as the interactive map draws them."""

    points: list[tuple[float, float, float]]  # lat, lon, radius in the interactive map's px, largest first
    legend: list[SymbolEntry]
    title: str  # "Luas lingkaran = jumlah pekerja belum terlindungi"


# The interactive map's circles are sized for a map about 1000 px wide; a 1920×1080 slide's map is about 1400 px.
CIRCLE_SCALE = 1.4
SYMBOL_STYLE = {"facecolor": (0.13, 0.13, 0.13, 0.2), "edgecolor": "#212121", "linewidth": 1.2}


def _draw_circles(ax, circles: Circles, base: float) -> None:
    """The circles, largest first (a small one is never under a large one); a marker's size is diameter² in pt²."""
    points_per_px = 72 / DPI * CIRCLE_SCALE * base
    lats, lons, sizes = zip(*circles.points, strict=True)
    ax.scatter(
        lons, lats, s=[(2 * r * points_per_px) ** 2 for r in sizes], zorder=3, gid="peta-circles", **SYMBOL_STYLE
    )


def _circle_handles(circles: Circles, base: float) -> list[Line2D]:
    points_per_px = 72 / DPI * CIRCLE_SCALE * base
    return [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=2 * entry.radius * points_per_px,
            markerfacecolor=SYMBOL_STYLE["facecolor"],
            markeredgecolor=SYMBOL_STYLE["edgecolor"],
            label=entry.label,
        )
        for entry in circles.legend
    ]


def _place_labels(ax, labels: list[MapLabel], fontsize: float, vector: bool) -> int:
    """Draw labels in order, each at the first of its free places (layers.placement); return how many were drawn.

    A white halo keeps a label readable on a dark fill. In SVG and PDF it is a pale box behind the text, not a
    stroke: matplotlib draws stroked text as paths, and there a label must stay text (editable, searchable)."""
    ax.apply_aspect()  # the equal-aspect box the axes are drawn in: measured before it, every x would be elsewhere
    renderer = ax.figure.canvas.get_renderer()
    area = ax.get_position(original=True).transformed(ax.figure.transFigure)  # left of the legend, under the title
    texts, boxes = [], []
    for label in labels:
        lat, lon = label.places[0]
        text = ax.text(
            lon,
            lat,
            label.text,
            ha="center",
            va="center",
            fontsize=fontsize,
            fontweight="bold",
            color="#111111",
            zorder=5,
            **(VECTOR_HALO if vector else {"path_effects": [patheffects.withStroke(linewidth=3, foreground="white")]}),
        )
        size = text.get_window_extent(renderer=renderer).expanded(1.05, 1.15).size / 2  # centred on its place
        centres = ax.transData.transform([(lon, lat) for lat, lon in label.places])
        texts.append(text)
        boxes.append([(*(centre - size), *(centre + size)) for centre in centres])
    chosen = choose_places(boxes, tuple(area.extents))
    for label, text, place in zip(labels, texts, chosen, strict=True):
        if place is None:
            text.remove()
        else:
            text.set_position(label.places[place][::-1])
    return sum(place is not None for place in chosen)


def _draw_districts(ax, joined: gpd.GeoDataFrame, patterns: dict[str, str]) -> None:
    """Draw each district as its own shape, named by its code (SVG `id`, see district_titles): in Inkscape or
    Illustrator every district can be found and recoloured by itself."""
    for row in joined.itertuples():
        if row.level == "tidak_ada_data":
            style = {"facecolor": "#ececec", "edgecolor": "#b5b5b5", "hatch": NO_DATA_HATCH, "linewidth": 0.3}
        elif row.level == STALE_LEVEL:  # data lama (geo.latest): its own cross-hatch, never a level's colour
            style = {"facecolor": "#e0e0e0", "edgecolor": "#8a8a8a", "hatch": STALE_HATCH, "linewidth": 0.3}
        else:
            style = {"facecolor": row.fill, "edgecolor": "white", "hatch": patterns.get(row.level), "linewidth": 0.4}
        patch = ax.add_patch(PathPatch(_shape_path(row.geometry), **style))
        patch.set_gid(district_id(row.code))
    ax.autoscale_view()


def _shape_path(geometry) -> Path:
    """One matplotlib path for a (multi)polygon: rings oriented so that holes stay holes under the nonzero rule."""
    rings = []
    for part in shapely.get_parts(shapely.orient_polygons(geometry)):
        for ring in (part.exterior, *part.interiors):
            rings.append(Path(np.asarray(ring.coords)[:, :2], closed=True))
    return Path.make_compound_path(*rings)


def district_id(code: str) -> str:
    """A district's SVG id: its Kemendagri code after a letter (an XML id may not start with a digit)."""
    return f"kab-{code}"


def district_titles(svg: bytes, names: dict[str, str]) -> bytes:
    """Give each district's group in matplotlib's SVG a <title> with its name (what editors and screen readers show),
    right after the group's opening tag, which savefig writes as `<g id="kab-…">`."""
    for code, name in names.items():
        tag = f'<g id="{district_id(code)}">'.encode()
        svg = svg.replace(tag, tag + b"\n   <title>" + escape(name).encode() + b"</title>", 1)
    return svg


def render_static(
    joined: gpd.GeoDataFrame,
    borders: gpd.GeoDataFrame,
    legend: list[LegendEntry],
    texts: StaticTexts,
    labels: list[MapLabel],
    *,
    fmt: str,
    width: int,
    height: int,
    scale: int = 1,
    patterns: dict[str, str] | None = None,
    circles: Circles | None = None,
) -> bytes:
    """Render the map as PNG, SVG or PDF bytes of width × height pixels (× scale for sharper PNGs)."""
    fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    try:
        ax = fig.add_axes((0.0, 0.06, 0.74, 0.80))
        ax.set_axis_off()
        ax.set_aspect("equal")
        patterns = patterns or {}
        _draw_districts(ax, joined, patterns)
        if not borders.empty:
            borders.plot(ax=ax, color="#3a3a3a", linewidth=1.2)
        minx, miny, maxx, maxy = joined.total_bounds
        pad = max(maxx - minx, maxy - miny) * 0.02
        ax.set_xlim(minx - pad, maxx + pad)
        ax.set_ylim(miny - pad, maxy + pad)
        base = height / 1080
        if circles and circles.points:
            _draw_circles(ax, circles, base)
        _place_labels(ax, labels, fontsize=max(7.0, 11 * base), vector=fmt != "png")
        fig.text(0.02, 0.955, texts.title, fontsize=30 * base, fontweight="bold", va="top", color="#0f3d5e")
        fig.text(0.02, 0.895, texts.subtitle, fontsize=17 * base, va="top", color="#333333")
        if texts.banner:  # on the subtitle's line, right: a long title never runs under it
            fig.text(
                0.98,
                0.895,
                texts.banner,
                fontsize=17 * base,
                fontweight="bold",
                va="top",
                ha="right",
                color="#5a4500",
                bbox={"facecolor": "#fff3b0", "edgecolor": "#d9b400", "pad": 6},
            )
        handles = [
            Patch(
                facecolor=e.color if not e.hatched else "#ececec",
                edgecolor="#777777",
                hatch=(STALE_HATCH if e.key == STALE_LEVEL else NO_DATA_HATCH)
                if e.hatched
                else patterns.get(e.key) or None,
                label=f"{e.label}  {e.range}  ({e.count})".replace("  ()", ""),
            )
            for e in legend
        ]
        fig.legend(
            handles=handles,
            title=texts.legend_title,
            loc="center left",
            bbox_to_anchor=(0.75, 0.62 if circles and circles.legend else 0.5),
            fontsize=16 * base,
            title_fontsize=18 * base,
            frameon=False,
            handlelength=2.2,
            handleheight=1.4,
        )
        if circles and circles.legend:
            fig.legend(
                handles=_circle_handles(circles, base),
                title=circles.title,
                loc="upper left",
                bbox_to_anchor=(0.75, 0.45),
                fontsize=16 * base,
                title_fontsize=16 * base,
                frameon=False,
                labelspacing=1.4,
                borderpad=1.0,
            )
        fig.text(0.02, 0.025, texts.source, fontsize=11 * base, color="#444444", va="bottom")
        fig.text(0.98, 0.025, texts.attribution, fontsize=10 * base, color="#666666", va="bottom", ha="right")
        buffer = io.BytesIO()
        fig.savefig(
            buffer,
            format=fmt,
            dpi=DPI * scale,
            facecolor="white",
            metadata=_metadata(texts, fmt),
        )
        if fmt == "svg":
            return district_titles(buffer.getvalue(), dict(zip(joined["code"], joined["name"], strict=True)))
        return buffer.getvalue()
    finally:
        fig.clear()
        del fig
        release_memory()


def _metadata(texts: StaticTexts, fmt: str) -> dict[str, str]:
    """The title, and the subtitle with the period or span, as the file's own metadata (PNG text chunks)."""
    if fmt == "png":
        return {"Title": texts.title, "Description": texts.subtitle}
    return {"Title": texts.title, "Subject": texts.subtitle} if fmt == "pdf" else {"Title": texts.title}


def release_memory() -> None:
    """Give the freed pixel buffers back to the system (glibc keeps large freed blocks in its arenas).

    Collect first: a figure, its canvas and axes refer to each other, so their pixel buffers are only freed by
    the cycle collector; trimming before it runs gave nothing back whenever collection happened to come late.
    """
    gc.collect()
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)
