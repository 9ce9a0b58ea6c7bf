"""The governor's brief: one A4 portrait PDF page, and a 1080×1350 share image for messaging groups.

Both are drawn by matplotlib around the same static map as the PNG export (layers.static_map); every text is
given already translated and formatted by the caller, so this module only lays it out. Text stays text in the
PDF (TrueType embedded), so it can be searched, copied and read back.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image, ImageChops

from layers.static_map import release_memory

A4_INCHES = (8.27, 11.69)
SHARE_PIXELS = (1080, 1350)
INK, MUTED, ACCENT = "#111111", "#444444", "#0f3d5e"


@dataclass(frozen=True)
class BriefTexts:
    """Everything the brief says, in the reader's language, with numbers already formatted."""

    title: str
    subtitle: str
    headline: tuple[tuple[str, str], ...]  # (value, label) cells: coverage, target, gap, districts
    behind_title: str
    behind: tuple[tuple[str, str, str], ...]  # (district, coverage, gap or level)
    improved_title: str
    improved: tuple[tuple[str, str, str], ...]  # (district, coverage, change)
    improved_empty: str  # said when there is no compared period or nobody rose
    track: str  # the on-track counts in one line
    sentences: tuple[str, ...]
    source: str
    attribution: str
    banner: str | None = None


def trimmed(png: bytes) -> np.ndarray:
    """The map image without its white margins, as an RGB array for imshow."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
    return np.asarray(image.crop(box) if box else image)


def _image(fig: Figure, rect: tuple[float, float, float, float], picture: np.ndarray) -> None:
    ax = fig.add_axes(rect)
    ax.imshow(picture, interpolation="lanczos")
    ax.set_axis_off()


def short_name(name: str, width: int = 26) -> str:
    """'Kabupaten Kotawaringin Barat' -> 'Kab. Kotawaringin Barat' (as tables in Indonesian reports write it)."""
    short = f"Kab. {name.removeprefix('Kabupaten ')}" if name.startswith("Kabupaten ") else name
    return textwrap.shorten(short, width, placeholder="…")


def _rows(fig: Figure, x: float, y: float, title: str, rows, empty: str, size: float, step: float) -> None:
    fig.text(x, y, title, fontsize=size * 1.15, fontweight="bold", color=ACCENT, va="top")
    if not rows:
        fig.text(x, y - step * 1.2, textwrap.fill(empty, 48), fontsize=size, color=MUTED, va="top")
        return
    for n, (name, first, second) in enumerate(rows, start=1):
        line = y - step * (n + 0.2)
        fig.text(x, line, f"{n}. {short_name(name)}", fontsize=size, color=INK, va="top")
        fig.text(x + 0.32, line, first, fontsize=size, color=INK, va="top", ha="right")
        fig.text(x + 0.43, line, second, fontsize=size, color=MUTED, va="top", ha="right")


def _save(fig: Figure, fmt: str, title: str, dpi: int) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi, facecolor="white", metadata={"Title": title} if fmt == "pdf" else None)
    return buffer.getvalue()


def render_brief(map_png: bytes, texts: BriefTexts) -> bytes:
    """Return the brief as a one-page A4 portrait PDF."""
    fig = Figure(figsize=A4_INCHES, dpi=100)
    FigureCanvasAgg(fig)
    try:
        title = textwrap.fill(texts.title, 46)
        fig.text(0.06, 0.97, title, fontsize=17, fontweight="bold", color=ACCENT, va="top", linespacing=1.2)
        below = 0.97 - 0.026 * (title.count("\n") + 1)
        subtitle = texts.subtitle + (f"   ·   {texts.banner}" if texts.banner else "")
        fig.text(0.06, below - 0.006, subtitle, fontsize=10.5, color=MUTED, va="top")
        width = 0.88 / max(len(texts.headline), 1)
        top = below - 0.04  # the headline row starts below the subtitle, however many lines the title took
        for n, (value, label) in enumerate(texts.headline):
            x = 0.06 + n * width
            fig.text(x, top, value, fontsize=20, fontweight="bold", color=INK, va="top")
            fig.text(x, top - 0.037, textwrap.fill(label, 24), fontsize=8.5, color=MUTED, va="top")
        _image(fig, (0.04, 0.50, 0.92, top - 0.085 - 0.50), trimmed(map_png))
        _rows(fig, 0.06, 0.485, texts.behind_title, texts.behind, "", 9, 0.019)
        _rows(fig, 0.53, 0.485, texts.improved_title, texts.improved, texts.improved_empty, 9, 0.019)
        fig.text(0.06, 0.355, textwrap.fill(texts.track, 100), fontsize=9.5, fontweight="bold", color=INK, va="top")
        y = 0.325
        for sentence in texts.sentences:
            wrapped = textwrap.fill(sentence, 100)
            fig.text(0.06, y, wrapped, fontsize=9.5, color=INK, va="top", linespacing=1.35)
            y -= 0.0185 * (wrapped.count("\n") + 1) + 0.008
        fig.text(0.06, 0.03, textwrap.fill(texts.source, 120), fontsize=7, color=MUTED, va="bottom")
        fig.text(0.06, 0.015, texts.attribution, fontsize=6.5, color=MUTED, va="bottom")
        return _save(fig, "pdf", texts.title, 100)
    finally:
        fig.clear()
        del fig
        release_memory()


def render_share(map_png: bytes, texts: BriefTexts) -> bytes:
    """Return the share image: 1080×1350 PNG, the headline and the map large enough to read on a phone."""
    width, height = SHARE_PIXELS
    fig = Figure(figsize=(width / 100, height / 100), dpi=100)
    FigureCanvasAgg(fig)
    line = 1.25 / 72 * 100 / height  # one line of 1 pt type, as a share of the height
    try:
        y = 0.965
        title = textwrap.fill(texts.title, 36)
        fig.text(0.05, y, title, fontsize=30, fontweight="bold", color=ACCENT, va="top", linespacing=1.15)
        y -= 30 * line * (title.count("\n") + 1) + 0.012
        for text, weight, color in ((texts.subtitle, "normal", MUTED), (texts.banner, "bold", "#5a4500")):
            if text:
                fig.text(0.05, y, text, fontsize=18, fontweight=weight, color=color, va="top")
                y -= 18 * line + 0.006
        y -= 0.012
        for n, (value, label) in enumerate(texts.headline[:3]):
            x = 0.05 + n * 0.31
            fig.text(x, y, value, fontsize=40, fontweight="bold", color=INK, va="top")
            fig.text(x, y - 40 * line - 0.004, textwrap.fill(label, 22), fontsize=16, color=MUTED, va="top")
        y -= 40 * line + 16 * line * 2 + 0.03
        sentence = textwrap.fill(texts.sentences[0], 60) if texts.sentences else ""
        bottom = 0.05 + 19 * line * (sentence.count("\n") + 1) + 0.03
        _image(fig, (0.02, bottom, 0.96, y - bottom), trimmed(map_png))
        fig.text(0.05, bottom - 0.015, sentence, fontsize=19, color=INK, va="top", linespacing=1.25)
        fig.text(0.05, 0.02, textwrap.fill(texts.source, 90), fontsize=13, color=MUTED, va="bottom")
        return _save(fig, "png", texts.title, 100)
    finally:
        fig.clear()
        del fig
        release_memory()
