"""Faults (QUALITY.md reliability): the database going away in the middle of a request
leaves nothing half-written and says so clearly; the exam goes on once it is back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from tests.conftest import csrf_token
from tests.views.test_quiz_views import drill, right_answers, start  # noqa: F401 - fixture
from trainingapp.extensions import db
from trainingapp.models import AttemptQuestion, AttemptStatus, AuditEvent, QuizAttempt

pytestmark = pytest.mark.db


@contextmanager
def database_fails_at(app, prefix: str) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Every statement starting with ``prefix`` fails as a lost connection would."""

    def _fail(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(prefix):
            raise OperationalError(statement, None, ConnectionError("server closed the "
                                                                    "connection unexpectedly"))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", _fail)


def _first_answer(app, url):  # type: ignore[no-untyped-def]
    """The autosave form of question 1, answered."""
    fields = right_answers(app, url)
    return {"position": "1", **{k: v for k, v in fields.items()
                                if k == "q1" or k.startswith("q1-")}}


def _attempt(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        answered = db.session.scalars(select(AttemptQuestion.position).where(
            AttemptQuestion.attempt_id == attempt.id,
            AttemptQuestion.answered_at.is_not(None))).all()
        return attempt, answered


def test_a_submit_cut_off_half_way_keeps_nothing_and_succeeds_later(app, client, login_as,
                                                                    drill):  # noqa: F811
    login_as()
    url = start(client)
    token = csrf_token(client, url)
    assert client.post(f"{url}/autosave", data=_first_answer(app, url),
                       headers={"X-CSRFToken": token}).status_code == 200
    # the attempt's row is updated first; the audit row, written last, fails
    with database_fails_at(app, "INSERT INTO AUDIT_EVENT"):
        reply = client.post(f"{url}/submit", data={"csrf_token": token})
    assert reply.status_code == 503 and reply.headers["Retry-After"] == "5"
    page = reply.get_data(as_text=True)
    assert "Nothing from this request was saved" in page and "Traceback" not in page
    attempt, answered = _attempt(app)
    assert attempt.status == AttemptStatus.IN_PROGRESS and attempt.score is None
    assert answered == [1]  # the saved answer is still there
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "quiz_submitted")) is None
    assert client.post(f"{url}/submit", data={"csrf_token": token}).status_code == 302
    attempt, answered = _attempt(app)
    assert attempt.status == AttemptStatus.SUBMITTED and answered == [1]


def test_autosave_during_an_outage_is_refused_so_the_page_sends_it_again(app, client,
                                                                        login_as,
                                                                        drill):  # noqa: F811
    login_as()
    url = start(client)
    token = csrf_token(client, url)
    with database_fails_at(app, "UPDATE ATTEMPT_QUESTION"):
        lost = client.post(f"{url}/autosave", data=_first_answer(app, url),
                           headers={"X-CSRFToken": token})
    assert lost.status_code == 503  # quiz.js keeps the answer and retries
    assert _attempt(app)[1] == []
    again = client.post(f"{url}/autosave", data=_first_answer(app, url),
                        headers={"X-CSRFToken": token})
    assert again.status_code == 200 and _attempt(app)[1] == [1]


def test_a_page_while_the_database_is_gone_is_a_clear_error(app, client, login_as,
                                                            drill):  # noqa: F811
    login_as()
    with database_fails_at(app, "SELECT"):
        reply = client.get("/learn/")
    assert reply.status_code == 503
    assert "The service is unavailable" in reply.get_data(as_text=True)
    assert client.get("/learn/").status_code == 200  # and it recovers by itself


def _server_url(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        url = db.engine.url
    if url.get_backend_name() != "postgresql":
        pytest.skip("a server connection to end is PostgreSQL's")
    return url


def _end_backends(app, *, where: str = "") -> int:  # type: ignore[no-untyped-def]
    """Terminate the app's server connections (PostgreSQL), from a connection of our own,
    and wait until they are gone: as a restart or an administrator would."""
    url = _server_url(app)
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(False),
                         autocommit=True) as admin:
        return len(admin.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()" + where).fetchall())


def test_connections_the_server_ended_are_replaced_without_an_error(app, client, login_as,
                                                                    drill):  # noqa: F811
    """No ping per checkout: a pooled connection the server closed (a restart, a terminated
    backend) is seen at checkout, without a round trip, and replaced."""
    login_as()
    url = start(client)
    token = csrf_token(client, url)
    assert client.get("/learn/").status_code == 200
    with app.app_context():
        assert db.engine.pool.checkedin() >= 1  # idle connections the next requests would use
    assert _end_backends(app) >= 1
    assert client.get("/learn/").status_code == 200
    assert _end_backends(app) >= 1
    saved = client.post(f"{url}/autosave", data=_first_answer(app, url),
                        headers={"X-CSRFToken": token})
    assert saved.status_code == 200 and _attempt(app)[1] == [1]


def test_a_connection_lost_mid_request_is_a_503_and_the_next_request_works(app, client,
                                                                          login_as,
                                                                          drill):  # noqa: F811
    _server_url(app)
    login_as()
    url = start(client)
    token = csrf_token(client, url)
    with app.app_context():
        engine = db.engine

    def _end_own_backend(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if statement.startswith("UPDATE attempt_question"):
            _end_backends(app, where=f" AND pid = {conn.connection.dbapi_connection.info.backend_pid}")

    event.listen(engine, "before_cursor_execute", _end_own_backend)
    try:
        lost = client.post(f"{url}/autosave", data=_first_answer(app, url),
                           headers={"X-CSRFToken": token})
    finally:
        event.remove(engine, "before_cursor_execute", _end_own_backend)
    assert lost.status_code == 503 and lost.headers["Retry-After"] == "5"
    assert _attempt(app)[1] == []
    again = client.post(f"{url}/autosave", data=_first_answer(app, url),
                        headers={"X-CSRFToken": token})
    assert again.status_code == 200 and _attempt(app)[1] == [1]
