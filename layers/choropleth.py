"""What the interactive choropleth's units say: tooltips, label texts (their places: geo.anchors), fills (the folium
elements that draw them are in layers.plugin).

Tooltips and labels are plain text, set in the browser with textContent.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

import geopandas as gpd
import pandas as pd

from geo.anchors import LabelAnchor
from geo.latest import STALE_LABEL, STALE_LEVEL, figure_period, names_month
from geo.levels import Scheme
from geo.numbers import format_count, format_month, format_percent, format_points, format_rupiah
from geo.pace import MARGIN
from geo.samples import source_text
from geo.segments import PARTICIPANT_SEGMENTS, PAYERS, is_segment_view

NO_DATA_FILL = "url(#peta-hatch)"  # SVG pattern defined once in templates/_hatch.html
STALE_FILL = "url(#peta-hatch-lama)"  # data lama (geo.latest): its own pattern in the same file


@dataclass(frozen=True)
class TooltipLabels:
    """The tooltip's words: Indonesian by default; the web layer gives them in the reader's language."""

    coverage: str = "Cakupan"
    participants: str = "Peserta aktif"
    workers: str = "Penduduk bekerja"
    target: str = "Target"
    gap: str = "Terhadap target"
    level: str = "Tingkat"
    rank: str = "Peringkat"
    source: str = "Sumber"
    no_data: str = "tidak ada data"
    rank_of: str = "{rank} dari {total}"
    change: str = "Perubahan"  # "Perubahan sejak Juni 2025" when the web layer knows the period
    incomplete: str = "data tidak lengkap"  # a province whose districts do not add up to a figure
    basis: str = "Dasar"
    from_districts: str = "total kabupaten/kota (Σ peserta ÷ Σ pekerja)"
    path: str = "Riwayat"  # the coverage over the latest periods
    segments: str = "Segmen (% pekerja)"
    paid_by: str = "{count} pekerja rentan dibayar"
    budget_regency: str = "Anggaran APBD kab/kota per tahun"
    budget_province: str = "Anggaran APBD provinsi per tahun"
    period: str = "Periode"  # the month a figure describes (the terbaru view mixes periods)
    stale: str = "Angka terakhir {value} ({period}), lebih dari {window} bulan sebelum periode terbaru"
    window: int = 24
    pace: str = "Laju 12 bulan"  # the jalur view (geo.pace): points per month, the projection, when the target is met
    pace_value: str = "{points} per bulan"
    projection: str = "Proyeksi {month}"
    projection_value: str = "{value} (target {target})"
    reached: str = "Target tercapai"
    reached_at: str = "± {month}"
    not_reached: str = "tidak, dengan laju ini"
    already: str = "sudah"
    uncovered: str = "Belum terlindungi"  # the belum_terlindungi view: employed − participants (geo.join)


def _text(value: object) -> str | None:
    """A cell as text, or None when it is empty or missing (NaN is truthy, so test it explicitly)."""
    return str(value).strip() or None if isinstance(value, str) else None


def source_label(source: str) -> str:
    """Show a web address by its site name (the full address stays in the API and CSV)."""
    parsed = urlparse(source.strip())
    if parsed.scheme in ("http", "https") and parsed.netloc:
        return parsed.netloc.removeprefix("www.")
    return source


def short_name(name: str) -> str:
    """A label's name: "Kabupaten" left out (a Kota keeps its word, as it names a different place)."""
    return name.removeprefix("Kabupaten ")


PATH_PERIODS = 4  # the tooltip's path shows the latest few periods; the district page shows them all


def path_text(path: list[tuple[str, float]], locale: str) -> str:
    """'Jun 2025 30,1% → Des 2025 32,4%': a district's coverage over its latest periods."""
    return " → ".join(
        f"{format_month(period, locale)} {format_percent(value, locale)}" for period, value in path[-PATH_PERIODS:]
    )


def _present(value: object) -> bool:
    return value is not None and not pd.isna(value)


