"""Faults (QUALITY.md reliability): the database going away in the middle of a request
leaves nothing half-written and says so clearly; the exam goes on once it is back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
