"""Response headers: the app refuses to be framed, except the embed pages, which configured sites may frame."""

from __future__ import annotations

from flask import Flask, Response, request


def frame_ancestors(origins: str) -> str:
    """CSP frame-ancestors value from a space- or comma-separated origin list ('*' allows any site)."""
    items = [o for o in origins.replace(",", " ").split() if o]
    return " ".join(items) if items else "'none'"


def register(app: Flask) -> None:
    """Add framing and content-type headers to every response."""

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
