"""PowerPoint decks for meetings: the map as editable shapes, its legend, and the ranking as native tables.

Each district is one freeform shape (islands and holes included) filled with its level colour and named with
its code and name, so staff can recolour, move or annotate it in PowerPoint or Google Slides; no picture is
embedded. Built with python-pptx from the same joined frame, legend and ranking as the other formats.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_PATTERN
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from geo.latest import STALE_LEVEL
from geo.levels import Scheme
from geo.numbers import format_percent, format_points
from layers.choropleth import MapLabel
from layers.legend import LegendEntry, format_value
from layers.placement import choose_places
from layers.pptx_shapes import (
    PROJECTOR_DPI,
    SIMPLIFY_PIXELS,
    Frame,
    describe,
    freeform,
    rgb,
    rings_of,
    simplified,
    text_box,
)
from layers.static_map import Circles

SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)  # 16:9, PowerPoint's default widescreen
MAP_BOX = (Inches(0.4), Inches(1.5), Inches(8.9), Inches(5.35))  # left, top, width, height
LEGEND_LEFT = Inches(9.6)
# Where a label may stand (x0, y0, x1, y1): left of the legend, between the subtitle and the footer.
LABEL_AREA = (Inches(0.1), Inches(1.45), LEGEND_LEFT - Inches(0.1), Inches(6.9))
TABLE_ROWS_PER_SLIDE = 15
STORY_ROW = Inches(0.42)  # a storyline table's row: 14 pt text on one line
NO_DATA_FILL, NO_DATA_LINE = "ECECEC", "9A9A9A"
MUTED, TITLE_INK = "555555", "0F3D5E"


@dataclass(frozen=True)
class DeckTexts:
    """Everything the deck says, already translated and formatted by the caller."""

    title: str
    subtitle: str
    legend_title: str
    source: str
    attribution: str
    ranking_title: str
    # rank, district, province, coverage, level, gap; or rank, district, province, the view's measure, level,
    # coverage, gap when the map is coloured by another measure (the rows are ranked by it)
    ranking_headers: tuple[str, ...]
    without_data: str  # e.g. "12 kabupaten/kota tanpa data tidak dicantumkan."
    banner: str | None = None  # e.g. "DATA CONTOH — bukan data resmi"


@dataclass(frozen=True)
class StorySlide:
    """A slide of the storyline: a title, a native table and the sentences that say what it shows."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    sentences: tuple[str, ...]
    fills: tuple[str | None, ...] = ()  # a colour for each row's first cell (a status), or None


@dataclass(frozen=True)
class Story:
    """The optional storyline (`?alur=1`): a title slide before the map, then its slides after it."""

    title: str
    subtitle: str
    headline: tuple[tuple[str, str], ...]  # (value, label), large on the title slide
    slides: tuple[StorySlide, ...]


def _draw_districts(slide, frame: Frame, districts: gpd.GeoDataFrame, levels: dict[str, str], locale: str) -> None:
    """One freeform per district in its level's colour; its alternative text says its coverage and the level its
    colour means in this map's levels (coverage, or attainment of target), `levels` being key → label."""
    group = slide.shapes.add_group_shape()
    group.name = "Peta kabupaten/kota"
    for row in districts.itertuples():
        rings = rings_of(row.geometry)
        if not rings:
            continue
        shape = freeform(group.shapes, frame, rings)
        shape.name = f"{row.code} {row.name}"
        if pd.isna(row.coverage_pct):
            shape.fill.patterned()
            stale = row.level == STALE_LEVEL  # data lama (geo.latest): its own pattern
            shape.fill.pattern = MSO_PATTERN.DIAGONAL_CROSS if stale else MSO_PATTERN.WIDE_UPWARD_DIAGONAL
            shape.fill.fore_color.rgb = rgb(NO_DATA_LINE)
            shape.fill.back_color.rgb = rgb(NO_DATA_FILL)
        else:
            shape.fill.solid()
            shape.fill.fore_color.rgb = rgb(row.fill)
        shape.line.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        shape.line.width = Pt(0.5)
        level = levels.get(row.level, "")
        describe(
            shape, f"{row.name}: {format_percent(row.coverage_pct, locale, '–')}" + (f", {level}" if level else "")
        )


