"""What every map format is made of: the folium map of a view, its labels, legend, description and values.

Blueprints (map pages, exports) call these; none of them is a route, so no blueprint imports another.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from geo.anchors import label_anchors
from geo.latest import STALE_LEVEL
from geo.numbers import format_period
from geo.results import CoverageResult
from geo.scopes import Scope
from geo.topology import TopologyRef
from layers.choropleth import MapLabel, TooltipLabels, anchored_labels, fill_of, short_name, tooltips
from layers.legend import LegendEntry, format_value, legend_entries
from layers.navigation import TableTexts, search_terms, table_rows
from layers.plugin import Geometry, Linked, MapComponents, PetaChoropleth, build_map, render_components
from layers.static_map import Circles
from layers.symbols import SymbolEntry, radii, symbol_legend
from web.formatting import when_text
from web.resources import Resources, scope_detail_geometry, scope_geometry, search_index, topology_text
from web.results import period_paths
from web.vendor import asset_url


def attribution() -> str:
    """Credit for the boundaries, in the reader's language."""
    return _("Batas wilayah: wilayah_boundaries © Cahya DSN (MIT), kode Kemendagri 2025")


@dataclass(frozen=True)
class RenderedMap:
    """A view's map: what its legend, parts and browser read (the facts), and the folium map drawn from them
    (`components`, None for the facts alone: values.json's parts need no map)."""

    components: MapComponents | None
    legend: list[LegendEntry]
    with_data: int
    total: int
    geometry: TopologyRef  # the geometry file the units are drawn from
    values_id: str  # the id of the page's JSON block holding `values`
    values: dict  # {"features": unit_values(...)}
    symbols: list[SymbolEntry]  # the legend's reference circles on a view drawn with circles (layers.symbols)


def tooltip_labels(view: CoverageResult) -> TooltipLabels:
    since = format_period(view.previous.period, str(get_locale())) if view.previous else ""
    change = _("Perubahan sejak %(period)s", period=since) if view.previous else ""
    return TooltipLabels(
        change=change,
        coverage=_("Cakupan"),
        participants=_("Peserta aktif"),
        workers=_("Penduduk bekerja"),
        target=_("Target"),
        gap=_("Terhadap target"),
        level=_("Tingkat"),
        rank=_("Peringkat"),
        source=_("Sumber"),
        no_data=_("tidak ada data"),
        rank_of=_("{rank} dari {total}"),
        incomplete=_("data tidak lengkap"),
        basis=_("Dasar"),
        from_districts=_("total kabupaten/kota (Σ peserta ÷ Σ pekerja)"),
        path=_("Riwayat"),
        segments=_("Segmen (% pekerja)"),
        paid_by=_("{count} pekerja rentan dibayar"),
        budget_regency=_("Anggaran APBD kab/kota per tahun"),
        budget_province=_("Anggaran APBD provinsi per tahun"),
        period=_("Periode"),
        stale=_("Angka terakhir {value} ({period}), lebih dari {window} bulan sebelum periode terbaru"),
        window=view.window or 0,
        pace=_("Laju 12 bulan"),
        pace_value=_("{points} per bulan"),
        projection=_("Proyeksi {month}"),
        projection_value=_("{value} (target {target})"),
        reached=_("Target tercapai"),
        reached_at=_("± {month}"),
        not_reached=_("tidak, dengan laju ini"),
        already=_("sudah"),
        uncovered=_("Belum terlindungi"),
    )


def map_labels(resources: Resources, view: CoverageResult, locale: str, labels: str = "auto") -> list[MapLabel]:
    """Province names on island maps and district names over the value the map is coloured by on a province
    map ("auto"), district labels everywhere ("districts"), or none ("off")."""
    if labels == "off":
        return []
    if not labels_are_names(view, labels):
        joined = view.joined
        names = [short_name(name) for name in joined["name"]]
        values = [format_value(value, view.scheme, locale) for value in joined[view.scheme.value]]
        return anchored_labels(view.label_anchors, joined["code"].astype(str).tolist(), names, values)
    return province_labels(resources, view.scope)


def labels_are_names(view: CoverageResult, labels: str) -> bool:
    """Whether a map's labels are its provinces' names alone (an island or full-area map, "auto"): the same for
    every period and view of its scope, with no value to keep up to date."""
    return labels == "auto" and view.scope.kind != "province"


def province_labels(resources: Resources, scope: Scope) -> list[MapLabel]:
    """The province names of an island or full-area map, placed once per scope."""

    def make() -> list[MapLabel]:
        provinces = resources.boundaries.provinces
        shown = provinces[provinces["kode_prov"].isin(scope.province_codes)]
        return anchored_labels(label_anchors(shown), shown["kode_prov"].tolist(), shown["provinsi"].tolist())

    return resources.cache.get_or_make(("province-labels", scope.slug), make)


def legend_of(view: CoverageResult, locale: str) -> list[LegendEntry]:
    """The map's legend: its levels, with the units per level the result counted."""
    return legend_entries(view.legend_counts, view.scheme, locale, stale_window=view.span.window if view.span else None)


