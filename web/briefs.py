"""The governor's brief of a scope and period: an A4 PDF, a share image and its caption (web.briefing says what)."""

from __future__ import annotations

from flask import Blueprint, Response, abort
from flask_babel import get_locale

from layers.brief import render_brief, render_share
from web.briefing import brief_for, brief_query, map_png, texts_of
from web.encoding import store_body, stored_response
from web.resources import get_resources
from web.results import resolve_result
from web.slots import export_slot

bp = Blueprint("briefs", __name__)
FORMATS = {"pdf": "application/pdf", "png": "image/png", "txt": "text/plain; charset=utf-8"}


@bp.get("/export/<scope>/ringkasan.<fmt>")
def brief(scope: str, fmt: str) -> Response:
    """The brief as one A4 PDF page, a 1080×1350 share image, or the share image's caption as text."""
    if fmt not in FORMATS:
        abort(404)
    resources = get_resources()
    query = brief_query(resources, scope)
    result = resolve_result(resources, query)
    locale = str(get_locale())

    def make():
        texts = texts_of(brief_for(resources, query, result), result, locale)
        if fmt == "txt":
            body = "\n\n".join([texts.title, texts.subtitle, *texts.sentences, texts.source])
            return store_body(body, FORMATS[fmt])
        render = render_brief if fmt == "pdf" else render_share
        with export_slot():
            return store_body(render(map_png(resources, result, fmt, locale), texts), FORMATS[fmt])

    stored = resources.cache.get_or_make(("brief", *result.key, locale, fmt), make)
    name = f"ringkasan-{result.scope.slug}-{result.dataset.period}.{fmt}"
    return stored_response(stored, headers={"Content-Disposition": f'inline; filename="{name}"'})
