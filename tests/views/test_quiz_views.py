"""Taking a quiz through the pages: every question type, with and without JavaScript,
what the page may never show, query budgets, and who may see what."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import count_queries, csrf_token, login, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import (
    AttemptQuestion,
    AttemptStatus,
    Module,
    QuestionReport,
    QuizAttempt,
    Role,
)
from trainingapp.services import quizzes

KEY_WORDS = ("SECRET-EXPLANATION", "correct", "weight", "accepted", "first-contact responsibility")


@pytest.fixture
def drill(app):
    sync_fixture_bank(app, "quiz_bank")


def start(client, slug="drill"):
    response = client.post(f"/quizzes/modules/{slug}/start",
                           data={"csrf_token": csrf_token(client, "/quizzes/")})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.location


def right_answers(app, attempt_url):
    """Form fields answering every question of the attempt correctly."""
    attempt_id = int(re.search(r"/attempts/(\d+)", attempt_url).group(1))
    data = {}
    with app.app_context():
        items = quizzes.questions_of(db.session.get(QuizAttempt, attempt_id))
        for item in items:
            content, order, name = item.version.content, item.display_order, f"q{item.position}"
            data.setdefault("shown", []).append(str(item.position))
            kind = content["type"]
            if kind == "single":
                data[name] = str(order.index(next(o["id"] for o in content["options"] if o.get("correct"))))
            elif kind == "multiple":
                data[name] = [str(order.index(o["id"])) for o in content["options"] if o.get("correct")]
            elif kind == "true_false":
                data[name] = "true" if content["answer"] else "false"
            elif kind == "numeric":
                data[name] = str(content["answer"])
            elif kind == "short_text":
                data[name] = "  FIRST-CONTACT Responsibility "
            elif kind == "ordering":
                correct = [i["id"] for i in content["items"]]
                for k, item_id in enumerate(order):
                    data[f"{name}-{k}"] = str(correct.index(item_id) + 1)
            elif kind == "matching":
                for pair in content["pairs"]:
                    data[f"{name}-{pair['id']}"] = str(order.index(pair["id"]))
    return data


def test_all_seven_types_answered_without_javascript_pass(app, client, login_as, drill):
    login_as()
    url = start(client)
    page = client.get(url).get_data(as_text=True)
    assert page.count('class="question card"') == 7  # all on one page
    data = right_answers(app, url)
    response = client.post(url, data={**data, "csrf_token": csrf_token(client, url),
                                      "go": "finish"})
    assert response.location == f"{url}/finish"
    finish = client.get(f"{url}/finish").get_data(as_text=True)
    assert "Every question is answered." in finish
    result = client.post(f"{url}/submit", data={"csrf_token": csrf_token(client, url)})
    page = client.get(result.location).get_data(as_text=True)
    assert "Passed" in page and "<strong>100%</strong>" in page
    assert "SECRET-EXPLANATION-ORDER" in page  # the review, after the attempt


def test_the_attempt_page_and_its_json_never_show_the_key(app, client, login_as, drill):
    login_as()
    url = start(client)
    page = client.get(url).get_data(as_text=True)
    for word in KEY_WORDS:
        assert word not in page, word
    assert 'value="a"' not in page and 'value="b"' not in page  # bank ids stay on the server
    token = csrf_token(client, url)
    saved = client.post(f"{url}/autosave", data={"position": "1", "q1": ""},
                        headers={"X-CSRFToken": token})
    assert set(saved.json) == {"saved", "position", "answered"}
    finish = client.get(f"{url}/finish").get_data(as_text=True)
    for word in KEY_WORDS:
        assert word not in finish, word


def position_of(app, kind):
    with app.app_context():
        for item in quizzes.questions_of(db.session.scalar(select(QuizAttempt))):
            if item.version.content["type"] == kind:
                return item.position
    raise AssertionError(kind)


def test_autosave_resumes_on_another_machine(app, client, login_as, drill):
    user = login_as()
    url = start(client)
    token = csrf_token(client, url)
    p = position_of(app, "true_false")
    saved = client.post(f"{url}/autosave", data={"position": p, f"q{p}": "false", f"flag{p}": "1"},
                        headers={"X-CSRFToken": token})
    assert saved.json == {"saved": True, "position": p, "answered": True}
    elsewhere = app.test_client()
    login(elsewhere, user.employee_no)
    again = start(elsewhere)
    assert again == url  # the same attempt, not a second one
    page = elsewhere.get(url).get_data(as_text=True)
    assert f'name="q{p}" value="false" checked' in page
    assert f'name="flag{p}" value="1" checked' in page


def test_autosave_needs_the_csrf_token(client, login_as, drill):
    login_as()
    url = start(client)
    assert client.post(f"{url}/autosave", data={"position": "1", "q1": "0"}).status_code == 400


def test_stale_tab_autosave_after_submit_is_refused(app, client, login_as, drill):
    login_as()
    url = start(client)
    token = csrf_token(client, url)
    client.post(f"{url}/submit", data={"csrf_token": token})
    late = client.post(f"{url}/autosave", data={"position": "1", "q1": ""},
                       headers={"X-CSRFToken": token})
    assert late.status_code == 409 and late.json["closed"] is True
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AttemptQuestion)
                                 .where(AttemptQuestion.answer.is_not(None))) == 0


def test_double_submit_gives_one_grade_and_the_result_page(app, client, login_as, drill):
    login_as()
    url = start(client)
    token = csrf_token(client, url)
    first = client.post(f"{url}/submit", data={"csrf_token": token})
    second = client.post(f"{url}/submit", data={"csrf_token": token})
    assert first.location == second.location == f"{url}/result"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


def test_one_question_a_page_with_navigation(app, client, login_as, mini_bank):
    login_as()
    url = start(client, "greeting")
    page = client.get(url).get_data(as_text=True)
    assert page.count('class="question card"') == 1 and 'aria-current="step"' in page
    token = csrf_token(client, url)
    response = client.post(url, data={"csrf_token": token, "shown": "1", "go": "2"})
    assert response.location == f"{url}?q=2"
    assert "Question 2" in client.get(f"{url}?q=2").get_data(as_text=True)


def past_deadline(app, hours: int = 1) -> None:  # type: ignore[no-untyped-def]
    """The (only) attempt's deadline moved ``hours`` into the past."""
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        attempt.deadline_at = attempt.deadline_at - timedelta(hours=hours)
        db.session.commit()