def province_borders_of(resources: Resources, view: CoverageResult):
    """The province border lines that touch the view's scope."""
    borders = resources.boundaries.borders
    scope_codes = set(view.scope.province_codes)
    return borders[borders["provinsi"].str.split("-").apply(lambda codes: bool(set(codes) & scope_codes))]


def render_map(
    resources: Resources, view: CoverageResult, locale: str, labels: str = "auto", inline: bool = False
) -> RenderedMap:
    """The folium map of a view and the values its units are styled from (written on the page beside it). Its
    element links the site's bundles and geometry script, or (`inline`, the offline file) carries them."""
    facts = map_facts(resources, view, locale)
    values_id, geometry = facts.values_id, facts.geometry
    borders = None
    if view.scope.kind == "province":  # a province's own geometry does not hold its neighbours' shared lines
        borders = json.loads(province_borders_of(resources, view).to_json(drop_id=True))
    details = None
    if view.scope.kind != "province":  # deep zoom loads the provinces' detailed geometry
        details = {ref.key: url_for("geometry.script", name=ref.file_stem) for ref in scope_detail_geometry(view.scope)}
    if inline:
        shapes = Geometry(geometry.key, text=topology_text(geometry))
    else:
        shapes = Geometry(geometry.key, url=url_for("geometry.script", name=geometry.file_stem))
    choropleth = PetaChoropleth(
        shapes,
        values_id,
        tuple(view.joined.total_bounds),
        assets=None if inline else Linked(asset_url),
        fit=False,  # the page fits the map around its legend (static/js/fit.js)
        hatch=False,  # the templates include the patterns once per page
        layer=view.layer,
        borders=borders,
        details=details,
        # shown on the map when its geometry did not load (static/js/choropleth.js); the values still serve the rest
        missing=_(
            "Batas wilayah tidak dapat dimuat, jadi peta tidak digambar. "
            "Muat ulang halaman; angka dan tabel peringkat tetap benar."
        ),
    )
    fmap = build_map(
        choropleth,
        attribution=attribution(),
        labels=map_labels(resources, view, locale, labels),
        tile_url=current_app.config["TILE_URL"] or None,
        ids="peta" + values_id.rsplit("-", 1)[1],  # the view's own names: the same bytes on every worker
    )
    return replace(facts, components=render_components(fmap))


def map_facts(resources: Resources, view: CoverageResult, locale: str) -> RenderedMap:
    """Everything of a view's map but the folium map: legend, counts, values and circles."""
    return RenderedMap(
        None,
        legend_of(view, locale),
        int(view.joined["coverage_pct"].notna().sum()),
        len(view.joined),
        scope_geometry(view.scope),  # the overview for island scopes, a province's own detail
        "map-values-" + hashlib.sha256(repr((view.key, locale)).encode()).hexdigest()[:10],
        {"features": unit_values(resources, view, locale)},
        symbols_of(view, locale),
    )


def symbols_of(view: CoverageResult, locale: str) -> list[SymbolEntry]:
    """The reference circles of a view drawn with circles (none on the others)."""
    return symbol_legend(view.joined[view.scheme.symbols], locale) if view.scheme.symbols else []


def static_circles(view: CoverageResult, locale: str) -> Circles | None:
    """The circles of a view drawn with circles, for the PNG, SVG and PDF (layers.static_map)."""
    if not view.scheme.symbols:
        return None
    points = sorted(((*u["at"], u["sym"]) for u in unit_symbols(view).values()), key=lambda p: -p[2])
    return Circles(points, symbols_of(view, locale), _("Luas lingkaran:\npekerja belum terlindungi"))


def unit_symbols(view: CoverageResult) -> dict[str, dict]:
    """The circle of every unit that has one, by code: its radius in px and where it stands (the unit's label
    anchor, inside its largest part)."""
    if not view.scheme.symbols:
        return {}
    joined = view.joined
    sizes = radii(joined[view.scheme.symbols])
    anchors = {anchor.row: anchor for anchor in view.label_anchors}
    return {
        code: {"sym": float(size), "at": [anchors[row].lat, anchors[row].lon]}
        for row, (code, size) in enumerate(zip(joined["code"], sizes, strict=True))
        if size == size  # not NaN
    }


def unit_values(resources: Resources, view: CoverageResult, locale: str) -> dict[str, dict]:
    """Fill, level and tooltip of every unit of a view, by code: what the browser styles the shapes with.
    Made once per view and language: the page and its values.json share it."""

    def make() -> dict[str, dict]:
        joined = view.joined
        tips = tooltips(
            joined,
            view.scheme,
            tooltip_labels(view),
            locale,
            period_paths(resources, view.dataset.series, view.series_ids),
        )
        circles = unit_symbols(view)
        return {
            code: {"level": level, "fill": fill_of(level, fill), "tip": tip.as_json(), **circles.get(code, {})}
            for code, level, fill, tip in zip(joined["code"], joined["level"], joined["fill"], tips, strict=True)
        }

    return resources.cache.get_or_make(("units", *view.key, locale), make)


