"""A new hire fails a module quiz (losing the connection half-way), waits out the delay,
retakes it in Chinese and passes."""

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import answer_correctly, screenshot, serious_violations, sign_in
from trainingapp.extensions import db
from trainingapp.models import AttemptQuestion, QuizAttempt, utcnow


def _attempt_id(page):
    return int(re.search(r"/attempts/(\d+)", page.url).group(1))


def _saved_answers(live_app, attempt_id):
    with live_app.app_context():
        return {i.position: i.answer for i in db.session.scalars(
            select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id))}


def test_fail_lose_the_connection_wait_retake_in_chinese_and_pass(page, live_app, new_trainee):
    sign_in(page, new_trainee)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Quizzes").click()
    row = page.get_by_role("row").filter(has_text="Service etiquette and communication")
    row.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Question 1", exact=True)).to_be_visible()
    expect(page.locator("#timer .timer-clock")).to_have_text(re.compile(r"^(20:00|19:5\d)$"))
    assert serious_violations(page) == []
    screenshot(page, "quiz")
    attempt = _attempt_id(page)

    answer_correctly(page, live_app, attempt, 1)
    expect(page.locator("#save-state")).to_have_text("All answers saved")
    expect(page.locator("#nav-1")).to_have_class(re.compile("answered"))

    page.get_by_role("button", name="Next →").click()
    expect(page.get_by_text("Question 2", exact=True)).to_be_visible()
    page.wait_for_load_state("load")  # the autosave script is listening
    page.context.set_offline(True)
    answer_correctly(page, live_app, attempt, 2)
    expect(page.locator("#save-state")).to_contain_text("Connection lost, retrying")
    screenshot(page, "quiz-offline")
    assert _saved_answers(live_app, attempt)[2] is None
    page.context.set_offline(False)
    expect(page.locator("#save-state")).to_have_text("All answers saved")
    assert _saved_answers(live_app, attempt)[2] is not None  # the answer survived the drop

    page.get_by_role("button", name="Review and hand in").click()
    expect(page.get_by_text("8 questions are not answered")).to_be_visible()
    page.get_by_role("button", name="Hand in now").click()
    expect(page.get_by_role("heading", name="Not passed")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "result-fail")

    page.get_by_role("link", name="Back to the quizzes").click()
    expect(page.get_by_text(re.compile("Retake from"))).to_be_visible()
    with live_app.app_context():  # an hour later
        done = db.session.get(QuizAttempt, attempt)
        done.finished_at = done.finished_at - timedelta(hours=2)
        db.session.commit()

    page.get_by_role("button", name="简体中文").click()
    row = page.get_by_role("row").filter(has_text="服务礼仪与沟通")
    row.get_by_role("button", name="重新测验").click()
    expect(page.get_by_text("第 1 题", exact=True)).to_be_visible()
    retake = _attempt_id(page)
    assert retake != attempt
    for position in range(1, 11):
        answer_correctly(page, live_app, retake, position)
        button = "下一页 →" if position < 10 else "检查并交卷"
        page.get_by_role("button", name=button).click()
    expect(page.get_by_text("所有题目均已作答。")).to_be_visible()
    page.get_by_role("button", name="立即交卷").click()
    expect(page.get_by_role("heading", name="已通过")).to_be_visible()
    expect(page.locator(".result strong")).to_have_text("100%")
    assert serious_violations(page) == []
    screenshot(page, "result-pass-zh")


def test_at_zero_the_page_hands_the_quiz_in(page, live_app, new_trainee):
    sign_in(page, new_trainee)
    page.goto("/quizzes/")
    page.get_by_role("row").filter(has_text="Products and services").get_by_role(
        "button", name="Start the quiz").click()
    attempt = _attempt_id(page)
    answer_correctly(page, live_app, attempt, 1)
    expect(page.locator("#save-state")).to_have_text("All answers saved")
    with live_app.app_context():  # as if the twenty minutes had nearly run out
        current = db.session.get(QuizAttempt, attempt)
        current.deadline_at = utcnow() + timedelta(seconds=3)
        db.session.commit()
    page.reload()
    expect(page.get_by_role("heading", name="Not passed")).to_be_visible()
    with live_app.app_context():
        done = db.session.get(QuizAttempt, attempt)
        assert done.status == "submitted" and done.points == 1  # the saved answer counted
