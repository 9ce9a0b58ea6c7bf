"""What the governor's brief says, from one result: its query, facts, sentences and texts.

The brief reads the same `CoverageResult` as the map (coverage view, compared with the period before unless
`compare=` says otherwise); its sentences are templates filled only from that result and each district's pace.
Not a blueprint: the brief (web.briefs) and the PowerPoint storyline (web.exports) both read it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
from babel.numbers import format_decimal
from flask import request
from flask_babel import gettext as _

from geo.brief import Brief, DistrictLine, Headline, brief_of, number_or_none
from geo.compare import FROM_DISTRICTS, INCOMPLETE, PUBLISHED
from geo.numbers import format_count, format_percent, format_period, format_points
from geo.pace import AT_RISK, OFF_TRACK, ON_TRACK, paces_of
from geo.query import DEFAULT_VIEW, LAYERS, MapQuery
from geo.results import CoverageResult, pace_rule
from layers.brief import BriefTexts
from layers.slides import Story, StorySlide
from layers.static_map import StaticTexts, render_static
from web.formatting import short_span_text, span_text
from web.rendering import attribution, legend_of, map_labels, province_borders_of
from web.resources import Resources
from web.results import live_snapshot, period_paths, resolve_result

MAP_SIZE = {"pdf": (1700, 1100), "png": (1700, 1150)}


def brief_query(resources: Resources, scope: str) -> MapQuery:
    """The map's query in the coverage view, compared with the period before the one shown (if any)."""
    query = replace(MapQuery.parse(request.args, resources, scope=scope), view=DEFAULT_VIEW, layer=LAYERS[0])
    if query.compare is None:
        periods = [d.period for d in live_snapshot(resources).live(query.series)]  # newest first
        shown = query.period or (periods[0] if periods else None)
        earlier = [p for p in periods if shown and p < shown]
        query = replace(query, compare=earlier[0] if earlier else None)
    return query


def headline_of(resources: Resources, query: MapQuery, result: CoverageResult) -> Headline:
    """A single province's own figure (published, or Σ/Σ of complete districts); an island's Σ/Σ."""
    totals = result.totals
    with_coverage = int(result.table["coverage_pct"].notna().sum())
    counts = {
        "districts": totals["districts"],
        "districts_with_coverage": with_coverage,
        "districts_in_totals": totals["districts_in_totals"],
    }
    if len(result.scope.province_codes) == 1:
        province = resolve_result(resources, replace(query, layer="provinsi")).provinces.iloc[0]
        coverage, target = number_or_none(province["coverage_pct"]), number_or_none(province["target_pct"])
        return Headline(
            coverage_pct=coverage,
            target_pct=target,
            gap_pct=number_or_none(province["gap_pct"]),
            basis=str(province["basis"]),
            participants=_count(province["participants"]),
            workers=_count(province["workers"]),
            uncovered=totals["uncovered"] if totals["complete"] else None,
            source=_text(province["source"]) if province["basis"] == PUBLISHED else None,
            as_of=_text(province["as_of"]) if province["basis"] == PUBLISHED else None,
            **counts,
        )
    complete = bool(totals["complete"] and totals["coverage_pct"] is not None)
    return Headline(
        coverage_pct=totals["coverage_pct"] if complete else None,
        target_pct=None,
        gap_pct=None,
        basis=FROM_DISTRICTS if complete else INCOMPLETE,
        participants=totals["participants"] if complete else None,
        workers=totals["workers"] if complete else None,
        uncovered=totals["uncovered"] if complete else None,
        **counts,
    )


def _text(value) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _count(value) -> int | None:
    number = number_or_none(value)
    return None if number is None else int(number)


