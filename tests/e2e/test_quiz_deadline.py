"""The clock passes the deadline (and its grace) while the trainee's connection is down: on
reconnecting, the answer typed offline is refused as late, the page goes to the result, and
the attempt is graded on what was saved in time."""

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import answer_correctly, screenshot, serious_violations, sign_in
from trainingapp.extensions import db
from trainingapp.models import AttemptQuestion, AttemptStatus, QuizAttempt, utcnow


def test_a_connection_lost_across_the_deadline_grades_what_was_saved(page, live_app,
                                                                     new_trainee):
    sign_in(page, new_trainee)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Quizzes").click()
    row = page.get_by_role("row").filter(has_text="Service etiquette and communication")
    row.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Question 1", exact=True)).to_be_visible()
    attempt_id = int(re.search(r"/attempts/(\d+)", page.url).group(1))
    answer_correctly(page, live_app, attempt_id, 1)
    expect(page.locator("#save-state")).to_have_text("All answers saved")
    page.get_by_role("button", name="Next →").click()
    expect(page.get_by_text("Question 2", exact=True)).to_be_visible()
    page.wait_for_load_state("load")

    page.context.set_offline(True)
    answer_correctly(page, live_app, attempt_id, 2)
    expect(page.locator("#save-state")).to_contain_text("Connection lost, retrying")
    with live_app.app_context():  # meanwhile the time limit and its grace run out
        attempt = db.session.get(QuizAttempt, attempt_id)
        grace = timedelta(seconds=live_app.config["QUIZ_GRACE_SECONDS"])
        limit = attempt.deadline_at - attempt.started_at
        attempt.deadline_at = utcnow() - grace - timedelta(seconds=5)
        attempt.started_at = attempt.deadline_at - limit
        db.session.commit()
    page.context.set_offline(False)

    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/result"))
    expect(page.get_by_text("handed in when the time ran out")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "quiz-closed-during-drop")
    with live_app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        items = {i.position: i for i in db.session.scalars(
            select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id))}
        assert attempt.status == AttemptStatus.EXPIRED
        assert attempt.finished_at == attempt.deadline_at  # closed at the deadline, not later
        assert items[1].answer is not None and items[1].share == 1.0  # saved in time: counted
        assert items[2].answer is None  # typed after the deadline: not taken
