"""QUALITY.md security 5: hostile text through names, notes, typed call replies, lesson
Markdown and question text comes out inert; SQL metacharacters in searches and filters
are only text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import FIXTURES, csrf_token, login
from trainingapp.content.bank import load_bank
from trainingapp.content.sync import sync_bank
from trainingapp.extensions import db
from trainingapp.models import Role, User, utcnow

pytestmark = pytest.mark.db
SCRIPT = "<script>alert('x')</script>"
IMAGE = '<img src=x onerror="alert(1)">'
LINK = "[click](javascript:alert(1))"
SQL = "' OR 1=1; DROP TABLE user_account; --"


def _inert(page: str) -> None:
    """No script element, event-handler attribute or javascript: link made it in as markup
    (as escaped text it is harmless)."""
    assert not re.search(r"<script[^>]*>\s*alert", page)
    assert not re.search(r"<[a-z][^>]*\son\w+\s*=", page, re.IGNORECASE)
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", page, re.IGNORECASE)


@pytest.fixture
def hostile_bank(app, tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURES / "mini_bank", bank)
    lesson = bank / "modules" / "greeting" / "lessons" / "01-opening.en.md"
    lesson.write_text(lesson.read_text() + f"\n\n{SCRIPT}\n\n{IMAGE}\n\n{LINK}\n")
    questions = bank / "modules" / "greeting" / "questions.yaml"
    questions.write_text(questions.read_text().replace(
        '"An agent greets the caller and gives a staff number."',
        '"An agent greets the caller <script>alert(2)</script> and gives a staff number."'))
    with app.app_context():
        loaded = load_bank(bank)
        assert loaded.ok, loaded.problems
        sync_bank(loaded, utcnow())
        db.session.commit()


def test_content_with_markup_is_sanitised_or_escaped(app, client, make_user, hostile_bank):
    login(client, make_user("X001").employee_no)
    lesson = client.get("/learn/modules/greeting/lessons/opening").get_data(as_text=True)
    _inert(lesson)
    token = csrf_token(client, "/quizzes/")
    url = client.post("/quizzes/modules/greeting/start", data={"csrf_token": token}).location
    quiz = client.get(url).get_data(as_text=True)
    _inert(quiz)
    if "greets the caller" in quiz:
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in quiz


def test_names_notes_and_replies_are_escaped_everywhere_they_show(app, client, make_user):
    from tests.conftest import sync_fixture_bank

    sync_fixture_bank(app, "cert_bank")
    trainee = make_user("X002", team="t1")
    leader = make_user("X003", roles=(Role.SUPERVISOR,), team="t1", supervises="t1")
    hr = make_user("X004", roles=(Role.HR,))
    with app.app_context():
        person = db.session.get(User, trainee.id)
        person.full_name = f"Eve {SCRIPT} {IMAGE}"
        db.session.commit()
    own = app.test_client()
    login(own, trainee.employee_no)
    token = csrf_token(own, "/calls/")
    call = own.post("/calls/slow-wifi/start", data={"csrf_token": token}).location
    page = own.get(call).get_data(as_text=True)
    node = re.search(r'name="node" value="([^"]+)"', page)[1]
    own.post(f"{call}/turn", data={"csrf_token": token, "node": node,
                                   "reply": f"Hello {SCRIPT} {IMAGE}"})
    _inert(own.get(call).get_data(as_text=True))
    login(client, leader.employee_no)
    token = csrf_token(client, "/supervisor/assign")
    assigned = client.post("/supervisor/assign", data={
        "csrf_token": token, "people": str(trainee.id), "what": "module:greeting",
        "due": "2030-01-01", "note": f"Read this {SCRIPT} {IMAGE}"})
    assert assigned.status_code == 302
    for path in ("/supervisor/", f"/people/{trainee.id}"):
        _inert(client.get(path).get_data(as_text=True))
    _inert(own.get("/learn/").get_data(as_text=True))
    hr_client = app.test_client()
    login(hr_client, hr.employee_no)
    for path in ("/hr/matrix", f"/people/{trainee.id}", "/audit/"):
        _inert(hr_client.get(path).get_data(as_text=True))
    exported = hr_client.get("/hr/matrix?export=csv").get_data(as_text=True)
    assert "Eve <script>" in exported  # a CSV is data: kept as written, not as HTML


@pytest.mark.parametrize("path", ["/learn/search?q={}", "/hr/matrix?team={}&site={}",
                                  "/hr/?q={}", "/audit/?person={}&action={}"])
def test_sql_metacharacters_in_searches_and_filters_are_only_text(app, client, make_user,
                                                                   path):
    login(client, make_user("X005", roles=(Role.HR,)).employee_no)
    reply = client.get(path.format(*[SQL] * path.count("{}")))
    assert reply.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(User).where(User.employee_no == "X005")) is not None


@pytest.mark.parametrize(("method", "path", "data"), [
    ("post", "/login", {"employee_no": "T\x000001", "password": "x"}),
    ("get", "/learn/search?q=a%00b", None),
])
def test_a_nul_byte_anywhere_is_a_bad_request_not_a_database_error(client, method, path, data):
    if data is not None:
        data = {**data, "csrf_token": csrf_token(client)}  # past the CSRF check
    reply = getattr(client, method)(path, data=data)
    assert reply.status_code == 400