def _draw_borders(slide, frame: Frame, borders: gpd.GeoDataFrame) -> None:
    lines = [line for geometry in borders.geometry for line in getattr(geometry, "geoms", [geometry])]
    lines = [line for line in lines if len(line.coords) >= 2]
    if not lines:
        return
    shape = freeform(slide.shapes, frame, lines, closed=False)
    shape.name = "Batas provinsi"
    shape.fill.background()
    shape.line.color.rgb = rgb("3A3A3A")
    shape.line.width = Pt(1.5)


def _label_box(frame: Frame, lat: float, lon: float, text: str, size: float) -> tuple[int, int, int, int]:
    """Estimated box of a centred label (about 0.62 em per character): enough to keep labels apart."""
    ((x, y),) = frame.points([(lon, lat)])
    width, height = int(len(text) * size * 0.62 * 12700), int(size * 1.3 * 12700)
    return x - width // 2, y - height // 2, width, height


def _draw_labels(slide, frame: Frame, labels: list[MapLabel], size: float = 12) -> None:
    """Labels in the order given (most important first), each at the first of its free places (layers.placement)."""
    boxes = [[_label_box(frame, lat, lon, label.text, size) for lat, lon in label.places] for label in labels]
    corners = [[(x, y, x + w, y + h) for x, y, w, h in candidates] for candidates in boxes]
    for label, candidates, place in zip(labels, boxes, choose_places(corners, LABEL_AREA), strict=True):
        if place is not None:
            box, name = [Emu(v) for v in candidates[place]], f"Label {label.text}"
            text_box(slide, box, label.text, size, bold=True, align=PP_ALIGN.CENTER, name=name, wrap=False)


def _draw_legend(slide, legend: list[LegendEntry], title: str) -> None:
    top = Inches(1.9)
    text_box(slide, (LEGEND_LEFT, top, Inches(3.5), Inches(0.8)), title, 17, bold=True, name="Legenda")
    for number, entry in enumerate(legend):
        y = top + Inches(0.95) + Inches(0.55) * number
        swatch = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, LEGEND_LEFT, y, Inches(0.5), Inches(0.38))
        swatch.name = f"Legenda {entry.label}"
        if entry.hatched:
            swatch.fill.patterned()
            stale = entry.key == STALE_LEVEL
            swatch.fill.pattern = MSO_PATTERN.DIAGONAL_CROSS if stale else MSO_PATTERN.WIDE_UPWARD_DIAGONAL
            swatch.fill.fore_color.rgb, swatch.fill.back_color.rgb = rgb(NO_DATA_LINE), rgb(NO_DATA_FILL)
        else:
            swatch.fill.solid()
            swatch.fill.fore_color.rgb = rgb(entry.color)
        swatch.line.color.rgb = rgb("777777")
        text = f"{entry.label}  {entry.range}  ({entry.count})".replace("    ", "  ")
        text_box(slide, (LEGEND_LEFT + Inches(0.65), y + Inches(0.04), Inches(3.1), Inches(0.38)), text, 15)


# The interactive map's circles are sized for a map about 1000 px wide; the slide's map box is 8,9 in at
# PROJECTOR_DPI (about 1280 px).
CIRCLE_SCALE = 1.28
CIRCLE_LINE = "212121"


def _circle(slide, x: int, y: int, radius_px: float, name: str):
    """One outlined circle (no fill, so the district's level colour stays seen) centred on (x, y) EMU."""
    radius = int(radius_px * CIRCLE_SCALE * 914400 / PROJECTOR_DPI)
    shape = slide.shapes.add_shape(MSO_SHAPE.OVAL, x - radius, y - radius, 2 * radius, 2 * radius)
    shape.name = name
    shape.fill.background()
    shape.line.color.rgb = rgb(CIRCLE_LINE)
    shape.line.width = Pt(1.75)
    return shape


