"""The demo trainee goes from not cleared to cleared by passing the last requirement of
the hotline agent track, then opens the certificate and its public check."""

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import answer_correctly, screenshot, serious_violations, sign_in
from trainingapp.extensions import db
from trainingapp.models import (
    AttemptStatus,
    Call,
    CallRun,
    CallRunStatus,
    CallVersion,
    Module,
    Observation,
    QuizAttempt,
    User,
    utcnow,
)


def _everything_but_the_etiquette_quiz(live_app):
    """Results the trainee earned on earlier days: five module quizzes, four calls and an
    observed call. Only the etiquette quiz is left."""
    with live_app.app_context():
        trainee = db.session.scalar(select(User).where(User.employee_no == "T0001"))
        trainee.language = "en"
        earlier = utcnow() - timedelta(days=3)
        for module in db.session.scalars(select(Module).where(Module.slug != "etiquette")):
            db.session.add(QuizAttempt(user_id=trainee.id, module_id=module.id, number=1,
                                       status=AttemptStatus.SUBMITTED, started_at=earlier,
                                       deadline_at=earlier, finished_at=earlier,
                                       settings=module.quiz, points=10, max_points=10,
                                       score=100, passed=True))
        for slug in ("billing-dispute", "failed-verification", "data-leak", "online-chat"):
            call = db.session.scalar(select(Call).where(Call.slug == slug))
            version = db.session.scalar(select(CallVersion).where(
                CallVersion.call_id == call.id))
            db.session.add(CallRun(user_id=trainee.id, call_id=call.id,
                                   version_id=version.id, number=1,
                                   status=CallRunStatus.FINISHED, started_at=earlier,
                                   finished_at=earlier, node="end", turn_started_at=earlier,
                                   outcome="resolved", score=90, passed=True))
        supervisor = db.session.scalar(select(User).where(User.employee_no == "S0001"))
        db.session.add(Observation(user_id=trainee.id, observer_id=supervisor.id,
                                   rubric={}, ratings={}, score=85, passed=True, pass_mark=75,
                                   observed_at=earlier))
        db.session.commit()


def test_demo_trainee_becomes_cleared_and_gets_a_verifiable_certificate(page, live_app):
    _everything_but_the_etiquette_quiz(live_app)
    sign_in(page, "T0001")
    banner = page.locator(".banner-not-cleared")
    expect(banner).to_contain_text("Not cleared for duty")
    expect(banner).to_contain_text("1 requirement left")
    banner.get_by_role("link", name="See what is missing").click()
    expect(page.get_by_role("heading", name="Not cleared for duty")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name=re.compile("Module quiz: Service etiquette .* not passed yet")).click()

    page.goto("/quizzes/")
    page.get_by_role("row").filter(has_text="Service etiquette and communication").get_by_role(
        "button", name="Start the quiz").click()
    attempt = int(re.search(r"/attempts/(\d+)", page.url).group(1))
    for position in range(1, 11):
        answer_correctly(page, live_app, attempt, position)
        page.get_by_role("button", name="Next →" if position < 10 else "Review and hand in").click()
    page.get_by_role("button", name="Hand in now").click()
    expect(page.get_by_role("heading", name="Passed")).to_be_visible()
    expect(page.locator(".banner-not-cleared")).to_have_count(0)

    page.get_by_role("link", name="Certification").first.click()
    expect(page.get_by_role("heading", name="Cleared for duty")).to_be_visible()
    expect(page.get_by_text("Certified", exact=True)).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "certification")

    page.locator("section.track ul a").first.click()
    expect(page.get_by_role("heading", name="Certificate")).to_be_visible()
    code = page.locator(".cert-facts code").inner_text()
    expect(page.locator(".cert-qr svg")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "certificate")

    page.context.clear_cookies()
    page.goto(f"/verify/{code}")
    expect(page.get_by_role("heading", name="Valid", exact=True)).to_be_visible()
    expect(page.get_by_text("李娜 Li Na")).to_be_visible()
    expect(page.get_by_text("T0001")).to_have_count(0)
    assert serious_violations(page) == []
    screenshot(page, "verify")
