"""gunicorn's settings for Peta Cakupan, read from the checkout's folder (`gunicorn wsgi:app` run there).

Command-line options (`--workers 4 --bind …`) still win; this file adds a warning at start and request limits.
"""

import os

# gunicorn answers a request line or header over these itself, with an English page; under them the app
# answers in words (web.security: 414 over 8,000 characters of path and query, 431 over 8,192 of a header).
limit_request_line = 8190  # gunicorn's largest
limit_request_field_size = 16384


def on_starting(server):
    """Say at start when sign-in limits are counted per worker (so they are looser than the settings say)."""
    storage = os.environ.get("PETA_RATELIMIT_STORAGE_URI", "memory://")
    if server.cfg.workers > 1 and storage.startswith("memory://"):
        server.log.warning(
            "PETA_RATELIMIT_STORAGE_URI is %s: each of the %s workers counts sign-in attempts on its own, so the "
            "sign-in limits (PETA_LOGIN_LIMIT_ACCOUNT, PETA_LOGIN_LIMIT_ADDRESS) allow %s times more. Set "
            "PETA_RATELIMIT_STORAGE_URI=redis://host:6379 (shared by every worker and instance).",
            storage,
            server.cfg.workers,
            server.cfg.workers,
        )