def _draw_circles(
    slide, frame: Frame, circles: Circles, names: dict[tuple[float, float], str], legend_rows: int
) -> None:
    """The view's circles over the districts (largest first), each named with its district and count, and their
    legend's reference circles below the levels' legend."""
    for lat, lon, radius in circles.points:
        (x, y) = frame.points([(lon, lat)])[0]
        _circle(slide, x, y, radius, f"Lingkaran {names.get((lat, lon), '')}".strip())
    top = Inches(1.9) + Inches(0.9) + Inches(0.55) * legend_rows
    text_box(
        slide, (LEGEND_LEFT, top, Inches(3.5), Inches(0.7)), circles.title, 14, bold=True, name="Legenda lingkaran"
    )
    largest = circles.legend[0].radius * CIRCLE_SCALE * 914400 / PROJECTOR_DPI if circles.legend else 0
    x = LEGEND_LEFT + int(largest)
    for entry in circles.legend:
        bottom = top + Inches(0.55) + int(2 * largest)
        radius = int(entry.radius * CIRCLE_SCALE * 914400 / PROJECTOR_DPI)
        _circle(slide, x, bottom - radius, entry.radius, f"Legenda lingkaran {entry.label}")
        text_box(
            slide,
            (x - Inches(0.6), bottom + Inches(0.05), Inches(1.2), Inches(0.35)),
            entry.label,
            13,
            align=PP_ALIGN.CENTER,
        )
        x += max(int(2 * largest / 3) + Inches(0.9), Inches(1.1))


def _draw_header(slide, texts: DeckTexts) -> None:
    width = Inches(8.6) if texts.banner else Inches(12.5)
    text_box(
        slide,
        (Inches(0.4), Inches(0.3), width, Inches(0.7)),
        texts.title,
        28,
        bold=True,
        colour=TITLE_INK,
        name="Judul",
    )
    text_box(slide, (Inches(0.4), Inches(0.95), width, Inches(0.45)), texts.subtitle, 16, colour=MUTED, name="Subjudul")
    if texts.banner:
        badge = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(9.3), Inches(0.35), Inches(3.63), Inches(0.55))
        badge.name = "Data contoh"
        badge.fill.solid()
        badge.fill.fore_color.rgb = rgb("FFF3B0")
        badge.line.color.rgb = rgb("D9B400")
        badge.text_frame.text = texts.banner
        badge.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        font = badge.text_frame.paragraphs[0].runs[0].font
        font.size, font.bold, font.color.rgb = Pt(14), True, rgb("5A4500")


def _draw_footer(slide, left: str, right: str) -> None:
    """Source (or a note) bottom left, attribution (or the source) bottom right, small but legible."""
    text_box(slide, (Inches(0.4), Inches(6.95), Inches(6.4), Inches(0.4)), left, 11, colour=MUTED, name="Sumber")
    text_box(
        slide,
        (Inches(6.9), Inches(6.95), Inches(6.03), Inches(0.4)),
        right,
        9,
        colour=MUTED,
        align=PP_ALIGN.RIGHT,
        name="Atribusi",
    )


def _ranking_cells(row: pd.Series, level_names: dict[str, str], scheme: Scheme, locale: str) -> list[str]:
    coverage = format_percent(row["coverage_pct"], locale)
    level = level_names.get(row["level"], "")
    if scheme.value == "coverage_pct":
        middle = [coverage, level]
    else:
        middle = [format_value(row[scheme.value], scheme, locale), level, coverage]
    return [str(row["rank"]), row["name"], row["province"], *middle, format_points(row["gap_pct"], locale)]


