"""Typed quiz answers over their limit: refused with a message in the reader's language,
what was typed kept on the page, nothing of it stored; the page shows each limit."""

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token, login
from tests.views.test_quiz_views import drill, position_of, start  # noqa: F401 (fixture)
from trainingapp.extensions import db
from trainingapp.models import AttemptQuestion

pytestmark = pytest.mark.db


def _answer(app, position):
    with app.app_context():
        return db.session.scalar(select(AttemptQuestion.answer)
                                 .where(AttemptQuestion.position == position))


def test_the_page_shows_the_limits(app, client, login_as, drill):  # noqa: F811
    login_as()
    url = start(client)
    page = client.get(url).get_data(as_text=True)
    short, number = position_of(app, "short_text"), position_of(app, "numeric")
    assert f'id="q{short}-input" name="q{short}" value="" autocomplete="off" maxlength="500"' in page
    assert "Up to 500 characters." in page
    assert f'id="q{number}-input" name="q{number}" value="" autocomplete="off" maxlength="32"' in page


def test_autosave_refuses_a_short_answer_over_500_characters(app, client, login_as,
                                                             drill):  # noqa: F811
    login_as()
    url = start(client)
    p = position_of(app, "short_text")
    token = csrf_token(client, url)
    refused = client.post(f"{url}/autosave", data={"position": p, f"q{p}": "a" * 5000},
                          headers={"X-CSRFToken": token})
    assert refused.status_code == 422
    assert refused.json == {"saved": False, "position": p, "error":
                            "An answer can be at most 500 characters long; yours has 5,000. "
                            "Shorten it: it was not saved."}
    assert _answer(app, p) is None  # nothing stored, not 500 of it
    fine = client.post(f"{url}/autosave", data={"position": p, f"q{p}": "a" * 500},
                       headers={"X-CSRFToken": token})
    assert fine.status_code == 200 and _answer(app, p) == "a" * 500


def test_autosave_refuses_a_number_over_32_characters(app, client, login_as, drill):  # noqa: F811
    login_as()
    url = start(client)
    p = position_of(app, "numeric")
    refused = client.post(f"{url}/autosave", data={"position": p, f"q{p}": "1" * 33},
                          headers={"X-CSRFToken": csrf_token(client, url)})
    assert refused.status_code == 422 and "at most 32 characters" in refused.json["error"]
    assert _answer(app, p) is None


def test_the_page_without_javascript_keeps_the_input_and_saves_the_rest(app, client, login_as,
                                                                      drill):  # noqa: F811
    login_as()
    url = start(client)
    short, yes_no = position_of(app, "short_text"), position_of(app, "true_false")
    long = "first-contact " * 40  # 560 characters
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "go": "finish",
                                      "shown": [str(short), str(yes_no)],
                                      f"q{short}": long, f"q{yes_no}": "true"})
    assert response.status_code == 422  # the page again, not the hand-in page
    page = response.get_data(as_text=True)
    assert "An answer can be at most 500 characters long; yours has 559." in page
    assert f'value="{long.strip()}"' in page and 'aria-invalid="true"' in page
    assert _answer(app, short) is None and _answer(app, yes_no) is True


def test_the_limit_message_in_chinese(app, client, make_user, drill):  # noqa: F811
    login(client, make_user(language="zh").employee_no)
    url = start(client)
    p = position_of(app, "short_text")
    page = client.get(url).get_data(as_text=True)
    assert "最多 500 个字" in page
    refused = client.post(f"{url}/autosave", data={"position": p, f"q{p}": "好" * 501},
                          headers={"X-CSRFToken": csrf_token(client, url)})
    assert refused.status_code == 422 and "501" in refused.json["error"]
    assert "characters" not in refused.json["error"]
