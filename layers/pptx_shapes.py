"""The python-pptx pieces a map slide is drawn with: degrees to slide EMU (Frame), outlines simplified for a
projector, freeform shapes written in linear time, text boxes and alternative text (layers.slides uses them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import shapely
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.shapes.freeform import FreeformBuilder
from pptx.util import Pt

INK = "1F1F1F"


# Outlines are simplified (as a coverage, so neighbours keep sharing edges) to a quarter of a pixel of a
# 1920-pixel-wide projection of the map box: invisible on the slide, and a file a tenth of the size.
SIMPLIFY_PIXELS = 0.25
PROJECTOR_DPI = 1920 / 13.333


@dataclass(frozen=True)
class Frame:
    """Longitude/latitude to slide EMU: a uniform scale that fits the map box, centred in it."""

    minx: float
    maxy: float
    scale: float  # EMU per degree
    left: int
    top: int

    @classmethod
    def fit(cls, bounds: Iterable[float], box: tuple[int, int, int, int]) -> Frame:
        minx, miny, maxx, maxy = bounds
        left, top, width, height = box
        scale = min(width / (maxx - minx), height / (maxy - miny))
        return cls(
            minx,
            maxy,
            scale,
            int(left + (width - (maxx - minx) * scale) / 2),
            int(top + (height - (maxy - miny) * scale) / 2),
        )

    def points(self, coords) -> list[tuple[int, int]]:
        return [
            (round(self.left + (x - self.minx) * self.scale), round(self.top + (self.maxy - y) * self.scale))
            for x, y in coords
        ]

    def degrees_per_pixel(self) -> float:
        return 914400 / PROJECTOR_DPI / self.scale


def rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def simplified(geometries: gpd.GeoSeries, pixel: float) -> gpd.GeoSeries:
    """Outlines for a slide where one projector pixel is `pixel` degrees: simplified as one coverage (shared
    edges stay shared) to a quarter pixel, without islets smaller than a pixel. Each district keeps at least
    its largest part, so no district is ever lost; thousands of rocks in the Riau islands are."""
    try:
        result = shapely.coverage_simplify(geometries.values, pixel * SIMPLIFY_PIXELS)
    except shapely.errors.GEOSException:
        result = shapely.simplify(geometries.values, pixel * SIMPLIFY_PIXELS, preserve_topology=True)
    kept = []
    for geometry in result:
        parts = sorted(shapely.get_parts(geometry), key=shapely.area, reverse=True)
        kept.append(shapely.multipolygons([p for i, p in enumerate(parts) if i == 0 or p.area >= pixel**2]))
    return gpd.GeoSeries(kept, index=geometries.index, crs=geometries.crs)


def rings_of(geometry) -> list:
    polygons = getattr(geometry, "geoms", [geometry])
    return [ring for polygon in polygons for ring in (polygon.exterior, *polygon.interiors) if len(ring.coords) >= 4]


class LinearFreeform(FreeformBuilder):
    """python-pptx recomputes a freeform's offset for every vertex it writes (quadratic in the vertex count:
    20 s for the 210 districts); all vertices are known before the shape is written, so compute it once."""

    @cached_property
    def shape_offset_x(self):
        return super().shape_offset_x

    @cached_property
    def shape_offset_y(self):
        return super().shape_offset_y


def freeform(shapes, frame: Frame, rings: list, closed: bool = True):
    """One shape whose contours are the given rings or lines (overlapping contours cut holes)."""
    contours = [frame.points(ring.coords) for ring in rings]
    builder = LinearFreeform.new(shapes, *contours[0][0], 1.0, 1.0)
    for number, points in enumerate(contours):
        if number:
            builder.move_to(*points[0])
        builder.add_line_segments(points[1:-1] if closed else points[1:], close=closed)
    return builder.convert_to_shape()


def describe(shape, text: str) -> None:
    """Alternative text for screen readers and PowerPoint's accessibility checker (python-pptx has no API)."""
    shape._element.nvSpPr.cNvPr.set("descr", text)


def text_box(slide, box, text: str, size: float, *, bold=False, colour=INK, align=PP_ALIGN.LEFT, name=None, wrap=True):
    shape = slide.shapes.add_textbox(*box)
    frame = shape.text_frame
    frame.word_wrap = wrap
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    paragraph = frame.paragraphs[0]
    paragraph.alignment = align
    run = paragraph.add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, rgb(colour)
    if name:
        shape.name = name
    return shape
