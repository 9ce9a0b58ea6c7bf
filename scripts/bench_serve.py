"""Serving for `make bench`: gunicorn with warmed workers on pinned CPUs, and a one-request HTTP client."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
ACCEPT = "gzip, deflate, br, zstd"  # what Chromium sends


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_split() -> tuple[set[int], set[int], str]:
    """CPUs for the servers and for the load client: apart when there are two or more, else shared."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) < 2:
        return set(cpus), set(cpus), "not pinned (one CPU): the load client shares it with the servers"
    half = len(cpus) // 2
    server, client = set(cpus[:half]), set(cpus[half:])
    return server, client, f"server workers pinned to CPU {sorted(server)}, the load client to CPU {sorted(client)}"


SERVER_CPUS, CLIENT_CPUS, PINNING = cpu_split()


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    workers: dict[int, float]  # worker pid -> seconds its warm-up render took

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def cpu_seconds(self) -> float:
        """User + system CPU time the workers have used so far (from /proc)."""
        total = 0
        for pid in self.workers:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return total / os.sysconf("SC_CLK_TCK")


def serve(name: str, target: str, warm_path: str) -> Server:
    """gunicorn with WORKERS workers on SERVER_CPUS; returns once every worker has rendered `warm_path`."""
    port = free_port()
    ready = Path(tempfile.mkdtemp(prefix="bench-ready-"))
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        *("--config", str(ROOT / "scripts" / "bench_gunicorn.py")),
        *("--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}", "--log-level", "warning"),
        *("--pythonpath", f"{ROOT},{ROOT / 'scripts'}", target),
    ]
    environment = {**os.environ, "BENCH_WARM_PATH": warm_path, "BENCH_READY_DIR": str(ready)}
    pin = (lambda: os.sched_setaffinity(0, SERVER_CPUS)) if SERVER_CPUS else None
    process = subprocess.Popen(command, cwd=ROOT, env=environment, preexec_fn=pin)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{name}: gunicorn stopped (exit {process.returncode}). Hint: run `make setup` first.")
        files = list(ready.iterdir())
        if len(files) == WORKERS and all(f.read_text().endswith("\n") for f in files):
            workers = {}
            for file in files:
                status, seconds = file.read_text().split()
                assert status == "200", f"{name}: warm-up {warm_path} answered {status}"
                workers[int(file.name)] = float(seconds)
            shutil.rmtree(ready)
            return Server(name, port, process, workers)
        time.sleep(0.2)
    process.kill()
    sys.exit(f"{name}: its {WORKERS} workers were not warm on 127.0.0.1:{port} within 120 s.")


@dataclass
class Answer:
    status: int
    body: bytes  # as sent on the wire (compressed when Content-Encoding says so)
    header_bytes: int
    encoding: str
    seconds: float

    @property
    def wire(self) -> int:
        return len(self.body) + self.header_bytes


def get(server: Server, path: str, accept: str = ACCEPT, headers: dict | None = None) -> Answer:
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": accept, **(headers or {})})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    seconds = time.perf_counter() - start
    header_bytes = len(f"HTTP/1.1 {response.status} {response.reason}\r\n") + len(str(response.msg))
    return Answer(response.status, body, header_bytes, response.getheader("Content-Encoding") or "identity", seconds)


def decoded(answer: Answer) -> str:
    if answer.encoding == "br":
        import brotli

        return brotli.decompress(answer.body).decode()
    if answer.encoding == "gzip":
        import gzip

        return gzip.decompress(answer.body).decode()
    if answer.encoding == "zstd":
        from backports import zstd

        return zstd.decompress(answer.body).decode()
    return answer.body.decode()
