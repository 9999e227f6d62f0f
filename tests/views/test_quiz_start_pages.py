"""Where a quiz starts besides the quizzes page: the module page starts it (the same POST
and attempt rules), the result page offers the retake and says when it opens, or why not."""

import re

from tests.conftest import csrf_token
from tests.views.test_quiz_views import _set_quiz, drill, right_answers  # noqa: F401

START_FORM = 'action="/quizzes/modules/drill/start"'


def _start_from_module(client):
    page = client.get("/learn/modules/drill").get_data(as_text=True)
    assert START_FORM in page and "Start the quiz" in page
    response = client.post("/quizzes/modules/drill/start",
                           data={"csrf_token": csrf_token(client, "/learn/modules/drill")})
    assert response.status_code == 302 and "/quizzes/attempts/" in response.location
    return response.location


def test_the_module_page_starts_and_resumes_its_quiz(client, login_as, drill):  # noqa: F811
    login_as()
    page = client.get("/learn/modules/drill").get_data(as_text=True)
    assert "quiz engine" not in page
    assert "3 attempts left" in page
    url = _start_from_module(client)
    page = client.get("/learn/modules/drill").get_data(as_text=True)
    assert f'href="{url}"' in page and "Resume the quiz" in page and START_FORM not in page


def test_the_result_page_says_when_the_retake_opens(client, login_as, drill):  # noqa: F811
    login_as()
    url = _start_from_module(client)
    client.post(f"{url}/submit", data={"csrf_token": csrf_token(client, url)})
    page = client.get(f"{url}/result").get_data(as_text=True)
    assert "Not passed" in page and "2 attempts left" in page
    opens = re.search(r"You can retake this quiz from ([^<]+)\.", page)
    assert opens, "no time for the retake"
    assert re.search(r"\d{1,2}:\d{2}(\s[AP]M)?$", opens.group(1))  # a time, without seconds
    assert START_FORM not in page
    module_page = client.get("/learn/modules/drill").get_data(as_text=True)
    assert "You can retake this quiz from" in module_page


def test_the_result_page_retakes_once_the_delay_is_over(app, client, login_as,
                                                       drill):  # noqa: F811
    _set_quiz(app, retake_delay_minutes=0)
    login_as()
    url = _start_from_module(client)
    client.post(f"{url}/submit", data={"csrf_token": csrf_token(client, url)})
    page = client.get(f"{url}/result").get_data(as_text=True)
    assert START_FORM in page and "Retake the quiz" in page
    again = client.post("/quizzes/modules/drill/start",
                        data={"csrf_token": csrf_token(client, f"{url}/result")})
    assert again.location != url and "/quizzes/attempts/" in again.location


def test_no_retake_when_passed_or_out_of_attempts(app, client, login_as, drill):  # noqa: F811
    _set_quiz(app, retake_delay_minutes=0, attempts_allowed=1)
    login_as()
    url = _start_from_module(client)
    client.post(f"{url}/submit", data={"csrf_token": csrf_token(client, url)})
    page = client.get(f"{url}/result").get_data(as_text=True)
    assert START_FORM not in page
    assert "You have used every attempt at this quiz. Ask your supervisor." in page


def test_a_passed_quiz_offers_no_retake(app, client, login_as, drill):  # noqa: F811
    login_as()
    url = _start_from_module(client)
    client.post(url, data={**right_answers(app, url), "csrf_token": csrf_token(client, url),
                           "go": "finish"})
    client.post(f"{url}/submit", data={"csrf_token": csrf_token(client, url)})
    page = client.get(f"{url}/result").get_data(as_text=True)
    assert "Passed" in page and START_FORM not in page and "Retake" not in page
    module_page = client.get("/learn/modules/drill").get_data(as_text=True)
    assert "You have passed this quiz: no retake is needed." in module_page


def test_a_report_over_the_limit_is_refused_and_kept(client, login_as, drill):  # noqa: F811
    login_as()
    url = _start_from_module(client)
    client.post(f"{url}/submit", data={"csrf_token": csrf_token(client, url)})
    long = "B is also right. " * 130  # 2,210 characters
    refused = client.post(f"{url}/report", data={
        "csrf_token": csrf_token(client, f"{url}/result"), "position": "2",
        "kind": "unclear", "comment": long})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "The details can be at most 2,000 characters long; yours has 2,210." in page
    assert long in page and '<option value="unclear" selected>' in page
    assert "Up to 2,000 characters." in page
