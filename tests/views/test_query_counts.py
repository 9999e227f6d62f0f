"""QUALITY.md Q1: the queries of every page that matters, in a generated organisation and
in one ten times its size: the counts are identical, and within the budgets."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import (
    audit_log_unlocked,
    count_queries,
    csrf_token,
    login,
    sync_fixture_bank,
)
from trainingapp.caches import process_cache
from trainingapp.extensions import db
from trainingapp.models import Role
from trainingapp.ops import demo, generate
from trainingapp.services import api_tokens

pytestmark = pytest.mark.db
CONTENT = {"module", "lesson", "question", "question_version", "track", "rubric", "call",
           "call_version", "content_release"}
BUDGETS = {"quiz page": 5, "autosave": 3, "submit": 10, "clearance API": 3,
           "clearance API, 20 people": 3}


def _world(app: Flask, staff: int) -> None:
    """An organisation of ``staff`` with years of history, and a new hire (C00001)."""
    with app.app_context():
        with audit_log_unlocked(db.session.connection()):
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in CONTENT:
                    db.session.execute(table.delete())
        db.session.commit()
        process_cache.forget()
        generate.generate(staff, 3, seed=5, now=datetime.now(UTC), cohort=1)
        db.session.commit()


def _signed_in(app: Flask, employee_no: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, employee_no, demo.DEMO_PASSWORD).status_code == 302
    client.get("/learn/")  # tracks and question pool cached, as on a running server
    return client


def _count(app: Flask, request: Callable[[], object]) -> int:
    with count_queries(app) as queries:
        request()
    return len(queries)


def _measure(app: Flask, hr_number: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    trainee = _signed_in(app, "C00001")
    counts["trainee home"] = _count(app, lambda: trainee.get("/learn/"))
    counts["module page"] = _count(app, lambda: trainee.get("/learn/modules/greeting"))
    token = csrf_token(trainee, "/quizzes/")
    url = trainee.post("/quizzes/modules/greeting/start", data={"csrf_token": token}).location
    counts["quiz page"] = _count(app, lambda: trainee.get(url))
    counts["autosave"] = _count(app, lambda: trainee.post(
        f"{url}/autosave", data={"position": "1", "q1": ""}, headers={"X-CSRFToken": token}))
    counts["submit"] = _count(app, lambda: trainee.post(f"{url}/submit",
                                                        data={"csrf_token": token}))
    call = trainee.post("/calls/slow-wifi/start", data={"csrf_token": token}).location
    page = trainee.get(call).get_data(as_text=True)
    node = re.search(r'name="node" value="([^"]+)"', page)[1]
    choice = re.search(r'name="choice" value="(\d+)"', page)[1]
    counts["call turn"] = _count(app, lambda: trainee.post(
        f"{call}/turn", data={"csrf_token": token, "node": node, "choice": choice}))
    leader = _signed_in(app, "G000001")
    counts["team page"] = _count(app, lambda: leader.get("/supervisor/"))
    hr = _signed_in(app, hr_number)
    hr.get("/hr/matrix")  # counted once a minute: the second view is what HR pages through
    counts["HR matrix page"] = _count(app, lambda: hr.get("/hr/matrix"))
    for page, path in (("analysis", "/analysis/"), ("module analysis", "/analysis/modules/greeting"),
                       ("call analysis", "/analysis/calls/slow-wifi")):
        process_cache.forget("analysis_index", "analysis_module", "analysis_call")  # first view
        counts[page] = _count(app, lambda path=path: hr.get(path))
    with app.app_context():
        _, plain = api_tokens.create(f"q1-{hr_number}")
        db.session.commit()
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {plain}"}
    counts["clearance API"] = _count(app, lambda: api.get("/api/v1/clearance/G000002",
                                                          headers=bearer))
    numbers = [f"G{n:06d}" for n in range(2, 22)]
    counts["clearance API, 20 people"] = _count(app, lambda: api.post(
        "/api/v1/clearance", json={"employee_nos": numbers}, headers=bearer))
    return counts


def test_every_page_runs_the_same_queries_at_ten_times_the_data(app, make_user):
    sync_fixture_bank(app, "cert_bank")
    _world(app, 24)
    hr = make_user("HRQ1", roles=(Role.HR,), password=demo.DEMO_PASSWORD)
    small = _measure(app, hr.employee_no)
    _world(app, 240)
    hr = make_user("HRQ1", roles=(Role.HR,), password=demo.DEMO_PASSWORD)
    large = _measure(app, hr.employee_no)
    assert small == large
    over = {page: n for page, n in small.items() if n > BUDGETS.get(page, n)}
    assert not over, over