def test_time_up_hands_the_attempt_in(app, client, login_as, drill):
    login_as()
    url = start(client)
    past_deadline(app)
    response = client.get(url)
    assert response.location == f"{url}/result"
    assert "Time is up" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(QuizAttempt)).status == AttemptStatus.EXPIRED


def test_retake_waits_for_the_delay_and_says_until_when(client, login_as, drill):
    login_as()
    url = start(client)
    client.post(f"{url}/submit", data={"csrf_token": csrf_token(client, url)})
    response = client.post("/quizzes/modules/drill/start",
                           data={"csrf_token": csrf_token(client, "/quizzes/")})
    assert response.location == "/quizzes/"
    assert "You can try again from" in client.get("/quizzes/").get_data(as_text=True)


def test_someone_else_s_attempt_is_not_found(app, client, login_as, make_user, drill):
    other = make_user()
    other_client = app.test_client()
    login(other_client, other.employee_no)
    url = start(other_client)
    login_as()
    token = csrf_token(client, "/quizzes/")
    for path in (url, f"{url}/finish", f"{url}/result"):
        assert client.get(path).status_code == 404, path
    for path in (url, f"{url}/submit", f"{url}/autosave", f"{url}/report"):
        assert client.post(path, data={"csrf_token": token, "position": "1"},
                           headers={"X-CSRFToken": token}).status_code == 404, path


def test_review_policy_never_shows_only_the_score(app, client, login_as, drill):
    with app.app_context():
        module = db.session.scalar(select(Module))
        module.quiz = {**module.quiz, "review": "never"}
        db.session.commit()
    login_as()
    url = start(client)
    client.post(f"{url}/submit", data={"csrf_token": csrf_token(client, url)})
    page = client.get(f"{url}/result").get_data(as_text=True)
    assert "This quiz shows your score only." in page and "SECRET-EXPLANATION" not in page


def test_review_after_pass_waits_for_a_pass(app, client, login_as, drill):
    with app.app_context():
        module = db.session.scalar(select(Module))
        module.quiz = {**module.quiz, "review": "after_pass", "retake_delay_minutes": 0}
        db.session.commit()
    login_as()
    failed = start(client)
    client.post(f"{failed}/submit", data={"csrf_token": csrf_token(client, failed)})
    assert "once you have passed" in client.get(f"{failed}/result").get_data(as_text=True)
    passed = start(client)
    client.post(passed, data={**right_answers(app, passed),
                              "csrf_token": csrf_token(client, passed), "go": "finish"})
    client.post(f"{passed}/submit", data={"csrf_token": csrf_token(client, passed)})
    assert "SECRET-EXPLANATION" in client.get(f"{failed}/result").get_data(as_text=True)


def _use_review(app, policy, attempts_allowed):
    with app.app_context():
        module = db.session.scalar(select(Module))
        module.quiz = {**module.quiz, "review": policy, "retake_delay_minutes": 0,
                       "attempts_allowed": attempts_allowed}
        db.session.commit()


def _fail(client):
    url = start(client)
    client.post(f"{url}/submit", data={"csrf_token": csrf_token(client, url)})
    return url


LAST_OR_PASS = "once you have passed this quiz or used your last attempt"


