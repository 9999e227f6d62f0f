"""Round trips to PostgreSQL per request (issue 16): every exchange with the server is
counted from libpq's trace, transaction control and pings included, which the query
counts (test_query_counts.py) leave out. Skipped on SQLite.

Before (a ping per checkout, a transaction round each read ran in, prepared statements
dropped at every ROLLBACK): quiz page 6, autosave 9, clearance API 6, trainee home 14
(11 queries; 10 now, the header's unread count loaded with the user), exam start 19."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask

from tests.conftest import (
    count_queries,
    count_round_trips,
    csrf_token,
    sync_fixture_bank,
)
from tests.views.test_query_counts import _signed_in, _world
from trainingapp.extensions import db
from trainingapp.ops import demo
from trainingapp.services import api_tokens

pytestmark = pytest.mark.db
BEFORE = {"quiz page": 6, "autosave": 9, "clearance API": 6, "trainee home": 14, "start": 19}
EXPECTED = {
    "quiz page": ["SELECT user_account", "SELECT quiz_attempt", "SELECT attempt_question"],
    "autosave": ["SELECT user_account", "SELECT attempt_question", "BEGIN",
                 "UPDATE attempt_question", "COMMIT"],
    "clearance API": ["SELECT api_token", "SELECT user_account", "SELECT quiz_attempt"],
    "start": ["SELECT user_account", "SELECT module", "SELECT quiz_attempt",
              "SELECT content_release", "BEGIN", "INSERT quiz_attempt",
              "INSERT attempt_question", "INSERT audit_event", "COMMIT"],
}
WARM = 12  # runs before counting: psycopg prepares a statement at its fifth run


def _kind(statement: str) -> str:
    """"SELECT <first table>", "INSERT <table>", "UPDATE <table>", or the command."""
    words = statement.split()
    if not words:
        return statement
    if words[0] == "SELECT":
        while (flat := re.sub(r"\([^()]*\)", "", statement)) != statement:  # no subqueries
            statement = flat
        found = re.search(r"\bFROM (\w+)", statement)
        return f"SELECT {found[1] if found else ''}"
    if words[0] == "INSERT":
        return f"INSERT {words[2]}"
    if words[0] == "UPDATE":
        return f"UPDATE {words[1]}"
    return words[0]


def _steady(app: Flask, request: Callable[[int], object]) -> tuple[list[list[str]], int, int]:
    """Three runs after the warm-up: what each sent, how many ran prepared statements, and
    how many queries each ran by count_queries' measure."""
    with count_round_trips(app) as trips:
        for n in range(WARM):
            request(n)
        runs, prepared = [], 0
        with count_queries(app) as queries:
            for n in range(WARM, WARM + 3):
                trips.clear()
                request(n)
                runs.append([_kind(s) for s in trips.statements()])
                prepared += trips.prepared_runs
    return runs, prepared, len(queries) // 3


@pytest.fixture
def world(app, make_user):  # type: ignore[no-untyped-def]
    sync_fixture_bank(app, "cert_bank")
    _world(app, 24)
    trainee = _signed_in(app, "C00001")
    token = csrf_token(trainee, "/quizzes/")
    attempt = trainee.post("/quizzes/modules/greeting/start", data={"csrf_token": token}).location
    return trainee, token, attempt


def _ok(reply, status=200):  # type: ignore[no-untyped-def]
    assert reply.status_code == status, reply.get_data(as_text=True)[:300]
    return reply


def test_the_quiz_page_autosave_and_clearance_send_their_queries_and_nothing_else(app, world):
    trainee, token, attempt = world
    with app.app_context():
        _, plain = api_tokens.create("round-trips")
        db.session.commit()
    api, bearer = app.test_client(), {"Authorization": f"Bearer {plain}"}
    requests = {
        "quiz page": lambda n: _ok(trainee.get(attempt)),
        "autosave": lambda n: _ok(trainee.post(f"{attempt}/autosave",
                                               data={"position": "1", "q1": ""},
                                               headers={"X-CSRFToken": token})),
        "clearance API": lambda n: _ok(api.get("/api/v1/clearance/G000002",
                                               headers=bearer)),
    }
    for name, request in requests.items():
        runs, prepared, queries = _steady(app, request)
        assert runs == [EXPECTED[name]] * 3, (name, runs)
        assert len(EXPECTED[name]) < BEFORE[name]
        # every query ran as a statement prepared on the server before (none parsed again)
        assert prepared == 3 * queries, (name, prepared, queries)


def test_a_signed_in_page_sends_its_queries_and_no_transaction_or_ping(app, world):
    trainee, _token, _attempt = world
    runs, prepared, queries = _steady(app, lambda n: _ok(trainee.get("/learn/")))
    assert runs[0] == runs[1] == runs[2]
    assert len(runs[0]) == queries < BEFORE["trainee home"]
    assert not {"BEGIN", "COMMIT", "ROLLBACK", ";", "DEALLOCATE"} & set(runs[0]), runs[0]
    assert "SELECT notification" not in runs[0]  # the header's count came with the user
    assert prepared == 3 * queries


def test_an_exam_start_is_one_transaction_of_three_inserts(app, world, make_user):
    people = [make_user(f"RT{n:02d}", password=demo.DEMO_PASSWORD) for n in range(WARM + 3)]
    clients = [_signed_in(app, person.employee_no) for person in people]
    tokens = [csrf_token(client, "/quizzes/") for client in clients]
    runs, prepared, queries = _steady(app, lambda n: _ok(clients[n].post(
        "/quizzes/modules/greeting/start", data={"csrf_token": tokens[n]}), 302))
    assert runs == [EXPECTED["start"]] * 3, runs
    assert len(EXPECTED["start"]) < BEFORE["start"]
    assert prepared == 3 * queries