def _pace_clause(line: DistrictLine, locale: str) -> str:
    pace = line.pace
    if pace is None or pace.points_per_month is None:
        return _("belum ada laju (perlu dua periode dalam 12 bulan)")
    speed = format_points(pace.points_per_month, locale).removeprefix("+")  # a pace: '0,4 poin'
    if pace.status == ON_TRACK:
        return _(
            "dengan laju %(pace)s per bulan target tercapai pada %(year)s", pace=speed, year=pace.target_period[:4]
        )
    if pace.reached_period:
        return _(
            "dengan laju %(pace)s per bulan target tidak tercapai pada %(year)s (baru ± %(month)s)",
            pace=speed,
            year=pace.target_period[:4],
            month=format_period(pace.reached_period, locale),
        )
    if pace.target_period:
        return _(
            "dengan laju %(pace)s per bulan target tidak tercapai pada %(year)s",
            pace=speed,
            year=pace.target_period[:4],
        )
    return _("lajunya %(pace)s per bulan", pace=speed)


@dataclass(frozen=True)
class Sentences:
    """The brief's sentences by what they say (the storyline picks them by name), in reading order."""

    headline: str
    behind: tuple[str, ...]  # up to two districts below their target, most behind first
    lowest: str | None  # the lowest coverage, when no district is below a target
    improved: str | None
    track: str
    uncovered: str | None

    def ordered(self) -> tuple[str, ...]:
        """4–6 sentences: headline, behind (or lowest), improved, on track, uncovered."""
        said = (self.headline, *self.behind, self.lowest, self.improved, self.track, self.uncovered)
        return tuple(sentence for sentence in said if sentence)


def sentences_of(brief: Brief, scope: str, when: str, previous: str | None, locale: str) -> Sentences:
    """The brief's sentences, each a template filled from the brief's own numbers."""
    pct = lambda value: format_percent(value, locale, decimals=2, trim=True)  # noqa: E731 - as published: 19,22%
    head = brief.headline
    if head.coverage_pct is None:
        headline = _(
            "Angka %(scope)s %(when)s belum lengkap: %(n)s dari %(total)s kabupaten/kota punya angka "
            "cakupan, jadi tidak ada angka total.",
            scope=scope,
            when=when,
            n=head.districts_with_coverage,
            total=head.districts,
        )
    elif head.target_pct is not None and head.gap_pct < 0:
        headline = _(
            "Cakupan UCJ %(scope)s %(when)s %(coverage)s, %(gap)s poin di bawah target %(target)s.",
            scope=scope,
            when=when,
            coverage=pct(head.coverage_pct),
            gap=format_decimal(-head.gap_pct, format="#,##0.##", locale=locale),
            target=pct(head.target_pct),
        )
    elif head.target_pct is not None:
        headline = _(
            "Cakupan UCJ %(scope)s %(when)s %(coverage)s, sudah mencapai target %(target)s.",
            scope=scope,
            when=when,
            coverage=pct(head.coverage_pct),
            target=pct(head.target_pct),
        )
    else:
        headline = _(
            "Cakupan UCJ %(scope)s %(when)s %(coverage)s (%(basis)s).",
            scope=scope,
            when=when,
            coverage=pct(head.coverage_pct),
            basis=_("angka terbitan provinsi")
            if head.basis == PUBLISHED
            else _("Σ peserta ÷ Σ pekerja dari %(n)s kabupaten/kota", n=head.districts_in_totals),
        )
    behind = tuple(
        _(
            "%(name)s berada di %(coverage)s, %(gap)s poin di bawah target %(target)s; %(pace)s.",
            name=line.name,
            coverage=pct(line.coverage_pct),
            gap=format_decimal(-line.gap_pct, format="#,##0.##", locale=locale),
            target=pct(line.target_pct),
            pace=_pace_clause(line, locale),
        )
        for line in brief.behind_target[:2]
    )
    lowest = improved = uncovered = None
    if not brief.behind_target and brief.behind:
        line = brief.behind[0]
        lowest = _("Cakupan terendah: %(name)s, %(coverage)s.", name=line.name, coverage=pct(line.coverage_pct))
    if brief.improved:
        line = brief.improved[0]
        improved = _(
            "Kenaikan terbesar sejak %(previous)s: %(name)s, %(change)s menjadi %(coverage)s.",
            previous=previous,
            name=line.name,
            change=format_points(line.change_pct_points, locale),
            coverage=pct(line.coverage_pct),
        )
    track = brief.track
    on_track = _(
        "Dari %(n)s kabupaten/kota dengan angka: %(on)s sesuai jalur, %(risk)s berisiko, %(off)s tidak sesuai "
        "jalur, %(none)s belum punya status (tanpa target atau hanya satu periode).",
        n=sum(track.values()),
        on=track[ON_TRACK],
        risk=track[AT_RISK],
        off=track[OFF_TRACK],
        none=track["none"],
    )
    if head.uncovered is not None:
        uncovered = _(
            "%(uncovered)s pekerja belum terlindungi di %(n)s kabupaten/kota yang jumlah peserta dan pekerjanya "
            "diketahui.",
            uncovered=format_count(head.uncovered, locale),
            n=head.districts_in_totals,
        )
    return Sentences(headline, behind, lowest, improved, on_track, uncovered)


