"""Scale-out: two app processes (gunicorn, deploy/gunicorn.conf.py) on different ports,
sharing one database and one Redis. A session started on one is good on the other, and
the login throttle counts failures across both."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
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


class Instance:
    """One app process under gunicorn (deploy/gunicorn.conf.py) on a free port."""

    def __init__(self, url: str, secret: str, log: Path, redis_url: str = "memory://") -> None:
        port = _free_port()
        env = {**os.environ, "TRAININGAPP_ENV": "development",
               "TRAININGAPP_DATABASE_URL": url, "TRAININGAPP_SECRET_KEY": secret,
               "TRAININGAPP_RATELIMIT_STORAGE_URL": redis_url,
               "TRAININGAPP_BIND": f"127.0.0.1:{port}", "TRAININGAPP_WORKERS": "1",
               "TRAININGAPP_LOG_LEVEL": "warning", "TRAININGAPP_ACCESS_LOG": ""}
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.base = f"http://127.0.0.1:{port}"
        _wait_ready(self.base)

    def kill(self) -> None:
        """As a crash or a pulled plug would: no clean shutdown, workers too."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.log.close()


@pytest.fixture
def two_instances(migrated_url: str, redis_url: str, tmp_path: Path) -> Iterator[list[str]]:
    secret = uuid.uuid4().hex * 2
    instances = [Instance(migrated_url, secret, tmp_path / f"instance{n}.log", redis_url)
                 for n in range(2)]
    try:
        yield [instance.base for instance in instances]
    finally:
        for instance in instances:
            instance.stop()


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


def test_a_killed_server_loses_no_saved_answer_and_the_exam_resumes(app, migrated_url,
                                                                   make_user, tmp_path):
    from sqlalchemy import select

    from tests.conftest import sync_fixture_bank
    from trainingapp.extensions import db
    from trainingapp.models import AttemptQuestion, QuizAttempt
    from trainingapp.services import quizzes

    sync_fixture_bank(app, "quiz_bank")
    person = make_user(f"KS{uuid.uuid4().hex[:6]}")
    secret = uuid.uuid4().hex * 2
    first = Instance(migrated_url, secret, tmp_path / "first.log")
    browser = Browser()
    try:
        assert browser.login(first.base, person.employee_no, PASSWORD) == 302
        _, page = browser.get(first.base + "/quizzes/")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
        assert browser.post(first.base + "/quizzes/modules/drill/start",
                            {"csrf_token": token}) == 302
        with app.app_context():
            attempt = db.session.scalar(select(QuizAttempt).where(
                QuizAttempt.user_id == person.id))
            simple = {"single": "0", "multiple": "0", "true_false": "true", "numeric": "42",
                      "short_text": "first contact"}
            item = next(i for i in quizzes.questions_of(attempt)
                        if i.version.content["type"] in simple)
            answer = simple[item.version.content["type"]]
        url = f"{first.base}/quizzes/attempts/{attempt.id}"
        request = urllib.request.Request(url + "/autosave", urllib.parse.urlencode(
            {"position": str(item.position), f"q{item.position}": answer}).encode(),
            headers={"X-CSRFToken": token})
        with browser.opener.open(request, timeout=10) as reply:
            assert reply.status == 200
    finally:
        first.kill()
    second = Instance(migrated_url, secret, tmp_path / "second.log")
    try:
        status, page = browser.get(f"{second.base}/quizzes/attempts/{attempt.id}")
        assert status == 200  # the same session, the same attempt, on a new process
        assert browser.post(second.base + "/quizzes/modules/drill/start",
                            {"csrf_token": token}) == 302
        with app.app_context():
            attempts = db.session.scalars(select(QuizAttempt).where(
                QuizAttempt.user_id == person.id)).all()
            saved = db.session.get(AttemptQuestion, item.id)
            assert len(attempts) == 1 and attempts[0].is_open  # resumed, not a second one
            assert saved.answered_at is not None and saved.answer is not None
    finally:
        second.stop()