def segment_lines(row: dict, labels: TooltipLabels, locale: str) -> list[tuple[str, str]]:
    """The segment breakdown of one district in at most four short lines (a tooltip must fit a projector):
    each segment's share of the employed, who pays for its vulnerable workers (share, and how many), and the
    yearly budgets implied; nothing without segments. Counts per segment are on the district page."""
    lang = locale.split("_")[0]
    lines = []
    shares = [
        f"{s.short[lang]} {format_percent(row.get(s.share), locale)}"
        for s in PARTICIPANT_SEGMENTS
        if _present(row.get(s.column))
    ]
    if shares:
        lines.append((labels.segments, " · ".join(shares)))
    if _present(row.get("vulnerable")):
        payers = " · ".join(f"{p.short[lang]} {format_percent(row.get(p.share), locale)}" for p in PAYERS)
        lines.append((labels.paid_by.format(count=format_count(row["vulnerable"], locale)), payers))
    for key, label in (
        ("budget_regency_yearly", labels.budget_regency),
        ("budget_province_yearly", labels.budget_province),
    ):
        if _present(row.get(key)):
            lines.append((label, format_rupiah(row[key], locale)))  # geo.segments.segment_figures
    return lines


def track_lines(row: dict, labels: TooltipLabels, locale: str) -> list[tuple[str, str]]:
    """The jalur view's lines (geo.pace): the pace, the projection at the target's month against the target, and
    the month the line reaches the target (or that it does not); nothing without a pace or a status (the level row
    says why)."""
    lines = []
    if _present(row.get("pace_pts_per_month")):
        lines.append((labels.pace, labels.pace_value.format(points=format_points(row["pace_pts_per_month"], locale))))
    if row.get("track_status") and row["coverage_pct"] >= row["target_pct"]:
        lines.append((labels.reached, labels.already))
    elif row.get("track_status") and _present(row.get("projected_pct")):
        value = format_percent(row["projected_pct"], locale)
        projection = labels.projection_value.format(value=value, target=format_percent(row["target_pct"], locale))
        lines.append((labels.projection.format(month=format_month(row["target_period"], locale)), projection))
        reached = row.get("target_reached_period")
        when = labels.reached_at.format(month=format_month(reached, locale)) if reached else labels.not_reached
        lines.append((labels.reached, when))
    return lines


@dataclass(frozen=True)
class TooltipContent:
    """What one unit's tooltip says: a title, a subtitle and (label, text) rows, all plain text.

    The browser builds the tooltip from these with textContent, so no value from data is ever read as HTML.
    """

    title: str
    subtitle: str
    rows: tuple[tuple[str, str], ...]

    def as_json(self) -> dict:
        return {"title": self.title, "sub": self.subtitle, "rows": [list(row) for row in self.rows]}


