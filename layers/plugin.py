"""The choropleth as a folium plugin, and the map built on it.

`PetaChoropleth` is written the way folium's own plugins are (`JSCSSMixin` + `MacroElement`, like
`folium.plugins.TimeSliderChoropleth`): it declares its scripts and styles, takes the geometry (the address of a
geometry script, or the geometry itself) and one view's values through its template, and is drawn in the browser by
static/js/choropleth.js. Its JavaScript API, on `window.PetaCakupan`:

- `draw(map, spec)` → entry: the element's own script calls it; `entry.districts` is the units' Leaflet layer,
  `entry.byCode[code]` one unit's, `entry.values` the values shown, `entry.bounds` where the units are;
- `entry.restyle(values)`: another period or view on the same shapes (an open tooltip is rebuilt);
- `maps`: every drawn entry; the document hears `peta:hover` (detail: the code under the pointer, or null).

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

from geo.compact import encode_compact, script_body
from geo.levels import Scheme
from geo.topology import grid_transform, quantized_topology
from layers.assets import bundle_text
from layers.choropleth import MapLabel, TooltipLabels, anchored_labels, fill_of, label_anchors, short_name, tooltips
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


class Labels(MacroElement):
    """Permanent labels (name over value), set with textContent; each takes the first of its places
    (layers.choropleth.MapLabel, all inside its own unit) where it meets no label placed before it, no overlay of
    the map (legend, tools, slider, scale) and stays in the frame, and hides when none is free.

    Labels come in priority order (the capital, then districts with data, larger first), so small districts that
    do not fit are left to their tooltip, and reappear when zooming in gives them room. The first label (a
    province map's capital) is shown even when only an overlay is in its way.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var labels = {{ this.labels|tojson }};
            var OVERLAYS = [".legend", ".map-tools", ".stage-tools", ".timeline", ".leaflet-control-scale",
                ".leaflet-control-attribution"].join(", ");
            function write(el, l) {
                el.textContent = "";
                var name = el.appendChild(document.createElement("span"));
                name.className = "peta-label-name";
                name.textContent = l.name;
                if (l.value) {
                    el.appendChild(document.createTextNode(" "));  // the label's text reads "name value"
                    var value = el.appendChild(document.createElement("span"));
                    value.className = "peta-label-value";
                    value.textContent = l.value;
                }
            }
            var current = labels.map(function () { return {k: 0, dx: 0, dy: 0}; });
            var tips = labels.map(function (l) {
                var el = document.createElement("span");
                el.setAttribute("data-code", l.code);  // the unit it names (the tests check it stands on it)
                write(el, l);
                return L.tooltip({permanent: true, direction: "center", className: "peta-label", interactive: false})
                    .setLatLng(l.at[0]).setContent(el).addTo(map);
            });
            var leaders = L.layerGroup().addTo(map);
            function meets(a, b) {
                return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
            }
            // Beside its district, over the sea, with a line to its place: where a label goes when no place inside
            // is free (distances in px from the place to the label's nearer edge, then twelve directions).
            var REACH = [24, 56, 96, 144, 200, 260];
            var WAYS = [[1, 0], [-1, 0], [1, -0.4], [-1, -0.4], [1, 0.4], [-1, 0.4],
                [0.7, -0.7], [-0.7, -0.7], [0.7, 0.7], [-0.7, 0.7], [0, -1], [0, 1]];
            function onLand(b) {
                var points = [[(b.left + b.right) / 2, (b.top + b.bottom) / 2], [b.left + 2, b.top + 2],
                    [b.right - 2, b.top + 2], [b.left + 2, b.bottom - 2], [b.right - 2, b.bottom - 2]];
                return points.some(function (p) {
                    var hit = document.elementFromPoint(p[0], p[1]);
                    return hit && hit.classList && hit.classList.contains("leaflet-interactive");
                });
            }
            function declutter() {
                // Read every box first, then write: a style change between two reads would force the browser
                // to lay the page out again for every label.
                var frame = map.getContainer().getBoundingClientRect();
                var overlays = Array.prototype.filter.call(
                    map.getContainer().parentNode.querySelectorAll(OVERLAYS), function (o) { return o.offsetWidth; }
                ).map(function (o) { return o.getBoundingClientRect(); });
                var elements = tips.map(function (tip) { return tip.getElement(); });
                var boxes = elements.map(function (el) { return el ? el.getBoundingClientRect() : null; });
                var placed = [];
                var free = function (b) {
                    return b.left >= frame.left && b.right <= frame.right && b.top >= frame.top
                        && b.bottom <= frame.bottom && !overlays.some(function (o) { return meets(b, o); })
                        && !placed.some(function (q) { return meets(b, q); });
                };
                // A leader line may not run through another label set beside (checked every 4 px along it); it may
                // pass under a label inside a district, whose halo covers it.
                var crosses = function (a, b) {
                    var steps = Math.ceil(Math.hypot(b[0] - a.x, b[1] - a.y) / 4);
                    for (var t = 1; t < steps; t++) {
                        var x = a.x + (b[0] - a.x) * t / steps, y = a.y + (b[1] - a.y) * t / steps;
                        var inside = function (q) { return x > q.left && x < q.right && y > q.top && y < q.bottom; };
                        if (beside.some(inside)) { return true; }
                    }
                    return false;
                };
                // Where the box of label i would be with its centre at place k, shifted by (dx, dy) px.
                var boxAt = function (i, k, dx, dy) {
                    var r = boxes[i], c = current[i];
                    var now = map.latLngToContainerPoint(labels[i].at[c.k]);
                    var p = map.latLngToContainerPoint(labels[i].at[k]);
                    var x = p.x - now.x + dx - c.dx, y = p.y - now.y + dy - c.dy;
                    return {left: r.left + x, right: r.right + x, top: r.top + y, bottom: r.bottom + y};
                };
                var chosen = boxes.map(function (r, i) {
                    if (!r || !r.width) { return null; }
                    for (var k = 0; k < labels[i].at.length; k++) {
                        var b = boxAt(i, k, 0, 0);
                        if (free(b)) { placed.push(b); return {k: k, dx: 0, dy: 0}; }
                    }
                    return null;
                });
                // Beside the districts only as many as it takes to name half of them: every line costs attention.
                var shown = chosen.filter(Boolean).length;
                var beside = [];
                chosen = chosen.map(function (choice, i) {
                    var r = boxes[i];
                    if (choice || !r || !r.width || (i > 0 && shown * 2 >= labels.length)) { return choice; }
                    var from = map.latLngToContainerPoint(labels[i].at[0]).add([frame.left, frame.top]);
                    for (var d = 0; d < REACH.length; d++) {
                        for (var w = 0; w < WAYS.length; w++) {
                            var dx = WAYS[w][0] * (r.width / 2 + REACH[d]), dy = WAYS[w][1] * (r.height / 2 + REACH[d]);
                            var b = boxAt(i, 0, dx, dy);
                            var end = [Math.max(b.left, Math.min(from.x, b.right)),
                                Math.max(b.top, Math.min(from.y, b.bottom))];
                            if (free(b) && !onLand(b) && !crosses(from, end)) {
                                placed.push(b);
                                beside.push(b);
                                shown += 1;
                                return {k: 0, dx: dx, dy: dy, end: end};
                            }
                        }
                    }
                    if (i === 0) { placed.push(boxAt(i, 0, 0, 0)); return {k: 0, dx: 0, dy: 0}; }  // the capital
                    return null;
                });
                leaders.clearLayers();
                elements.forEach(function (el, i) {
                    if (!el) { return; }
                    var choice = chosen[i], c = current[i];
                    if (choice && (choice.k !== c.k || choice.dx !== c.dx || choice.dy !== c.dy)) {
                        current[i] = {k: choice.k, dx: choice.dx, dy: choice.dy};
                        tips[i].options.offset = L.point(choice.dx, choice.dy);
                        tips[i].setLatLng(labels[i].at[choice.k]);
                    }
                    // A label beside its district says where its line starts (the tests check that is on the district).
                    el.firstChild.removeAttribute("data-anchor");
                    if (choice && choice.end) {
                        el.firstChild.setAttribute("data-anchor", labels[i].at[0].join(","));
                        var to = L.point(choice.end[0] - frame.left, choice.end[1] - frame.top);
                        L.polyline([labels[i].at[0], map.containerPointToLatLng(to)],
                            {className: "peta-leader", interactive: false, weight: 2}).addTo(leaders);
                    }
                    el.style.visibility = choice ? "visible" : "hidden";
                });
            }
            // A label whose size changed (high contrast, another text) is centred on its place again before it is
            // measured: Leaflet keeps the offset of the size it had.
            function resize() {
                tips.forEach(function (tip) { if (tip.getElement()) { tip.update(); } });
                declutter();
            }
            map.on("zoomend moveend resize", declutter);
            document.addEventListener("peta:relayout", resize);  // high contrast: larger labels
            map.whenReady(declutter);
            // Another period's values (the time slider) bring new texts for the same units.
            map.petaRelabel = function (next) {
                var byCode = {};
                next.forEach(function (l) { byCode[l.code] = l; });
                tips.forEach(function (tip, i) {
                    var l = byCode[labels[i].code];
                    if (l && tip.getElement()) { write(tip.getElement().firstChild, l); }
                });
                resize();
            };
        })();
        {% endmacro %}"""
    )

    def __init__(self, labels: list[MapLabel]):
        super().__init__()
        self._name = "Labels"
        self.labels = [label.as_json() for label in labels]


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
    Labels(labels).add_to(fmap)
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
