"""The many-machine deployment of `make deploy-local` (scripts/deploy_local.py): two gunicorn instances with two
workers each, one PostgreSQL, one Redis. Limits, sessions, publishes, withdrawals and cached pages agree across
the instances, and sign-in keeps working when Redis hangs or stops. Slow: it uses the run's PostgreSQL."""

from __future__ import annotations

import http.client
import json
import re
import time
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest

from scripts.deploy_local import start

PASSWORD = "kata-sandi-panjang"
CSV = "kode,wilayah,peserta,pekerja\n6211,KAB. PULANG PISAU,{participants},100.000\n"


@pytest.fixture(scope="module")
def deployment(postgres):
    deployment = start(postgres=postgres)
    try:
        created = deployment.flask(
            "users", "create", "editor1", "--role", "editor", "--by", "uji", stdin=f"{PASSWORD}\n" * 2
        )
        assert created.returncode == 0, created.stderr
        yield deployment
    finally:
        deployment.stop()


class Visitor:
    """One browser: cookies for 127.0.0.1 go to every port (as to every instance behind one address)."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sent = {**(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, text, response
        finally:
            connection.close()

    def sign_in(self, port: int, name: str, password: str) -> int:
        _, page, _ = self.request(port, "GET", "/masuk")
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
        form = urlencode({"name": name, "password": password, "csrf_token": token}).encode()
        status, _, _ = self.request(port, "POST", "/masuk", form, {"Content-Type": "application/x-www-form-urlencoded"})
        return status


def test_wrong_passwords_are_counted_exactly_across_instances_and_workers(deployment):
    first, second = (instance.port for instance in deployment.instances)
    guesser = Visitor()
    answers = [guesser.sign_in(first if n % 2 else second, "editor1", f"tebakan-{n:04d}") for n in range(11)]
    assert answers == [401] * 10 + [429]  # the promised 10, not 10 per worker (40 before)
    assert guesser.sign_in(first, "editor1", PASSWORD) == 429
    assert guesser.sign_in(second, "editor1", PASSWORD) == 429


def test_a_session_opened_on_one_instance_is_valid_on_the_other(deployment):
    first, second = (instance.port for instance in deployment.instances)
    visitor = Visitor()
    created = deployment.flask("users", "create", "editor2", "--role", "editor", stdin=f"{PASSWORD}\n" * 2)
    assert created.returncode == 0, created.stderr
    assert visitor.sign_in(first, "editor2", PASSWORD) == 302
    assert visitor.request(second, "GET", "/kelola")[0] == 200


def upload(port: int, token: str, participants: str, period: str) -> dict:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="period"\r\n\r\n{period}\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\nBPJS Ketenagakerjaan\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\n{CSV.format(participants=participants)}\r\n",
        f"--{boundary}--\r\n",
    ]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"}
    status, text, _ = Visitor().request(port, "POST", "/api/uploads", "".join(parts).encode(), headers)
    assert status == 201, text
    draft = json.loads(text)
    auth = {"Authorization": f"Bearer {token}"}
    status, text, _ = Visitor().request(port, "POST", f"/api/uploads/{draft['id']}/publish", None, auth)
    assert status == 201, text
    return json.loads(text)


def coverage_of_pulang_pisau(port: int, period: str) -> float | None:
    status, text, _ = Visitor().request(port, "GET", f"/api/coverage.geojson?scope=62&period={period}")
    if status != 200:
        return None
    return next(
        f["properties"]["coverage_pct"] for f in json.loads(text)["features"] if f["properties"]["code"] == "62.11"
    )


def test_a_publish_and_a_withdrawal_on_one_instance_are_seen_on_the_other(deployment):
    first, second = (instance.port for instance in deployment.instances)
    token = deployment.flask("tokens", "create", "editor1", "--by", "uji").stdout.strip()
    upload(first, token, "41.300", "2026-02")
    for _ in range(4):  # every worker of the other instance, its cached pages included
        assert coverage_of_pulang_pisau(second, "2026-02") == 41.3
    upload(first, token, "50.000", "2026-02")
    assert {coverage_of_pulang_pisau(second, "2026-02") for _ in range(4)} == {50.0}
    headers = {"Authorization": f"Bearer {token}"}
    status, text, _ = Visitor().request(second, "POST", "/api/periods/2026-02/withdraw", None, headers)
    assert status == 200, text
    assert {coverage_of_pulang_pisau(first, "2026-02") for _ in range(4)} == {None}


def timed_sign_in(port: int, name: str) -> tuple[int, float]:
    """A sign-in (the form, then the post) and the seconds it took."""
    started = time.monotonic()
    status = Visitor().sign_in(port, name, PASSWORD)
    return status, time.monotonic() - started


def test_sign_in_keeps_working_when_redis_hangs_then_stops(deployment):
    """Within a second of an ordinary sign-in (the machine's load is measured first, Redis up): 30 s before."""
    first, _second = (instance.port for instance in deployment.instances)
    created = deployment.flask("users", "create", "editor3", "--role", "editor", stdin=f"{PASSWORD}\n" * 2)
    assert created.returncode == 0, created.stderr
    ordinary = [timed_sign_in(first, "editor3") for _ in range(3)]
    assert all(status == 302 for status, _ in ordinary), ordinary
    allowed = 1.0 + max(seconds for _, seconds in ordinary)
    deployment.redis.pause()  # frozen: connections open, no answers
    try:
        frozen = [timed_sign_in(first, "editor3") for _ in range(3)]
    finally:
        deployment.redis.resume()
    deployment.redis.stop()  # gone: connection refused
    stopped = [timed_sign_in(first, "editor3") for _ in range(3)]
    for answers in (frozen, stopped):
        assert all(status == 302 for status, _ in answers), answers
        assert max(seconds for _, seconds in answers) < allowed, (ordinary, frozen, stopped)
    log = "".join((instance.folder / "gunicorn.log").read_text() for instance in deployment.instances)
    assert "PETA_RATELIMIT_STORAGE_URI does not answer" in log
