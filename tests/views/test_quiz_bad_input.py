"""Hostile input to the quiz routes (issue 15): numbers out of range or in other scripts,
choices the page never offered. Each is a 4xx with a message, never a 500, and changes
nothing stored — the answer saved before stays."""

import html

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.views.test_quiz_views import (  # noqa: F401
    _set_quiz,
    drill,
    past_deadline,
    position_of,
    start,
)
from trainingapp.extensions import db
from trainingapp.models import AttemptQuestion, AttemptStatus, QuizAttempt
from trainingapp.services import quizzes

pytestmark = pytest.mark.db

HUGE = "9999999999999999999999999"


def _answer(app, position):
    with app.app_context():
        return db.session.scalar(select(AttemptQuestion.answer)
                                 .where(AttemptQuestion.position == position))


def _autosave(client, url, token, **fields):
    return client.post(f"{url}/autosave", data=fields, headers={"X-CSRFToken": token})


@pytest.mark.parametrize("suffix", [HUGE, str(2**31), str(2**63), "0"])
def test_an_attempt_id_out_of_range_is_not_found(client, login_as, drill, suffix):  # noqa: F811
    login_as()
    url = start(client)
    token = csrf_token(client, url)
    assert client.get(f"/quizzes/attempts/{suffix}").status_code == 404
    assert client.get(f"/quizzes/attempts/{suffix}/result").status_code == 404
    assert _autosave(client, f"/quizzes/attempts/{suffix}", token,
                     position="1", q1="true").status_code == 404


def test_an_attempt_id_in_other_digits_is_not_found(client, login_as, drill):  # noqa: F811
    login_as()
    url = start(client)
    attempt_id = url.rsplit("/", 1)[1]
    arabic = "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in attempt_id)
    assert client.get(f"/quizzes/attempts/{arabic}").status_code == 404


@pytest.mark.parametrize("position", ["100000000000000000000", "²", "١", "-1", "a", ""])
def test_autosave_refuses_a_position_that_is_no_number(app, client, login_as, drill,  # noqa: F811
                                                       position):
    login_as()
    url = start(client)
    response = _autosave(client, url, csrf_token(client, url), position=position, q1="true")
    assert response.status_code == 400
    assert response.json["saved"] is False and "nothing was saved" in response.json["error"]


@pytest.mark.parametrize(("kind", "bad"), [
    ("single", "99"), ("single", "-1"), ("single", "a"), ("single", "1" * 30), ("single", "²"),
    ("multiple", "99"), ("true_false", "maybe"), ("matching", "99"), ("ordering", "0"),
    ("ordering", "99"),
])
def test_autosave_refuses_a_choice_not_offered_and_keeps_the_answer(app, client, login_as,
                                                                    drill, kind, bad):  # noqa: F811
    login_as()
    url = start(client)
    token = csrf_token(client, url)
    p = position_of(app, kind)
    with app.app_context():
        item = next(i for i in quizzes.questions_of(db.session.scalar(select(QuizAttempt)))
                    if i.position == p)
        pair = item.version.content.get("pairs", [{"id": ""}])[0]["id"]
    good = {"single": {f"q{p}": "0"}, "multiple": {f"q{p}": "0"},
            "true_false": {f"q{p}": "true"}, "matching": {f"q{p}-{pair}": "0"},
            "ordering": {f"q{p}-0": "1"}}[kind]
    bad_fields = {name: bad for name in good}
    assert _autosave(client, url, token, position=str(p), **good).json["saved"] is True
    before = _answer(app, p)
    assert before is not None
    response = _autosave(client, url, token, position=str(p), **bad_fields)
    assert response.status_code == 422  # the page shows the message and does not retry
    assert response.json["saved"] is False
    assert "not one of the question's choices" in response.json["error"]
    assert _answer(app, p) == before  # not erased to "no answer"


def test_the_form_refuses_a_choice_not_offered_before_saving_anything(app, client, login_as,
                                                                      drill):  # noqa: F811
    login_as()
    url = start(client)
    single, yes_no = position_of(app, "single"), position_of(app, "true_false")
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "go": "finish",
                                      "shown": [str(yes_no), str(single)],
                                      f"q{yes_no}": "true", f"q{single}": "7"})
    assert response.status_code == 400
    assert "not one of the question's choices" in html.unescape(response.get_data(as_text=True))
    assert _answer(app, yes_no) is None and _answer(app, single) is None


@pytest.mark.parametrize(("field", "value"), [("shown", "²"), ("go", "²"),
                                              ("shown", "100000000000000000000"),
                                              ("go", "100000000000000000000")])
def test_the_form_refuses_a_number_in_other_digits_before_saving_anything(
        app, client, login_as, drill, field, value):  # noqa: F811
    login_as()
    url = start(client)
    yes_no = position_of(app, "true_false")
    data = {"csrf_token": csrf_token(client, url), "go": "1", "shown": [str(yes_no)],
            f"q{yes_no}": "true"}
    data[field] = [str(yes_no), value] if field == "shown" else value
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "is not a number this quiz knows: nothing was saved" in response.get_data(as_text=True)
    assert _answer(app, yes_no) is None  # refused before q1 was saved


@pytest.mark.parametrize("q", ["²", "100000000000000000000", "x"])
def test_the_page_number_in_the_query_is_checked(client, login_as, drill, q):  # noqa: F811
    login_as()
    url = start(client)
    assert client.get(f"{url}?q={q}").status_code == 400
    assert client.get(f"{url}?q=2").status_code == 200


def test_a_refused_start_keeps_the_timed_out_last_attempt_closed(app, client, login_as,
                                                                  drill):  # noqa: F811
    _set_quiz(app, attempts_allowed=1)
    login_as()
    start(client)
    past_deadline(app, hours=3)
    response = client.post("/quizzes/modules/drill/start",
                           data={"csrf_token": csrf_token(client, "/quizzes/")})
    assert response.location == "/quizzes/"  # refused: no attempts left
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        assert attempt.status == AttemptStatus.EXPIRED and attempt.finished_at is not None


def test_every_number_in_a_url_is_a_bounded_id(app):
    from werkzeug.routing.converters import NumberConverter

    from trainingapp.converters import IdConverter

    numbers = [(rule.rule, c) for rule in app.url_map.iter_rules()
               for c in rule._converters.values() if isinstance(c, NumberConverter)]
    assert numbers  # the attempts, runs, people… are there
    assert [r for r, c in numbers if not isinstance(c, IdConverter)] == []


@pytest.mark.parametrize(("role", "path"), [("admin", "/admin/"), ("hr", "/audit/"),
                                            ("hr", "/hr/matrix")])
@pytest.mark.parametrize("page", ["100000000000000000000", "²", "x"])
def test_a_list_s_page_number_is_checked(app, client, login_as, role, path, page):
    from trainingapp.models import Role

    login_as({"admin": Role.ADMIN, "hr": Role.HR}[role])
    response = client.get(f"{path}?page={page}")
    assert response.status_code == 400
    assert "is not a number this page knows" in response.get_data(as_text=True)
    assert client.get(f"{path}?page=2").status_code < 400  # a page past the last is no error