def when_of(result: CoverageResult, locale: str) -> str:
    """When the brief's figures are from, for its sentences: 'pada Oktober 2025', or in the terbaru view (each
    district's latest figure) the span of their months, never a single month."""
    if result.span is not None:
        return _("menurut angka terbaru tiap wilayah (%(months)s)", months=short_span_text(result.span, locale))
    return _("pada %(period)s", period=format_period(result.dataset.period, locale))


def texts_of(brief: Brief, result: CoverageResult, locale: str) -> BriefTexts:
    pct = lambda value: format_percent(value, locale, decimals=2, trim=True)  # noqa: E731
    period = format_period(result.dataset.period, locale)
    previous = format_period(result.previous.period, locale) if result.previous else None
    head = brief.headline
    cells = [(pct(head.coverage_pct) if head.coverage_pct is not None else "–", _("cakupan UCJ"))]
    if head.target_pct is not None:
        cells += [(pct(head.target_pct), _("target")), (format_points(head.gap_pct, locale), _("terhadap target"))]
    cells.append((f"{head.districts_with_coverage}/{head.districts}", _("kabupaten/kota dengan angka cakupan")))
    track = brief.track
    province_source = _("angka provinsi: %(source)s (%(as_of)s)", source=head.source, as_of=head.as_of or "–")
    return BriefTexts(
        title=_("Ringkasan cakupan BPJS Ketenagakerjaan — %(scope)s", scope=result.scope.name),
        subtitle=(span_text(result.span, locale) if result.span else _("Periode %(period)s", period=period))
        + (f" · {_('dibandingkan dengan %(previous)s', previous=previous)}" if previous else ""),
        headline=tuple(cells),
        behind_title=_("Paling jauh di bawah target") if brief.behind_by == "gap" else _("Cakupan terendah"),
        behind=tuple(
            (
                line.name,
                pct(line.coverage_pct),
                format_points(line.gap_pct, locale) if brief.behind_by == "gap" else "",
            )
            for line in brief.behind
        ),
        improved_title=_("Kenaikan terbesar"),
        improved=tuple(
            (line.name, pct(line.coverage_pct), format_points(line.change_pct_points, locale))
            for line in brief.improved
        ),
        improved_empty=_("Tidak ada kenaikan: belum ada periode pembanding, atau tidak ada wilayah yang naik.")
        if previous is None or not brief.improved
        else "",
        track=_(
            "Menuju target: %(on)s sesuai jalur · %(risk)s berisiko · %(off)s tidak sesuai jalur · %(none)s tanpa "
            "status",
            on=track[ON_TRACK],
            risk=track[AT_RISK],
            off=track[OFF_TRACK],
            none=track["none"],
        ),
        sentences=sentences_of(brief, result.scope.name, when_of(result, locale), previous, locale).ordered(),
        source=f"{_('Sumber')}: {result.dataset.title}" + (f" · {province_source}" if head.source else ""),
        attribution=attribution(),
        banner="DATA CONTOH — bukan data resmi" if result.dataset.is_sample else None,
    )


