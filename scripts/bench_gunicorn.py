"""gunicorn settings for `make bench`: the project's own (gunicorn.conf.py) plus a warm-up in every worker.

Each worker, once its app is loaded and before it takes a connection, renders one map view that the bench never
times (BENCH_WARM_PATH) and writes how long that took to BENCH_READY_DIR/<pid>. So the bench waits for every
worker to be warm and reports the warm-up apart: a "cold" render it times afterwards is the first render of a
new view in a warm worker, not the worker's first request.
"""

import os
import time
from pathlib import Path

from werkzeug.test import Client

exec(compile(Path("gunicorn.conf.py").read_text(encoding="utf-8"), "gunicorn.conf.py", "exec"))  # noqa: S102


def post_worker_init(worker):
    """Warm this worker with one untimed view, then say so (the bench reads the file)."""
    start = time.perf_counter()
    response = Client(worker.wsgi).get(os.environ["BENCH_WARM_PATH"], headers={"Accept-Encoding": "br, gzip"})
    seconds = time.perf_counter() - start
    ready = Path(os.environ["BENCH_READY_DIR"]) / str(os.getpid())
    ready.write_text(f"{response.status_code} {seconds:.4f}\n", encoding="utf-8")
