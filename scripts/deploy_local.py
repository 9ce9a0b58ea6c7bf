"""`make deploy-local`: Peta Cakupan as several machines run it, on this one: two app instances (gunicorn, two
workers each) on two ports, sharing one PostgreSQL and one Redis. Ctrl-C stops everything and removes it.

Step by step (tests/test_deploy.py starts the same with `start()`):
1. PostgreSQL: a private server on 127.0.0.1 and a free port, in a temporary folder (tests/databases.py's
   Server: initdb, pg_ctl start), and one empty database; or the server of PETA_DEPLOY_POSTGRES_URL.
2. Redis: Debian's `redis-server` on 127.0.0.1 and a free port, nothing saved to disk.
3. One session secret for both instances (a session opened on one is valid on the other), in memory only.
4. The schema and the bundled data, once: `flask --app app coverage load-samples` on that database.
5. Two instances: `gunicorn --workers 2 --bind 127.0.0.1:PORT wsgi:app` from the checkout, each with its own
   instance folder (as two machines have) and the same PETA_DATABASE_URL, PETA_RATELIMIT_STORAGE_URI (Redis)
   and PETA_SECRET_KEY; ready when /health answers on both.
"""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.databases import Databases, Server, _free_port  # noqa: E402

BIN = Path(sys.executable).parent
READY_SECONDS = 90


def wait_until(ready, what: str, process: subprocess.Popen | None = None, log: Path | None = None) -> None:
    """Poll `ready()` until it is true; stop with the log's end when the process dies or time runs out."""
    deadline = time.monotonic() + READY_SECONDS
    while not ready():
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} stopped: {log.read_text()[-3000:] if log else ''}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {READY_SECONDS} s")
        time.sleep(0.2)


class RedisServer:
    """redis-server on 127.0.0.1 and a free port, no persistence, in its own folder; stop(), pause() to freeze."""

    def __init__(self, folder: Path):
        program = shutil.which("redis-server")
        if program is None:
            raise RuntimeError("redis-server is not installed. Install it with `sudo bash scripts/system-deps.sh`.")
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = folder / "redis.log"
        command = [program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with open(self.log, "wb") as output:
            self.process = subprocess.Popen([*command, "--dir", str(folder)], stdout=output, stderr=output)
        wait_until(self.answers, "redis-server", self.process, self.log)

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_timeout=0.5, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def pause(self) -> None:
        """Freeze it (SIGSTOP): connections open, no answers, as a Redis that hangs."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.resume()
            self.process.terminate()
            self.process.wait(timeout=20)


def fetch(port: int, path: str, timeout: float = 10) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def _healthy(port: int) -> bool:
    try:
        return fetch(port, "/health", timeout=2)[0] == 200
    except OSError:
        return False


@dataclass
class Instance:
    """One app instance: gunicorn with its own instance folder, on a free loopback port."""

    port: int
    folder: Path
    process: subprocess.Popen

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_instance(folder: Path, env: dict[str, str], workers: int) -> Instance:
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    command = [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "wsgi:app"]
    log = folder / "gunicorn.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**env, "PETA_INSTANCE_PATH": str(folder)}, stdout=output, stderr=output
        )
    instance = Instance(port, folder, process)
    wait_until(lambda: _healthy(port), f"gunicorn on port {port}", process, log)
    return instance


@dataclass
class Deployment:
    """What start() made: the shared database and Redis, the instances, and the environment they run with."""

    folder: Path
    database_url: str
    redis: RedisServer
    env: dict[str, str]
    instances: list[Instance] = field(default_factory=list)
    postgres: Server | None = None

    def flask(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        """Run `flask --app app …` against the shared database (e.g. `users create`)."""
        return subprocess.run(
            [str(BIN / "flask"), "--app", "app", *args],
            cwd=ROOT,
            env={**self.env, "PETA_INSTANCE_PATH": str(self.folder / "cli")},
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )

    def stop(self) -> None:
        """Stop the instances, Redis and the private PostgreSQL (each even when another fails) and remove them."""
        try:
            for instance in self.instances:
                instance.stop()
        finally:
            try:
                self.redis.stop()
            finally:
                if self.postgres is not None:
                    self.postgres.stop()
                shutil.rmtree(self.folder, ignore_errors=True)


def start(instances: int = 2, workers: int = 2, postgres: Databases | None = None) -> Deployment:
    """Steps 1–5 of the module's description; stop() the result to remove it all."""
    folder = Path(tempfile.mkdtemp(prefix="peta-deploy-"))
    own = None
    if postgres is None:
        url = os.environ.get("PETA_DEPLOY_POSTGRES_URL")
        postgres = Databases(url) if url else (own := Server())
    redis = None
    try:
        database_url = postgres.new_database()
        redis = RedisServer(folder)
        env = {
            **os.environ,
            "PETA_DATABASE_URL": database_url,
            "PETA_RATELIMIT_STORAGE_URI": redis.url,
            "PETA_SECRET_KEY": secrets.token_hex(32),
        }
        deployment = Deployment(folder, database_url, redis, env, postgres=own)
        loaded = deployment.flask("coverage", "load-samples")
        if loaded.returncode != 0:
            raise RuntimeError(f"coverage load-samples failed: {loaded.stdout}{loaded.stderr}")
        for number in range(instances):
            deployment.instances.append(start_instance(folder / f"instance-{number + 1}", env, workers))
        return deployment
    except BaseException:
        if redis is not None:
            redis.stop()
        if own is not None:
            own.stop()
        raise


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupt)
    deployment = start()
    try:
        print(f"PostgreSQL: {deployment.database_url}")
        print(f"Redis:      {deployment.redis.url}")
        for instance in deployment.instances:
            print(f"Instance:   http://127.0.0.1:{instance.port}/  (log: {instance.folder / 'gunicorn.log'})")
        print("An account: PETA_DATABASE_URL=<above> .venv/bin/flask --app app users create NAME. Ctrl-C stops.")
        while True:
            signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C (or the terminal's, sent to the whole group) must not leave servers behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        deployment.stop()
        print("Stopped and removed.")


if __name__ == "__main__":
    main()