def _ranking_table(
    slide, page: pd.DataFrame, legend: list[LegendEntry], scheme: Scheme, texts: DeckTexts, locale: str
) -> None:
    level_names = {entry.key: entry.label for entry in legend}
    level_colours = {entry.key: entry.color for entry in legend}
    columns = (1.1, 3.6, 2.9, 1.5, 1.6, 1.8) if scheme.value == "coverage_pct" else (0.9, 3.1, 2.5, 1.6, 1.6, 1.3, 1.5)
    widths = [Inches(w) for w in columns]
    height = Inches(0.33) * (len(page) + 1)
    shape = slide.shapes.add_table(len(page) + 1, len(widths), Inches(0.4), Inches(1.4), sum(widths, Emu(0)), height)
    shape.name = "Tabel peringkat"
    table = shape.table
    for column, width in enumerate(widths):
        table.columns[column].width = width
    cells = [_ranking_cells(row, level_names, scheme, locale) for _, row in page.iterrows()]
    lines = [list(texts.ranking_headers), *cells]
    for line, values in enumerate(lines):
        for column, value in enumerate(values):
            cell = table.cell(line, column)
            cell.text = value
            paragraph = cell.text_frame.paragraphs[0]
            for run in paragraph.runs:
                run.font.size = Pt(13)
            if line and _is_number(value):
                paragraph.alignment = PP_ALIGN.RIGHT
    for line, level in enumerate(page["level"], start=1):
        if level in level_colours:
            cell = table.cell(line, 4)
            cell.fill.solid()
            cell.fill.fore_color.rgb = rgb(level_colours[level])


