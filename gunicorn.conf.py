"""gunicorn's settings for Peta Cakupan, read from the checkout's folder (`gunicorn wsgi:app` run there).

Command-line options (`--workers 4 --bind …`) still win; this file adds a warning at start, request limits and the
worker timeout a large upload needs.
"""

import os

# gunicorn answers a request line or header over these itself, with an English page; under them the app
# answers in words (web.security: 414 over 8,000 characters of path and query, 431 over 8,192 of a header).
limit_request_line = 8190  # gunicorn's largest
limit_request_field_size = 16384

# A sync worker answering for longer than this is killed (the client gets no answer). gunicorn's default, 30 s,
# was shorter than the review page of a 5.000-row draft took before it was paged (17–37 s, issue 25); paged it
# takes under 1 s and the largest upload (5.000 rows, the 12 MB an XLSX may unpack to) is analysed in about 2 s
# (6 s on a busy 2-core machine). What a sync worker cannot shorten is receiving the upload itself: it reads the
# body, up to MAX_CONTENT_LENGTH (10 MB), from the client, and 10 MB over a 1 Mbit/s office link is 80 s. 120 s
# lets that upload through; behind a proxy that buffers request bodies (nginx does by default) 30 s would do.
timeout = 120


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
