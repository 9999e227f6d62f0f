"""Item analysis over real attempts, and regrading after a key is corrected."""

import shutil
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.conftest import FIXTURES, csrf_token, login, sync_fixture_bank
from trainingapp.content.bank import load_bank
from trainingapp.content.sync import sync_bank
from trainingapp.extensions import db
from trainingapp.models import AuditEvent, Module, QuizAttempt, Role, User, utcnow
from trainingapp.queries import analysis
from trainingapp.services import quizzes, regrading
from trainingapp.services.quizzes import SavedAnswer

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _attempt(user, module, numeric_answer, tf_answer, at):
    attempt = quizzes.start(user, module, at)
    saved = []
    for item in quizzes.questions_of(attempt):
        kind = item.version.content["type"]
        saved.append(SavedAnswer(item.position, numeric_answer if kind == "numeric" else tf_answer,
                                 False))
    quizzes.save_answers(attempt, saved, at)
    quizzes.submit(attempt, at + timedelta(minutes=1))
    db.session.commit()
    return attempt


def test_module_analysis_counts_attempts_and_questions(app, mini_bank, make_user):
    people = [make_user() for _ in range(3)]
    with app.app_context():
        module = db.session.scalar(select(Module))
        for person, (numeric, tf) in zip(people, [(30, True), (30, False), (12, False)],
                                         strict=True):
            _attempt(db.session.get(User, person.id), module, numeric, tf, T0)
        report = analysis.analyse_module(module)
        assert report.attempts == 3
        assert report.pass_rate == 2 / 3  # pass mark 50: 100 %, 50 %, 0 %
        assert report.distribution[0] == 1 and report.distribution[5] == 1
        facility = {i.question: i.facility for i in report.items}
        assert facility == {"mini-001": 1 / 3, "mini-002": 2 / 3}


def test_regrade_after_a_key_is_corrected(app, mini_bank, make_user, tmp_path):
    person = make_user()
    admin_id = make_user(roles=(Role.ADMIN,)).id
    with app.app_context():
        module = db.session.scalar(select(Module))
        attempt = _attempt(db.session.get(User, person.id), module, 20, False, T0)
        assert attempt.score == 0 and not attempt.passed
        bank = tmp_path / "bank"
        shutil.copytree(FIXTURES / "mini_bank", bank)
        path = bank / "modules/greeting/questions.yaml"
        path.write_text(path.read_text().replace("answer: 30", "answer: 20"))  # the fix
        sync_bank(load_bank(bank), utcnow())
        db.session.commit()
        question = analysis.get_question("mini-002")
        preview = regrading.regrade_preview(question)
        assert [(r.attempt.id, r.new_score, r.new_passed) for r in preview] == [
            (attempt.id, 50.0, True)]
        assert db.session.get(QuizAttempt, attempt.id).score == 0  # a preview changes nothing

        admin = db.session.get(User, admin_id)
        assert regrading.apply_regrade(question, admin, utcnow()) == 1
        db.session.commit()
        regraded = db.session.get(QuizAttempt, attempt.id)
        assert (regraded.score, regraded.passed) == (50.0, True)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "quiz_regraded"))
        assert event.detail["score_before"] == 0 and event.detail["score_after"] == 50
        assert regrading.regrade_preview(question) == []  # nothing left on the old version


def test_analysis_pages_for_hr_and_admin_regrade_for_admin_only(app, client, make_user):
    sync_fixture_bank(app, "quiz_bank")
    hr = make_user(roles=(Role.HR,))
    login(client, hr.employee_no)
    for path in ("/analysis/", "/analysis/modules/drill",
                 "/analysis/questions/drill-single"):
        assert client.get(path).status_code == 200, path
    page = client.get("/analysis/questions/drill-single").get_data(as_text=True)
    assert "Apply the regrade" not in page
    token = csrf_token(client, "/analysis/")
    assert client.post("/admin/questions/drill-single/regrade",
                       data={"csrf_token": token}).status_code == 403
    trainee = app.test_client()
    login(trainee, make_user().employee_no)
    assert trainee.get("/analysis/").status_code == 403
