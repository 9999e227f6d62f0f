"""Scale-out: two app processes (gunicorn, deploy/gunicorn.conf.py) on different ports,
sharing one database and one Redis. A session started on one is good on the other, and
the login throttle counts failures across both."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/0"
pytestmark = pytest.mark.db


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis not reachable at 127.0.0.1:6379")
    return REDIS_URL


@pytest.fixture
def two_instances(migrated_url: str, redis_url: str, tmp_path: Path) -> Iterator[list[str]]:
    secret = uuid.uuid4().hex * 2
    processes, bases, logs = [], [], []
    for n in range(2):
        port = _free_port()
        env = {**os.environ, "TRAININGAPP_ENV": "development",
               "TRAININGAPP_DATABASE_URL": migrated_url, "TRAININGAPP_SECRET_KEY": secret,
               "TRAININGAPP_RATELIMIT_STORAGE_URL": redis_url,
               "TRAININGAPP_BIND": f"127.0.0.1:{port}", "TRAININGAPP_WORKERS": "1",
               "TRAININGAPP_LOG_LEVEL": "warning", "TRAININGAPP_ACCESS_LOG": ""}
        log = (tmp_path / f"instance{n}.log").open("w")
        logs.append(log)
        processes.append(subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base in bases:
            _wait_ready(base)
        yield bases
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)
        for log in logs:
            log.close()


def _wait_ready(base: str) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=5) as reply:
                if reply.status == 200:
                    return
        except OSError:  # not listening yet, or still starting
            time.sleep(0.1)
    raise AssertionError(f"{base} did not start")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Browser:
    """A browser: one cookie jar for 127.0.0.1, whatever the port (as browsers do)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def get(self, url: str) -> tuple[int, str]:
        try:
            with self.opener.open(url, timeout=10) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, url: str, data: dict[str, str]) -> int:
        try:
            with self.opener.open(url, urllib.parse.urlencode(data).encode(), timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as error:
            return error.code

    def login(self, base: str, employee_no: str, password: str) -> int:
        _, page = self.get(base + "/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert token, page[:500]
        return self.post(base + "/login", {"employee_no": employee_no, "password": password,
                                           "csrf_token": token[1]})


def test_a_session_and_the_login_throttle_carry_across_instances(two_instances, make_user):
    first, second = two_instances
    person = make_user(f"SO{uuid.uuid4().hex[:6]}")
    browser = Browser()
    assert browser.login(first, person.employee_no, PASSWORD) == 302
    status, page = browser.get(second + "/learn/")
    assert status == 200 and person.full_name in page  # signed in on the other instance
    # ten failures, alternating instances; the eleventh try is refused on both
    target = make_user(f"TH{uuid.uuid4().hex[:6]}")
    for attempt in range(10):
        assert Browser().login((first, second)[attempt % 2], target.employee_no,
                               "wrong-password!") == 200
    assert Browser().login(first, target.employee_no, PASSWORD) == 429
    assert Browser().login(second, target.employee_no, PASSWORD) == 429
    # signing out on one instance ends the session on both
    _, page = browser.get(second + "/learn/")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert browser.post(second + "/logout", {"csrf_token": token[1]}) == 302
    assert browser.get(first + "/learn/")[0] == 302
