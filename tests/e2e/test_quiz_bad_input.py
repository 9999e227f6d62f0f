"""A page tampered with (a choice's value changed to one the question does not offer):
autosave refuses it, the page says why, and the answer saved before stays."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import screenshot, serious_violations, sign_in
from trainingapp.extensions import db
from trainingapp.models import AttemptQuestion


def test_a_tampered_choice_is_refused_and_the_saved_answer_kept(page, live_app, new_trainee):
    sign_in(page, new_trainee)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Quizzes").click()
    row = page.get_by_role("row").filter(has_text="Service etiquette and communication")
    row.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Question 1", exact=True)).to_be_visible()
    attempt_id = int(re.search(r"/attempts/(\d+)", page.url).group(1))
    while page.locator("fieldset[data-position] input[type=radio]").count() == 0:
        page.get_by_role("button", name="Next →").click()
    fieldset = page.locator("fieldset[data-position]").first
    position = int(fieldset.get_attribute("data-position"))
    radios = fieldset.locator("input[type=radio]")
    radios.nth(0).check()
    expect(page.locator("#save-state")).to_have_text("All answers saved")
    with live_app.app_context():
        before = db.session.scalar(select(AttemptQuestion.answer).where(
            AttemptQuestion.attempt_id == attempt_id, AttemptQuestion.position == position))
    assert before is not None
    radios.nth(1).evaluate("radio => { radio.value = '99'; }")
    radios.nth(1).check()
    expect(page.locator(f"#q{position}-error")).to_contain_text(
        "not one of the question's choices")
    screenshot(page, "quiz-tampered-choice")
    assert serious_violations(page) == []
    with live_app.app_context():
        assert db.session.scalar(select(AttemptQuestion.answer).where(
            AttemptQuestion.attempt_id == attempt_id,
            AttemptQuestion.position == position)) == before
