"""Reading learning modules: catalogue, module page, lesson reader, progress, search."""

import pytest
from sqlalchemy import select

from tests.conftest import count_queries, csrf_token
from trainingapp.extensions import db
from trainingapp.models import Lesson, Module, utcnow

pytestmark = pytest.mark.usefixtures("mini_bank")
MODULE = "/learn/modules/greeting"
OPENING = f"{MODULE}/lessons/opening"
CLOSING = f"{MODULE}/lessons/closing"


def _read(client, path):
    return client.post(f"{path}/read", data={"csrf_token": csrf_token(client, path)})


def test_catalogue_lists_modules_with_progress(client, login_as):
    login_as()
    page = client.get("/learn/").get_data(as_text=True)
    assert 'href="/learn/modules/greeting">Greeting the caller</a>' in page
    assert "0 of 2 read" in page
    _read(client, OPENING)
    assert "1 of 2 read" in client.get("/learn/").get_data(as_text=True)


def test_module_page_lists_lessons_and_the_quiz(client, login_as):
    login_as()
    page = client.get(MODULE).get_data(as_text=True)
    assert page.index("Opening the call") < page.index("Closing the call")
    assert "Pass mark" in page and "50%" in page and "Unlimited" in page


def test_lesson_is_rendered_sanitised_with_working_lesson_links(client, login_as):
    login_as()
    page = client.get(OPENING).get_data(as_text=True)
    assert "<strong>staff number</strong>" in page
    assert '<a href="closing" rel="noopener noreferrer">the closing lesson</a>' in page
    assert "<script>alert" not in page and 'href="javascript:' not in page
    assert "Lesson 1 of 2" in page
    assert 'rel="next" href="/learn/modules/greeting/lessons/closing"' in page


def test_mark_as_read_goes_on_to_the_next_lesson_and_is_idempotent(client, login_as):
    login_as()
    response = _read(client, OPENING)
    assert response.status_code == 302 and response.location == CLOSING
    assert _read(client, OPENING).status_code == 302  # again: no error, no duplicate
    assert "You have read this lesson." in client.get(OPENING).get_data(as_text=True)
    last = _read(client, CLOSING)
    assert last.location == MODULE
    assert "You have read every lesson of this module." in client.get(MODULE).get_data(
        as_text=True)


def test_reading_progress_is_per_person(app, client, login_as, make_user):
    login_as()
    _read(client, OPENING)
    other = make_user()
    second = app.test_client()
    from tests.conftest import login

    login(second, other.employee_no)
    assert "0 of 2 read" in second.get("/learn/").get_data(as_text=True)


def test_pages_follow_the_person_s_language(client, login_as):
    login_as(language="zh")
    page = client.get(OPENING).get_data(as_text=True)
    assert "<h1>通话开场</h1>" in page and "<strong>工号</strong>" in page
    assert "问候来电客户" in client.get("/learn/").get_data(as_text=True)


def test_a_missing_translation_falls_back_with_a_notice(app, client, login_as):
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "closing"))
        lesson.body_html = {"en": lesson.body_html["en"], "zh": ""}
        db.session.commit()
    login_as(language="zh")
    page = client.get(CLOSING).get_data(as_text=True)
    assert "let them hang up first" in page
    assert "此课程尚未翻译成您的语言" in page


def test_unknown_or_retired_content_is_not_found(app, client, login_as):
    login_as()
    assert client.get("/learn/modules/nothing").status_code == 404
    assert client.get(f"{MODULE}/lessons/nothing").status_code == 404
    assert client.post(f"{MODULE}/lessons/nothing/read",
                       data={"csrf_token": csrf_token(client, MODULE)}).status_code == 404
    with app.app_context():
        db.session.scalar(select(Module)).retired_at = utcnow()
        db.session.commit()
    assert client.get(MODULE).status_code == 404
    assert "Greeting the caller" not in client.get("/learn/").get_data(as_text=True)


@pytest.mark.parametrize(("query", "language", "found"), [
    ("staff number", "en", "Opening the call"),
    ("HANG UP", "en", "Closing the call"),
    ("工号", "zh", "通话开场"),
    ("100%", "en", None),
])
def test_search_finds_lessons_in_the_person_s_language(client, login_as, query, language, found):
    login_as(language=language)
    page = client.get("/learn/search", query_string={"q": query}).get_data(as_text=True)
    if found:
        assert f">{found}</a>" in page
    else:
        assert "0 lessons found" in page or "找到 0 节课" in page


def test_module_page_query_count_does_not_grow_with_progress(app, client, login_as):
    login_as()
    client.get(MODULE)  # the tracks are cached from the first page on
    with count_queries(app) as before:
        client.get(MODULE)
    _read(client, OPENING)
    _read(client, CLOSING)
    with count_queries(app) as after:
        client.get(MODULE)
    assert len(before) == len(after) <= 8  # with the clearance banner and the quiz's attempts


def test_a_search_over_100_characters_is_said_not_cut(client, login_as):
    login_as()
    query = "staff number " * 8  # 104 characters, 103 without the last space
    page = client.get("/learn/search", query_string={"q": query}).get_data(as_text=True)
    assert ("Search with at most 100 characters; yours has 103. Shorten it and search again."
            in page)
    assert f'value="{query.strip()}"' in page and ">Opening the call</a>" not in page
    found = client.get("/learn/search", query_string={"q": query[:100]}).get_data(as_text=True)
    assert "Search with at most" not in found
