"""Response headers: the app refuses to be framed, except the embed pages, which configured sites may frame."""

from __future__ import annotations

from flask import Flask, Response, current_app, request


def frame_ancestors(origins: str) -> str:
    """CSP frame-ancestors value from a space- or comma-separated origin list ('*' allows any site)."""
    items = [o for o in origins.replace(",", " ").split() if o]
    return " ".join(items) if items else "'none'"


def public_url(path: str) -> str:
    """An address for people to copy: absolute from PETA_PUBLIC_URL, else the path alone.

    Never built from the request's Host header: pages are cached and shared between requests, so one request
    with a forged Host would otherwise put the attacker's site into the pages everyone else gets.
    """
    base = str(current_app.config["PUBLIC_URL"] or "").rstrip("/")
    return base + path


def register(app: Flask) -> None:
    """Add framing and content-type headers to every response."""
    app.add_template_global(public_url)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.path.startswith("/embed/"):
            ancestors = frame_ancestors(app.config["EMBED_ORIGINS"])
            response.headers["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
        else:
            response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
            response.headers["X-Frame-Options"] = "DENY"
        return response
