"""A small limit on heavy exports, shared by every worker of a machine (not a blueprint: exports and briefs use it)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from werkzeug.exceptions import ServiceUnavailable

RETRY_SECONDS = 10


@contextmanager
def export_slot() -> Iterator[None]:
    """One of PETA_EXPORT_SLOTS places for making an export, shared by every worker on this machine.

    A lock file per place (flock, released by the system even when a worker is killed): with sync gunicorn
    workers a lock per process would never wait, and eight PNG exports could take every worker from the pages.
    When every place is taken the answer is a 503 with Retry-After, at once.
    """
    folder = Path(current_app.instance_path)
    for slot in range(max(1, int(current_app.config["EXPORT_SLOTS"]))):
        descriptor = os.open(folder / f"export-slot-{slot}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        try:
            yield
        finally:
            os.close(descriptor)  # closing releases the lock
        return
    raise ServiceUnavailable(
        _(
            "Server sedang membuat ekspor lain. Coba lagi dalam %(seconds)s detik; peta di layar tetap bisa dipakai.",
            seconds=RETRY_SECONDS,
        ),
        retry_after=RETRY_SECONDS,
    )