def tooltip_content(
    row: dict,
    labels: TooltipLabels,
    level_label: str,
    total: int,
    locale: str,
    path: list | None = None,
    segments: bool = False,
    track: bool = False,
    uncovered: bool = False,
) -> TooltipContent:
    """Return the tooltip of one unit: with its path over the periods when it has two; on a segment view
    (`segments`), its segment breakdown takes the place of the target lines and the path, and on the jalur view
    (`track`) its pace and projection take the place of the counts, so the tooltip stays the height that fits a
    projector; on the uncovered workers' view (`uncovered`) the count its circle stands for follows the counts."""
    basis = row.get("basis")  # only on the province layer (geo.compare.province_frame)
    missing = labels.incomplete if basis == "tidak_lengkap" else labels.no_data
    lines = [(labels.coverage, format_percent(row["coverage_pct"], locale, missing))]
    if row["coverage_pct"] == row["coverage_pct"]:  # not NaN: a district with data
        if not track:  # the jalur view's pace lines take the place of the counts, so the tooltip fits a projector
            lines += [
                (labels.participants, format_count(row["participants"], locale)),
                (labels.workers, format_count(row["workers"], locale)),
            ]
        if uncovered:
            lines.append((labels.uncovered, format_count(row.get("uncovered_workers"), locale)))
        if not segments:
            lines += [
                (labels.target, format_percent(row["target_pct"], locale)),
                (labels.gap, format_points(row["gap_pct"], locale)),  # geo.join.gap_to_target
            ]
        if not pd.isna(row.get("change_pct_points", float("nan"))):
            lines.append((labels.change, format_points(row["change_pct_points"], locale)))
        if not pd.isna(row["rank"]):
            lines.append((labels.rank, labels.rank_of.format(rank=row["rank"], total=total)))
        if basis == "total_kabupaten":
            lines.append((labels.basis, labels.from_districts))
        if track:
            lines += track_lines(row, labels, locale)
        if segments:
            lines += segment_lines(row, labels, locale)
        elif path and len(path) > 1:
            lines.append((labels.path, path_text(path, locale)))
    if "stale" in row and row["stale"]:  # the terbaru view: an old figure is said as such, in place of coverage
        value = format_percent(row.get("stale_coverage_pct"), locale)
        period = format_month(row["period"], locale)
        lines[0] = (labels.coverage, labels.stale.format(value=value, period=period, window=labels.window))
    elif "stale" in row and _text(row.get("period")) and not names_month(row.get("as_of"), row["period"]):
        lines.append((labels.period, format_month(row["period"], locale)))  # its own month, unless its date says it
    elif "stale" not in row and _text(row.get("period")) and _text(row.get("as_of")):
        own = figure_period(row["as_of"], row["period"])  # one period shown: a figure of an earlier month says so
        if own != row["period"]:
            lines.append((labels.period, format_month(own, locale)))
    lines.append((labels.level, level_label if basis != "tidak_lengkap" else labels.incomplete))
    source, as_of = _text(row.get("source")), _text(row.get("as_of"))
    if source:
        lines.append((labels.source, source_label(source_text(source, locale)) + (f" ({as_of})" if as_of else "")))
    return TooltipContent(str(row["name"]), str(row["province"]), tuple((str(k), str(v)) for k, v in lines))


# inside the drawn (simplified) shape too


@dataclass(frozen=True)
class MapLabel:
    """One label of the interactive map: its unit, its name over its value, and the places it may take (inside the
    unit, first choice first); the browser tries them in turn before it hides the label."""

    code: str
    name: str
    value: str
    places: tuple[tuple[float, float], ...]

    @property
    def text(self) -> str:
        return f"{self.name} {self.value}".strip()

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "value": self.value, "at": [list(p) for p in self.places]}


def anchored_labels(
    anchors: tuple[LabelAnchor, ...], codes: list[str], names: list[str], values: list[str] | None = None
) -> list[MapLabel]:
    """The interactive map's labels, in the anchors' order: each row's code, name and value at its places."""
    values = values or [""] * len(codes)
    return [MapLabel(codes[a.row], names[a.row], values[a.row], a.places) for a in anchors]


def tooltips(
    joined: gpd.GeoDataFrame, scheme: Scheme, labels: TooltipLabels, locale: str, paths: dict | None = None
) -> list[TooltipContent]:
    """Every row's tooltip (the page's values and values.json carry the same)."""
    lang = locale.split("_")[0]
    level_labels = {key: level.label[lang] for key, level in scheme.by_key().items()} | {STALE_LEVEL: STALE_LABEL[lang]}
    total = int(joined[scheme.value].notna().sum())  # ranked among the units with the view's measure
    paths = paths or {}
    return [
        tooltip_content(
            row,
            labels,
            level_labels[row["level"]],
            total,
            locale,
            paths.get(row["code"]),
            is_segment_view(scheme.value),
            scheme.value == MARGIN,
            scheme.symbols is not None,
        )
        for row in joined.drop(columns="geometry").to_dict("records")
    ]


def fill_of(level: str, fill: str) -> str:
    """The fill a district is drawn with: its level colour, the no-data hatch, or the data-lama hatch."""
    return NO_DATA_FILL if level == "tidak_ada_data" else STALE_FILL if level == STALE_LEVEL else fill
