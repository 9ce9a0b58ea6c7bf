"""The choropleth as a folium plugin, and the map built on it.

`PetaChoropleth` is written the way folium's own plugins are (`JSCSSMixin` + `MacroElement`, like
`folium.plugins.TimeSliderChoropleth`): it declares its scripts and styles, takes the geometry (the address of a
geometry script, or the geometry itself) and one view's values through its template, and is drawn in the browser by
static/js/choropleth.js. Its JavaScript API, on `window.PetaCakupan` (published by the bundles' entries,
static/js/entries/draw.js and labels.js, which document it):

- `draw(map, spec)` → entry: the element's own script calls it; `entry.districts` is the units' Leaflet layer,
  `entry.byCode[code]` one unit's, `entry.values` the values shown, `entry.bounds` where the units are;
- `entry.restyle(values)`: another period or view on the same shapes (an open tooltip is rebuilt);
- `maps`: every drawn entry; the document hears `peta:hover` (detail: the code under the pointer, or null);
- `label(map, labels)`: the `Labels` element's script calls it (static/js/labels.js, its own bundle labels.js);
  `map.petaRelabel(labels)` then writes another period's texts.

On our pages (web.rendering) the scripts are linked at their content-hashed addresses and the page's own tools
fit the map around its legend; anywhere else (`choropleth_map(...).save("peta.html")`, or a notebook's
`folium.Map()`), the scripts, styles and geometry are inlined, so the file opens from file:// with no network,
and the element fits the map to its units itself. Nothing here imports Flask.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import folium
import geopandas as gpd
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template
from markupsafe import Markup, escape

from geo.anchors import label_anchors
from geo.compact import encode_compact, script_body
from geo.levels import Scheme
from geo.topology import grid_transform, quantized_topology
from layers.assets import bundle_text
from layers.choropleth import MapLabel, TooltipLabels, anchored_labels, fill_of, short_name, tooltips
from layers.legend import format_value

# The no-data pattern (grey diagonal hatching) and the data-lama one (a darker cross-hatch), referenced by the
# units' fills (url(#peta-hatch)) and by the legend's swatches; the pages include them once (templates/_hatch.html).
HATCH = Markup(
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false"><defs>'
    '<pattern id="peta-hatch" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">'
    '<rect width="8" height="8" fill="#ececec"></rect>'
    '<line x1="0" y1="0" x2="0" y2="8" stroke="#c4c4c4" stroke-width="2.5"></line></pattern>'
    '<pattern id="peta-hatch-lama" patternUnits="userSpaceOnUse" width="8" height="8">'
    '<rect width="8" height="8" fill="#e0e0e0"></rect>'
    '<path d="M0 0L8 8M8 0L0 8" stroke="#8a8a8a" stroke-width="1.5"></path></pattern>'
    "</defs></svg>"
)
# A saved map on its own fills the window (our pages lay the map out themselves).
STANDALONE_CSS = "html,body{margin:0;height:100%}"
GEOMETRY_GRID = 1e-4  # degrees (about 11 m): the grid a frame's geometry is snapped to when inlined


def inline_text(text: str, tag: str) -> Markup:
    """Text safe to inline in a <script> or <style> element (it cannot close the element early)."""
    return Markup(re.sub(rf"</({tag})", r"<\\/\1", text, flags=re.IGNORECASE))


@dataclass(frozen=True)
class Geometry:
    """The units' shapes: filed under `window.PetaTopologi[key]` by a geometry script at `url` (our pages), or by
    the compact `text` inlined (geo.compact.encode_compact)."""

    key: str
    url: str | None = None
    text: str | None = None

    @property
    def element_name(self) -> str:
        return f"peta_geometri_{self.key}"

    @classmethod
    def of_frame(cls, frame: gpd.GeoDataFrame, key: str = "peta") -> Geometry:
        """The geometry of any frame with a `code` (or `kode`) column, in EPSG:4326, inlined."""
        codes = (frame["code"] if "code" in frame else frame["kode"]).astype(str).tolist()
        shapes = frame.to_crs(4326).geometry.values
        topology = quantized_topology(codes, shapes, grid_transform(shapes.total_bounds, GEOMETRY_GRID))
        return cls(key, text=json.dumps(encode_compact(topology), separators=(",", ":")))


@dataclass(frozen=True)
class Linked:
    """Link the scripts and styles at the addresses `url(bundle)` gives (on our pages: web.vendor.asset_url)."""

    url: Callable[[str], str]


class PetaChoropleth(JSCSSMixin, MacroElement):
    """The units of one view, drawn in the browser from shared geometry and styled from the view's values.

    geometry: where the shapes come from (Geometry). values: ``{"features": {code: {"fill", "level", "tip"}}}``
    (optionally "sym" and "at" for circles, and "table"), or the id of a JSON block on the page that holds them.
    bounds: (minx, miny, maxx, maxy) of the units, where the map opens when the geometry cannot load.
    assets: None inlines everything (a saved file works alone); Linked(url) links the bundles.
    fit: fit the map to the units (our pages fit around the legend instead: static/js/fit.js).
    hatch: put the no-data patterns in the page (our templates include them once).
    layer, borders, details, missing: see static/js/choropleth.js.

    Its scripts are named as folium names Leaflet's ("leaflet", "leaflet_css"), so on a plain `folium.Map` they
    take the place of folium's CDN Leaflet instead of loading a second one.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}{% if this.standalone %}<style>{{ this.standalone_css }}</style>{% endif %}
        {% endmacro %}
        {% macro html(this, kwargs) %}{% if this.hatch %}{{ this.hatch_svg }}{% endif %}{% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = window.PetaCakupan.draw({{ this._parent.get_name() }}, {{ this.spec|tojson }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        geometry: Geometry,
        values: dict | str,
        bounds: tuple[float, float, float, float],
        *,
        assets: Linked | None = None,
        fit: bool = True,
        hatch: bool = True,
        layer: str = "kabupaten",
        borders: dict | None = None,
        details: dict[str, str] | None = None,
        missing: str = "",
    ):
        super().__init__()
        self._name = "PetaChoropleth"
        self.geometry, self.assets, self.hatch = geometry, assets, hatch
        self.hatch_svg = HATCH
        minx, miny, maxx, maxy = (float(b) for b in bounds)
        self.spec = {
            "topology": geometry.key,
            "values": values,
            "bounds": [[miny, minx], [maxy, maxx]],
            "fit": fit,
            "layer": layer,
            "borders": borders,
            "missing": missing,
            **({"details": details} if details else {}),
        }
        self.standalone = assets is None and hatch
        self.standalone_css = STANDALONE_CSS
        if assets is not None:
            if geometry.url is None:
                raise ValueError("Linked assets need the geometry's address (Geometry(key, url=...)).")
            self.default_js = [
                ("leaflet", assets.url("vendor.js")),
                ("peta_draw", assets.url("draw.js")),
                (geometry.element_name, geometry.url),
            ]
            self.default_css = [("leaflet_css", assets.url("peta.css"))]
        elif geometry.text is None:
            raise ValueError("Inlined assets need the geometry itself (Geometry(key, text=...) or of_frame).")

    def render(self, **kwargs) -> None:
        if self.assets is not None:
            super().render(**kwargs)  # JSCSSMixin: the links, in the figure's header
            return
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("PetaChoropleth renders inside a folium Map in a Figure (folium.Map() makes one).")
        geometry = script_body(self.geometry.key, self.geometry.text)
        inlined = {
            "leaflet_css": ("style", bundle_text("peta.css")),
            "leaflet": ("script", bundle_text("vendor.js")),
            "peta_draw": ("script", bundle_text("draw.js")),
            self.geometry.element_name: ("script", geometry),
        }
        # First in the header, in this order (the page's own rules, the map's size among them, come after).
        for position, (name, (tag, text)) in enumerate(inlined.items()):
            figure.header.add_child(Element(f"<{tag}>{inline_text(text, tag)}</{tag}>"), name=name, index=position)
        MacroElement.render(self, **kwargs)


class PetaMap(folium.Map):
    """folium's Map without what our maps must not have: no CDN links (the element brings Leaflet), no viewport
    meta of its own (folium's forbids pinch-zoom on phones; a page sets its own), and no starting view (the map is
    positioned once, by whoever fits it to the units)."""

    default_js: list = []
    default_css: list = []
    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>#{{ this.get_name() }} { position: relative; width: 100%; height: 100%; }
        .leaflet-container { font-size: 1rem; }</style>
        {% endmacro %}
        {% macro html(this, kwargs) %}<div class="folium-map" id={{ this.get_name()|tojson }}></div>{% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.map({{ this.get_name()|tojson }}, {{ this.leaflet_options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, **options):
        super().__init__(tiles=None, control_scale=False)
        self.leaflet_options = options


class Labels(JSCSSMixin, MacroElement):
    """Permanent labels (name over value), each at the first of its places (layers.choropleth.MapLabel, all inside
    its own unit) that is free, beside its unit over the sea when none is, or hidden: static/js/labels.js.

    Labels come in priority order (the capital, then districts with data, larger first), so small districts that
    do not fit are left to their tooltip, and reappear when zooming in gives them room. assets: as PetaChoropleth's
    (None inlines the script, so a saved file works alone; Linked(url) links the labels.js bundle).
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        window.PetaCakupan.label({{ this._parent.get_name() }}, {{ this.labels|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, labels: list[MapLabel], *, assets: Linked | None = None):
        super().__init__()
        self._name = "Labels"
        self.labels = [label.as_json() for label in labels]
        self.assets = assets
        self.default_js = [] if assets is None else [("peta_labels", assets.url("labels.js"))]

    def render(self, **kwargs) -> None:
        if self.assets is None:
            figure = self.get_root()
            if not isinstance(figure, Figure):
                raise TypeError("Labels render inside a folium Map in a Figure (folium.Map() makes one).")
            # The script only defines PetaCakupan.label; the map's script, at the end of the body, calls it.
            script = Element(f"<script>{inline_text(bundle_text('labels.js'), 'script')}</script>")
            figure.header.add_child(script, name="peta_labels")
        super().render(**kwargs)


class ScaleBar(MacroElement):
    """A metric scale bar at the bottom right, clear of the legend."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        L.control.scale({position: "bottomright", imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )


class Attribution(MacroElement):
    """Credit the boundary source in Leaflet's attribution control."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix(false).addAttribution({{ this.text|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "Attribution"
        self.text = str(escape(text))


def build_map(
    choropleth: PetaChoropleth,
    *,
    attribution: str,
    labels: list[MapLabel],
    tile_url: str | None = None,
    ids: str = "peta",
) -> folium.Map:
    """The map of one view: Leaflet's map, scale bar, optional basemap, the units, labels and attribution. Its
    elements are named from `ids` (distinct per map of a page), never at random, so the same view renders to the
    same bytes on every worker and machine (one ETag)."""
    fmap = PetaMap(zoomSnap=0.25, zoomDelta=0.5)
    ScaleBar().add_to(fmap)
    if tile_url:
        folium.TileLayer(tile_url, attr=" ", name="basemap").add_to(fmap)
    choropleth.add_to(fmap)
    Labels(labels, assets=choropleth.assets).add_to(fmap)
    Attribution(attribution).add_to(fmap)
    stable_ids(fmap, ids)
    return fmap


def choropleth_map(
    joined: gpd.GeoDataFrame,
    scheme: Scheme,
    *,
    locale: str = "id_ID",
    labels: TooltipLabels | None = None,
    attribution: str = "Batas wilayah: wilayah_boundaries © Cahya DSN (MIT), kode Kemendagri 2025",
) -> folium.Map:
    """The map of a joined frame (geo.join.join_coverage) by itself, with everything inlined: the same map as
    the pages draw, for a saved file or a notebook. Labels name each unit with its value, as a province map does."""
    tips = tooltips(joined, scheme, labels or TooltipLabels(), locale)
    values = {
        code: {"level": level, "fill": fill_of(level, fill), "tip": tip.as_json()}
        for code, level, fill, tip in zip(joined["code"], joined["level"], joined["fill"], tips, strict=True)
    }
    names = [short_name(name) for name in joined["name"]]
    shown = [format_value(value, scheme, locale) for value in joined[scheme.value]]
    choropleth = PetaChoropleth(Geometry.of_frame(joined), {"features": values}, tuple(joined.total_bounds))
    anchors = label_anchors(joined, first=joined[scheme.value].notna().tolist())
    labels = anchored_labels(anchors, joined["code"].astype(str).tolist(), names, shown)
    return build_map(choropleth, attribution=attribution, labels=labels)


def stable_ids(element: Element, prefix: str) -> None:
    """Name an element and everything under it `prefix_0`, `prefix_1`, … in tree order, in place of folium's random
    uuid4 names (its templates refer to each other by get_name(), so the names only need to be distinct)."""
    walk = [element]
    for number, item in enumerate(walk):  # grows as it goes: breadth first
        item._id = f"{prefix}_{number}"
        walk.extend(item._children.values())


@dataclass(frozen=True)
class MapComponents:
    """A rendered map in the parts our page templates place: the header's styles, the map's element, the
    scripts it links (placed before its script at the end of the body, so the page shows before they load; each
    page loads the stylesheet in its head itself) and its script."""

    header: str
    body: str
    script: str
    links: tuple[str, ...] = ()


def render_components(fmap: folium.Map) -> MapComponents:
    """Render the map's header, body, linked scripts and script for our own page templates."""
    root = fmap.get_root()
    root.render()
    header = root.header._children
    linked = [name for name, child in header.items() if isinstance(child, JavascriptLink | CssLink)]
    scripts = tuple(header[name].render() for name in linked if isinstance(header[name], JavascriptLink))
    for name in linked:
        del header[name]
    return MapComponents(root.header.render(), root.html.render(), root.script.render(), scripts)
