"""The trainee's pages of issue 14: the module page starts its quiz, the result page offers
the retake and says when it opens, the quiz pages fit a 390 px phone, and the call clock
keeps counting from the call's start across a reload."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, serious_violations, sign_in
from trainingapp.extensions import db
from trainingapp.models import CallRun, QuizAttempt
from trainingapp.services import quizzes


def _attempt_id(page):
    return int(re.search(r"/attempts/(\d+)", page.url).group(1))


def test_the_module_page_starts_its_quiz_and_the_result_offers_the_retake(page, live_app,
                                                                           new_trainee):
    sign_in(page, new_trainee)
    page.goto("/learn/")
    page.get_by_role("link", name="Service etiquette and communication").first.click()
    quiz = page.get_by_role("complementary").filter(has_text="Pass mark")
    expect(quiz.get_by_text("3 attempts left")).to_be_visible()
    expect(page.get_by_text("quiz engine")).to_have_count(0)
    assert serious_violations(page) == []
    screenshot(page, "module-start-quiz")
    quiz.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Question 1", exact=True)).to_be_visible()
    attempt = _attempt_id(page)

    page.go_back()
    page.reload()
    expect(page.get_by_role("link", name="Resume the quiz")).to_be_visible()
    page.get_by_role("link", name="Resume the quiz").click()
    assert _attempt_id(page) == attempt

    page.get_by_role("button", name="Review and hand in").click()
    page.get_by_role("button", name="Hand in now").click()
    expect(page.get_by_role("heading", name="Not passed")).to_be_visible()
    expect(page.get_by_text(re.compile(r"You can retake this quiz from .+\d:\d\d"))).to_be_visible()
    expect(page.get_by_text("2 attempts left")).to_be_visible()
    expect(page.get_by_role("button", name="Retake the quiz")).to_have_count(0)
    assert serious_violations(page) == []
    screenshot(page, "result-retake-waits")

    with live_app.app_context():  # the retake delay has passed
        done = db.session.get(QuizAttempt, attempt)
        done.finished_at = done.finished_at - timedelta(hours=2)
        db.session.commit()
    page.reload()
    retake = page.get_by_role("button", name="Retake the quiz")
    expect(retake).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "result-retake")
    retake.click()
    expect(page.get_by_text("Question 1", exact=True)).to_be_visible()
    assert _attempt_id(page) != attempt


def _fits(page, width):
    """Nothing wider than the screen: not the page, and no table scrolled out of sight."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url}: the page is {scroll} px wide on a {width} px screen"
    hidden = page.evaluate("""[...document.querySelectorAll('.table-wrap')]
        .filter(w => w.scrollWidth > w.clientWidth + 1).length""")
    assert hidden == 0, f"{page.url}: a table scrolls sideways"


def test_the_quiz_pages_fit_a_390_px_phone(browser, live_server, new_trainee):
    context = browser.new_context(base_url=live_server, locale="en-GB",
                                  viewport={"width": 390, "height": 844}, is_mobile=True,
                                  device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, new_trainee)
        page.goto("/quizzes/")
        expect(page.get_by_role("heading", name="Quizzes")).to_be_visible()
        _fits(page, 390)
        assert serious_violations(page) == []
        screenshot(page, "quizzes-390")
        start = page.get_by_role("row").filter(
            has_text="Service etiquette and communication").get_by_role("button")
        box = start.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390  # in sight
        page.get_by_role("row").filter(has_text="Service etiquette and communication").get_by_role(
            "button", name="Start the quiz").click()
        expect(page.get_by_text("Question 1", exact=True)).to_be_visible()
        _fits(page, 390)
        assert serious_violations(page) == []
        screenshot(page, "quiz-390")
        page.goto("/learn/modules/etiquette")
        _fits(page, 390)
        screenshot(page, "module-390")
    finally:
        context.close()


def test_the_call_clock_keeps_the_elapsed_time_across_a_reload(page, live_app, new_trainee):
    sign_in(page, new_trainee)
    page.goto("/calls/")
    page.get_by_role("listitem").filter(has_text="Billing dispute").get_by_role(
        "button", name="Take the call").click()
    expect(page.locator(".line-customer").first).to_be_visible()
    run_id = int(re.search(r"/runs/(\d+)", page.url).group(1))
    with live_app.app_context():  # the call started 2 minutes ago; this turn 1:30 ago
        run = db.session.get(CallRun, run_id)
        run.started_at -= timedelta(minutes=2)
        run.turn_started_at -= timedelta(seconds=90)
        db.session.commit()
    page.reload()
    clock = page.locator("#call-clock")
    expect(clock).to_have_text(re.compile(r"^2:0\d$"))
    shown = clock.text_content()
    expect(clock).not_to_have_text(shown)  # the clock's own tick, not a fixed wait
    ticked = clock.text_content()
    page.reload()
    expect(clock).to_have_text(re.compile(r"^2:\d\d$"))
    assert clock.text_content() >= ticked  # on from where it was, not reset
    assert serious_violations(page) == []
    screenshot(page, "call-clock-after-reload")


def test_autosave_says_when_an_answer_is_too_long_and_keeps_it(page, live_app, new_trainee):
    sign_in(page, new_trainee)
    page.goto("/quizzes/")
    page.get_by_role("row").filter(has_text="Regulations, commitments and time limits").get_by_role(
        "button", name="Start the quiz").click()
    attempt = _attempt_id(page)
    with live_app.app_context():
        items = quizzes.questions_of(db.session.get(QuizAttempt, attempt))
        typed = [(i.position, i.version.content["type"]) for i in items
                 if i.version.content["type"] in ("short_text", "numeric")]
    if not typed:
        pytest.skip("this draw has no typed answer")
    position, kind = typed[0]
    limit, too_long, fine = {"short_text": (500, "calm " * 120, "calm"),
                             "numeric": (32, "1" * 40, "15")}[kind]
    page.goto(f"/quizzes/attempts/{attempt}?q={position}")
    page.wait_for_load_state("load")
    box = page.locator(f"#q{position}-input")
    expect(box).to_have_attribute("maxlength", str(limit))
    box.evaluate("el => el.removeAttribute('maxlength')")  # as an old browser would let it
    box.fill(too_long)
    expect(page.locator(f"#q{position}-error")).to_have_text(
        f"An answer can be at most {limit} characters long; yours has {len(too_long.strip())}. "
        "Shorten it: it was not saved.")
    expect(page.locator("#save-state")).to_have_text(
        "An answer was not saved: see the message at its question.")
    expect(box).to_have_value(too_long)  # what was typed stays, to be shortened
    assert serious_violations(page) == []
    screenshot(page, "quiz-answer-too-long")
    with live_app.app_context():
        item = next(i for i in quizzes.questions_of(db.session.get(QuizAttempt, attempt))
                    if i.position == position)
        assert item.answer is None  # nothing of it stored
    box.fill(fine)
    expect(page.locator("#save-state")).to_have_text("All answers saved")
    expect(page.locator(f"#q{position}-error")).to_be_hidden()