def test_a_failed_certification_attempt_keeps_its_key_until_the_last_attempt(
        app, client, login_as, drill):
    _use_review(app, "after_pass_or_last_attempt", 2)
    login_as()
    first = _fail(client)
    page = client.get(f"{first}/result").get_data(as_text=True)
    assert LAST_OR_PASS in page and "SECRET-EXPLANATION" not in page
    last = _fail(client)
    for url in (first, last):
        page = client.get(f"{url}/result").get_data(as_text=True)
        assert "SECRET-EXPLANATION" in page and LAST_OR_PASS not in page


def test_a_certification_attempt_shows_its_key_once_passed(app, client, login_as, drill):
    _use_review(app, "after_pass_or_last_attempt", 3)
    login_as()
    failed = _fail(client)
    assert LAST_OR_PASS in client.get(f"{failed}/result").get_data(as_text=True)
    passed = start(client)
    client.post(passed, data={**right_answers(app, passed),
                              "csrf_token": csrf_token(client, passed), "go": "finish"})
    client.post(f"{passed}/submit", data={"csrf_token": csrf_token(client, passed)})
    for url in (failed, passed):
        assert "SECRET-EXPLANATION" in client.get(f"{url}/result").get_data(as_text=True)


def test_report_a_problem_reaches_the_queue_with_the_version(app, client, login_as, drill):
    login_as()
    url = start(client)
    client.post(f"{url}/submit", data={"csrf_token": csrf_token(client, url)})
    response = client.post(f"{url}/report", data={
        "csrf_token": csrf_token(client, f"{url}/result"), "position": "2",
        "kind": "wrong_key", "comment": "B is also right"})
    assert response.status_code == 302 and response.location.endswith("#q2")
    with app.app_context():
        report = db.session.scalar(select(QuestionReport))
        item = db.session.scalar(select(AttemptQuestion).where(AttemptQuestion.position == 2))
        assert (report.kind, report.comment) == ("wrong_key", "B is also right")
        assert report.question_version_id == item.question_version_id
    bad = client.post(f"{url}/report", data={"csrf_token": csrf_token(client, f"{url}/result"),
                                             "position": "2", "kind": "rude"})
    assert bad.status_code == 400


def test_history_is_visible_to_the_person_their_supervisor_and_hr(app, client, make_user, drill):
    trainee = make_user(team="t1")
    own = app.test_client()
    login(own, trainee.employee_no)
    start(own)
    path = f"/people/{trainee.id}"
    assert own.get(path).status_code == 200
    for roles, team, expected in (((Role.SUPERVISOR,), "t1", 200), ((Role.SUPERVISOR,), "t2", 404),
                                  ((Role.HR,), None, 200), ((), None, 404)):
        viewer = make_user(roles=roles, supervises=team)
        other = app.test_client()
        login(other, viewer.employee_no)
        assert other.get(path).status_code == expected, (roles, team)


def _budget(app, client, url, token):
    with count_queries(app) as page:
        client.get(url)
    with count_queries(app) as autosave:
        client.post(f"{url}/autosave", data={"position": "1", "q1": ""},
                    headers={"X-CSRFToken": token})
    with count_queries(app) as submit:
        client.post(f"{url}/submit", data={"csrf_token": token})
    return len(page), len(autosave), len(submit)


def _set_quiz(app, **settings):
    with app.app_context():
        module = db.session.scalar(select(Module))
        module.quiz = {**module.quiz, **settings}
        db.session.commit()


def test_query_budgets_do_not_grow_with_questions_or_past_attempts(app, client, login_as,
                                                                  drill):
    login_as()
    _set_quiz(app, retake_delay_minutes=0, attempts_allowed=0, questions_per_attempt=2)
    small = start(client)
    first = _budget(app, client, small, csrf_token(client, small))
    _set_quiz(app, questions_per_attempt=7)
    large = start(client)
    second = _budget(app, client, large, csrf_token(client, large))
    for _ in range(3):
        url = start(client)
        client.post(f"{url}/submit", data={"csrf_token": csrf_token(client, url)})
    later = start(client)  # after five past attempts
    third = _budget(app, client, later, csrf_token(client, later))
    assert first == second == third
    page, autosave, submit = first
    assert page <= 5 and autosave <= 3 and submit <= 10, first


def test_close_overdue_command(app, runner, client, login_as, drill):
    login_as()
    start(client)
    past_deadline(app)
    result = runner.invoke(args=["quiz", "close-overdue"])
    assert result.exit_code == 0 and "Closed 1 overdue attempt(s)." in result.output


def test_a_passing_submit_stays_within_its_query_budget(app, client, login_as, drill):
    """Passing also re-evaluates the person's certification in the same transaction."""
    login_as()
    client.get("/learn/")  # tracks cached, as on a running server
    url = start(client)
    client.post(url, data={**right_answers(app, url), "csrf_token": csrf_token(client, url),
                           "go": "finish"})
    token = csrf_token(client, url)
    with count_queries(app) as queries:
        client.post(f"{url}/submit", data={"csrf_token": token})
    assert len(queries) <= 10