def _ranking_slides(
    prs, ranking: pd.DataFrame, legend: list[LegendEntry], scheme: Scheme, texts: DeckTexts, locale: str
) -> None:
    """The districts with the view's measure, in its rank order, as native tables (15 rows a slide), level cells in
    the map's colours."""
    ranked = ranking[ranking[scheme.value].notna()]
    size = TABLE_ROWS_PER_SLIDE
    pages = [ranked.iloc[start : start + size] for start in range(0, len(ranked), size)] or [ranked]
    missing = texts.without_data if len(ranking) > len(ranked) else ""
    for number, page in enumerate(pages, start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        title = texts.ranking_title + (f" ({number}/{len(pages)})" if len(pages) > 1 else "")
        text_box(slide, (Inches(0.4), Inches(0.3), Inches(12.5), Inches(0.7)), title, 26, bold=True, colour=TITLE_INK)
        text_box(slide, (Inches(0.4), Inches(0.9), Inches(12.5), Inches(0.4)), texts.subtitle, 14, colour=MUTED)
        _ranking_table(slide, page, legend, scheme, texts, locale)
        _draw_footer(slide, missing if number == len(pages) else "", texts.source)


def _title_slide(prs, story: Story, texts: DeckTexts) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    text_box(slide, (Inches(0.6), Inches(1.2), Inches(12.1), Inches(1.6)), story.title, 36, bold=True, colour=TITLE_INK)
    text_box(slide, (Inches(0.6), Inches(2.8), Inches(12.1), Inches(0.6)), story.subtitle, 20, colour=MUTED)
    width = Inches(12.1) // max(len(story.headline), 1)
    for number, (value, label) in enumerate(story.headline):
        left = Inches(0.6) + width * number
        text_box(slide, (left, Inches(3.9), width, Inches(1.0)), value, 40, bold=True, name=f"Angka {label}")
        text_box(slide, (left, Inches(5.0), width - Inches(0.3), Inches(0.9)), label, 16, colour=MUTED)
    _draw_footer(slide, texts.source, texts.banner or "")


def _story_slide(prs, part: StorySlide, texts: DeckTexts) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    text_box(slide, (Inches(0.4), Inches(0.3), Inches(12.5), Inches(0.7)), part.title, 28, bold=True, colour=TITLE_INK)
    text_box(slide, (Inches(0.4), Inches(0.95), Inches(12.5), Inches(0.45)), texts.subtitle, 16, colour=MUTED)
    top = Inches(1.6)
    if part.rows:
        others = len(part.headers) - 1
        widths = [Inches(4.0)] + [min(Inches(2.6), Inches(8.4) // max(others, 1))] * others
        rows = len(part.rows) + 1
        shape = slide.shapes.add_table(rows, len(widths), Inches(0.4), top, sum(widths, Emu(0)), STORY_ROW * rows)
        shape.name = part.title
        for column, width in enumerate(widths):
            shape.table.columns[column].width = width
        for line, values in enumerate([part.headers, *part.rows]):
            shape.table.rows[line].height = STORY_ROW
            for column, value in enumerate(values):
                cell = shape.table.cell(line, column)
                cell.text = value
                paragraph = cell.text_frame.paragraphs[0]
                for run in paragraph.runs:
                    run.font.size = Pt(14)
                if line and column and _is_number(value):
                    paragraph.alignment = PP_ALIGN.RIGHT
        for line, fill in enumerate(part.fills, start=1):
            if fill:
                shape.table.cell(line, 0).fill.solid()
                shape.table.cell(line, 0).fill.fore_color.rgb = rgb(fill)
        top += STORY_ROW * rows + Inches(0.35)
    for sentence in part.sentences:
        box = text_box(slide, (Inches(0.4), top, Inches(12.5), Inches(0.8)), sentence, 18, name="Kalimat")
        top += Inches(0.3) * (len(sentence) // 95 + 1) + Inches(0.35)
        box.height = Inches(0.3) * (len(sentence) // 95 + 1)
    _draw_footer(slide, texts.source, texts.attribution)


def _is_number(text: str) -> bool:
    return bool(text) and (text[0].isdigit() or text[0] in "+-–")


def circle_names(districts: gpd.GeoDataFrame, circles: Circles) -> dict[tuple[float, float], str]:
    """Each circle's district ('61.01 Kabupaten Sambas'), found by the district its centre lies in."""
    points = gpd.GeoSeries(gpd.points_from_xy([p[1] for p in circles.points], [p[0] for p in circles.points]))
    names = {}
    for (lat, lon, _), point in zip(circles.points, points, strict=True):
        inside = districts[districts.geometry.contains(point)]
        if not inside.empty:
            names[(lat, lon)] = f"{inside.iloc[0]['code']} {inside.iloc[0]['name']}"
    return names


def build_deck(
    districts: gpd.GeoDataFrame,
    borders: gpd.GeoDataFrame,
    legend: list[LegendEntry],
    labels: list[MapLabel],
    ranking: pd.DataFrame,
    scheme: Scheme,
    texts: DeckTexts,
    locale: str,
    story: Story | None = None,
    circles: Circles | None = None,
) -> bytes:
    """A 16:9 deck: the map slide (one freeform per district, borders, labels, legend), then the ranking by the
    map's measure (`scheme`: the view's record); with a story, its title slide first and its slides after the map."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    prs.core_properties.title = texts.title
    if story is not None:
        _title_slide(prs, story, texts)
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    frame = Frame.fit(districts.total_bounds, MAP_BOX)
    pixel = frame.degrees_per_pixel()
    shown = districts.assign(geometry=simplified(districts.geometry, pixel))
    _draw_districts(slide, frame, shown, {entry.key: entry.label for entry in legend}, locale)
    if not borders.empty:
        _draw_borders(slide, frame, borders.assign(geometry=borders.geometry.simplify(pixel * SIMPLIFY_PIXELS)))
    _draw_labels(slide, frame, labels)
    _draw_header(slide, texts)
    _draw_legend(slide, legend, texts.legend_title)
    if circles is not None and circles.points:
        names = circle_names(districts, circles)
        _draw_circles(slide, frame, circles, names, len(legend))
    _draw_footer(slide, texts.source, texts.attribution)
    for part in story.slides if story is not None else ():
        _story_slide(prs, part, texts)
    _ranking_slides(prs, ranking, legend, scheme, texts, locale)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