def map_values(resources: Resources, view: CoverageResult, table: CoverageResult, locale: str, labels: str) -> dict:
    """Fill, level and tooltip of every unit, label texts, the legend, the description and what screen readers
    say: the same joined result, tooltips, labels and legend as the rendered map, for one period."""
    legend = legend_of(view, locale)
    features = unit_values(resources, view, locale)
    return {
        "period": view.period_arg or "",
        "period_label": when_text(view, locale, short=True),  # every .current-period: the legend's short form
        "source": view.dataset.title,
        "is_sample": view.dataset.is_sample,
        "legend": [asdict(entry) for entry in legend],
        "description": describe(view, legend, locale.split("_")[0]),
        "features": features,
        "labels": [label.as_json() for label in map_labels(resources, view, locale, labels)],
        "table": view_table(resources, view, table, locale, features),
    }


PRESENT_LABELS = {"1": "districts", "0": "off"}


def table_values(resources: Resources, table: CoverageResult, locale: str) -> dict:
    """The ranking table's rows (layers.navigation), in rank order: static/js/ranking.js builds the table from
    them, search and keyboard navigation read them. Made once per table view and language. The aliases search
    also finds are not here (scope_search_terms): the page and values.json do not grow with the saved aliases."""
    texts = TableTexts(
        no_data=_("tidak ada data"),
        gap=_("{points} terhadap target"),
        rank_of=_("peringkat {rank} dari {total}"),
        pick=_("Pilih %(name)s", name="{name}"),  # the browser puts each district's name in
    )

    def make() -> dict:
        ranking = table.ranking
        rows = table_rows(ranking, table.scheme, texts, locale, table.previous is not None)
        link = url_for("districts.district_page", code="KODE", series=table.dataset.series)
        return {**rows, "link": link}

    return resources.cache.get_or_make(("table-values", *table.key, locale), make)


def scope_search_terms(resources: Resources, scope: Scope) -> dict[str, list[str]]:
    """The search terms beyond their names (short forms, old names, saved aliases) of a scope's districts, by code:
    what the search box fetches on its first use (web.api search_terms) and the offline file carries inline.
    Follows the aliases saved since (search_index)."""
    terms = search_terms(search_index(resources))
    provinces = set(scope.province_codes)
    return {code: found for code, found in terms.items() if code.split(".")[0] in provinces}


# The table's columns (layers.navigation.TableRow) a unit's tooltip may show too: each is the tooltip's row
# with the label of the same name in TooltipLabels. A name is the tooltip's title.
TIP_COLUMNS = ("coverage", "target", "gap", "participants", "workers", "change")


def table_beside(table_data: dict, features: dict[str, dict], labels: TooltipLabels) -> dict:
    """The table's columns for the page beside a map: a name or text that the district's tooltip shows exactly so
    is sent as 0, and the browser reads it from the tooltip (rows.js tableRows): the name from its title, a column
    named in `from_tooltip` from the row with that label. So a view's numbers travel once. Only identical texts
    are replaced; on the province layer (units are provinces) nothing is."""
    columns = table_data["columns"]
    from_tooltip = {name: getattr(labels, name) for name in TIP_COLUMNS if name in columns}
    fresh = {name: list(cells) for name, cells in columns.items()}
    for i, code in enumerate(columns["code"]):
        unit = features.get(code)
        if unit is None:
            continue
        tip = dict(unit["tip"]["rows"])  # the browser looks rows up the same way: the last of a label wins
        if unit["tip"]["title"] == columns["name"][i]:
            fresh["name"][i] = 0
        for name, label in from_tooltip.items():
            if columns[name][i] is not None and tip.get(label) == columns[name][i]:
                fresh[name][i] = 0
    return {**table_data, "columns": fresh, "from_tooltip": from_tooltip}


def view_table(resources: Resources, view: CoverageResult, table: CoverageResult, locale: str, features: dict) -> dict:
    """The table of a view's page or values.json, beside the map's units (`features`)."""
    return table_beside(table_values(resources, table, locale), features, tooltip_labels(view))


def describe(view: CoverageResult, legend: list, lang: str) -> str:
    """A sentence a screen reader (or a minute-taker) can use instead of the map."""
    units = _("provinsi") if view.layer == "provinsi" else _("kabupaten/kota")
    total = sum(entry.count for entry in legend)
    parts = [
        _(
            "%(n)s dari %(total)s %(units)s %(label)s (%(range)s)",
            n=e.count,
            total=total,
            units=units,
            label=e.label.lower(),
            range=e.range,
        )
        if e.range and e.key != STALE_LEVEL
        else _("%(n)s data lama (angka terakhir lebih dari %(window)s bulan)", n=e.count, window=view.window)
        if e.key == STALE_LEVEL
        else _("%(n)s tanpa data", n=e.count)
        for e in legend
        if e.count
    ]
    title = f"{view.scope.name}, {view.scheme.title[lang].lower()}"
    if view.span is None:
        return f"{title} {view.dataset.period}: " + "; ".join(parts) + "."
    mixed = _("Angka tiap wilayah dari periodenya sendiri; total dan peringkat mencampur tanggal.")
    return f"{title} ({when_text(view, lang)}): " + "; ".join(parts) + ". " + mixed