def brief_for(resources: Resources, query: MapQuery, result: CoverageResult) -> Brief:
    """The brief's facts from the result: its ranking, its headline and every district's pace."""
    latest = result.table[result.table["coverage_pct"].notna()][["code", "period", "coverage_pct", "target_pct"]]
    paces = paces_of(period_paths(resources, query.series, result.series_ids), latest, pace_rule(resources))
    return brief_of(result.ranking, headline_of(resources, query, result), paces)


def map_png(resources: Resources, result: CoverageResult, fmt: str, locale: str) -> bytes:
    width, height = MAP_SIZE[fmt]
    lang = locale.split("_")[0]
    return render_static(
        result.joined,
        province_borders_of(resources, result),
        legend_of(result, locale),
        StaticTexts(title="", subtitle="", legend_title=result.scheme.title[lang], source="", attribution=""),
        map_labels(resources, result, locale),
        fmt="png",
        width=width,
        height=height,
    )


def track_fills(resources: Resources) -> dict[str, str]:
    """Status colours from the coverage levels' ends and middle: on track green, at risk orange, off track red."""
    levels = resources.schemes[DEFAULT_VIEW].by_key()
    return {ON_TRACK: levels["tinggi"].color, AT_RISK: levels["rendah"].color, OFF_TRACK: levels["sangat_rendah"].color}


def status_name(status: str | None) -> str:
    names = {ON_TRACK: _("Sesuai jalur"), AT_RISK: _("Berisiko"), OFF_TRACK: _("Tidak sesuai jalur")}
    return names.get(status, _("Tanpa status"))


def story_of(resources: Resources, brief: Brief, result: CoverageResult, locale: str) -> Story:
    """The deck's storyline (`?alur=1`): title, then on track or not, the uncovered workers and the five furthest
    behind; every sentence is one of the brief's templates."""
    texts = texts_of(brief, result, locale)
    pct = lambda value: format_percent(value, locale, decimals=2, trim=True)  # noqa: E731
    previous = format_period(result.previous.period, locale) if result.previous else None
    said = sentences_of(brief, result.scope.name, when_of(result, locale), previous, locale)
    fills = track_fills(resources)
    statuses = (ON_TRACK, AT_RISK, OFF_TRACK, "none")
    track = StorySlide(
        title=_("Menuju target: siapa sesuai jalur"),
        headers=(_("Status"), _("Kabupaten/kota")),
        rows=tuple((status_name(s), str(brief.track[s])) for s in statuses),
        sentences=(said.track,),
        fills=tuple(fills.get(s) for s in statuses),
    )
    uncovered = StorySlide(
        title=_("Di mana pekerja belum terlindungi"),
        headers=(_("Kabupaten/kota"), _("Belum terlindungi"), _("Pekerja"), _("Cakupan")),
        rows=tuple(
            (
                line.name,
                format_count(line.uncovered, locale),
                format_count(line.workers, locale),
                pct(line.coverage_pct),
            )
            for line in brief.uncovered
        ),
        sentences=(said.uncovered,)
        if said.uncovered
        else (
            _(
                "Belum ada kabupaten/kota dengan jumlah peserta dan pekerja, jadi pekerja yang belum terlindungi "
                "tidak diketahui."
            ),
        ),
    )
    behind = StorySlide(
        title=texts.behind_title,
        headers=(_("Kabupaten/kota"), _("Cakupan"), _("Target"), _("Terhadap target"), _("Status")),
        rows=tuple(
            (
                line.name,
                pct(line.coverage_pct),
                pct(line.target_pct) if line.target_pct is not None else "–",
                format_points(line.gap_pct, locale) if line.gap_pct is not None else "–",
                status_name(line.pace.status if line.pace else None),
            )
            for line in brief.behind
        ),
        sentences=said.behind or tuple(s for s in (said.lowest,) if s),
    )
    return Story(title=texts.title, subtitle=texts.subtitle, headline=texts.headline, slides=(track, uncovered, behind))


def storyline_of(resources: Resources, scope: str, locale: str) -> Story:
    """The storyline of a scope for the request's query, from the brief's own result (compared with the period
    before unless asked otherwise)."""
    query = brief_query(resources, scope)
    result = resolve_result(resources, query)
    return story_of(resources, brief_for(resources, query, result), result, locale)
