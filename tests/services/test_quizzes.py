"""The attempt lifecycle, with time as a parameter: deadline, grace, overdue closing,
resume, limits, delay, races on start and submit, stale tabs, pinned versions."""

import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from trainingapp.content.bank import load_bank
from trainingapp.content.sync import sync_bank
from trainingapp.extensions import db
from trainingapp.models import (
    AttemptStatus,
    AuditEvent,
    Module,
    QuizAttempt,
    User,
)
from trainingapp.rules.quiz import Refusal
from trainingapp.services import quizzes
from trainingapp.services.quizzes import AttemptClosed, QuizRefused, SavedAnswer

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
RIGHT = {"mini-001": True, "mini-002": 30}
WRONG = {"mini-001": False, "mini-002": 12}


@pytest.fixture
def ctx(app, mini_bank, make_user):
    user = make_user()
    with app.app_context():
        yield db.session.get(User, user.id), db.session.scalar(select(Module))


def set_quiz(module, **settings):
    module.quiz = {**module.quiz, **settings}
    db.session.commit()


def answer_all(attempt, answers, now):
    questions = quizzes.questions_of(attempt)
    quizzes.save_answers(attempt, [
        SavedAnswer(q.position, answers[bank_id(q)], False) for q in questions], now)
    db.session.commit()


def bank_id(item):
    from trainingapp.models import Question

    return db.session.get(Question, item.version.question_id).bank_id


def test_start_draws_and_pins_the_questions(ctx):
    user, module = ctx
    attempt = quizzes.start(user, module, T0, random.Random(1))
    db.session.commit()
    questions = quizzes.questions_of(attempt)
    assert [q.position for q in questions] == [1, 2]
    assert {bank_id(q) for q in questions} == {"mini-001", "mini-002"}
    assert attempt.deadline_at == T0 + timedelta(minutes=5)
    assert attempt.status == AttemptStatus.IN_PROGRESS and attempt.number == 1


def test_starting_again_resumes_with_every_saved_answer(ctx):
    user, module = ctx
    first = quizzes.start(user, module, T0)
    answer_all(first, RIGHT, T0 + timedelta(minutes=1))
    again = quizzes.start(user, module, T0 + timedelta(minutes=2))
    assert again.id == first.id
    assert {bank_id(q): q.answer for q in quizzes.questions_of(again)} == RIGHT
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


def test_submit_grades_and_passes(ctx):
    user, module = ctx
    attempt = quizzes.start(user, module, T0)
    answer_all(attempt, RIGHT, T0 + timedelta(minutes=1))
    quizzes.submit(attempt, T0 + timedelta(minutes=2))
    db.session.commit()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert (attempt.score, attempt.passed, attempt.points, attempt.max_points) == (100, True, 2, 2)
    assert attempt.finished_at == T0 + timedelta(minutes=2)


def test_answers_are_taken_until_the_deadline_plus_grace(ctx):
    user, module = ctx
    attempt = quizzes.start(user, module, T0)
    db.session.commit()
    deadline = attempt.deadline_at
    answer_all(attempt, RIGHT, deadline + timedelta(seconds=59))  # inside the 60 s grace
    with pytest.raises(AttemptClosed):
        quizzes.save_answers(attempt, [SavedAnswer(1, None, False)],
                             deadline + timedelta(seconds=61))
    db.session.commit()
    assert attempt.status == AttemptStatus.EXPIRED
    assert attempt.score == 100  # graded on the answers saved in time
    assert attempt.finished_at == deadline


def test_a_late_submit_grades_the_last_saved_answers(ctx):
    user, module = ctx
    attempt = quizzes.start(user, module, T0)
    answer_all(attempt, WRONG, T0 + timedelta(minutes=1))
    quizzes.submit(attempt, T0 + timedelta(hours=2))
    db.session.commit()
    assert attempt.status == AttemptStatus.EXPIRED and attempt.score == 0


def test_overdue_attempts_are_closed_by_the_scheduled_command(app, ctx):
    user, module = ctx
    attempt = quizzes.start(user, module, T0)
    answer_all(attempt, {"mini-001": True, "mini-002": 12}, T0 + timedelta(minutes=1))
    assert quizzes.close_overdue(T0 + timedelta(minutes=5, seconds=30)) == 0
    assert quizzes.close_overdue(T0 + timedelta(minutes=7)) == 1
    db.session.commit()
    db.session.refresh(attempt)
    assert attempt.status == AttemptStatus.EXPIRED and attempt.score == 50
    assert quizzes.close_overdue(T0 + timedelta(minutes=8)) == 0


def test_an_overdue_attempt_is_closed_when_next_touched(ctx):
    user, module = ctx
    first = quizzes.start(user, module, T0)
    db.session.commit()
    second = quizzes.start(user, module, T0 + timedelta(hours=1))
    db.session.commit()
    db.session.refresh(first)
    assert first.status == AttemptStatus.EXPIRED and second.number == 2


def test_attempt_limit_delay_and_already_passed(ctx):
    user, module = ctx
    set_quiz(module, attempts_allowed=2, retake_delay_minutes=60)
    failed = quizzes.start(user, module, T0)
    answer_all(failed, WRONG, T0)
    quizzes.submit(failed, T0 + timedelta(minutes=1))
    db.session.commit()
    with pytest.raises(QuizRefused) as refused:
        quizzes.start(user, module, T0 + timedelta(minutes=30))
    assert refused.value.decision.refusal == Refusal.TOO_SOON
    assert refused.value.decision.retry_at == T0 + timedelta(minutes=61)
    db.session.rollback()

    passed = quizzes.start(user, module, T0 + timedelta(minutes=61))
    answer_all(passed, RIGHT, T0 + timedelta(minutes=62))
    quizzes.submit(passed, T0 + timedelta(minutes=63))
    db.session.commit()
    with pytest.raises(QuizRefused) as again:
        quizzes.start(user, module, T0 + timedelta(days=1))
    assert again.value.decision.refusal == Refusal.ALREADY_PASSED


def test_no_attempts_left(ctx):
    user, module = ctx
    set_quiz(module, attempts_allowed=1)
    attempt = quizzes.start(user, module, T0)
    quizzes.submit(attempt, T0 + timedelta(minutes=1))
    db.session.commit()
    with pytest.raises(QuizRefused) as refused:
        quizzes.start(user, module, T0 + timedelta(days=1))
    assert refused.value.decision.refusal == Refusal.NO_ATTEMPTS_LEFT


def test_a_stale_tab_cannot_change_a_submitted_attempt(ctx):
    user, module = ctx
    attempt = quizzes.start(user, module, T0)
    answer_all(attempt, RIGHT, T0)
    quizzes.submit(attempt, T0 + timedelta(minutes=1))
    db.session.commit()
    with pytest.raises(AttemptClosed):
        quizzes.save_answers(attempt, [SavedAnswer(1, "changed", False)], T0 + timedelta(minutes=2))
    db.session.rollback()
    assert {bank_id(q): q.answer for q in quizzes.questions_of(attempt)} == RIGHT


def test_editing_a_question_never_changes_a_started_attempt(app, ctx, tmp_path):
    import shutil

    from tests.conftest import FIXTURES
    from trainingapp.models import utcnow

    user, module = ctx
    attempt = quizzes.start(user, module, T0)
    db.session.commit()
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURES / "mini_bank", bank)
    path = bank / "modules/greeting/questions.yaml"
    path.write_text(path.read_text().replace("answer: 30", "answer: 20"))
    sync_bank(load_bank(bank), utcnow())
    db.session.commit()
    answer_all(attempt, RIGHT, T0 + timedelta(minutes=1))
    quizzes.submit(attempt, T0 + timedelta(minutes=2))
    db.session.commit()
    assert attempt.score == 100  # graded against the version it started with


def _in_threads(app, count, target):
    barrier = threading.Barrier(count)
    errors = []

    def run():
        with app.app_context():
            barrier.wait()
            try:
                target()
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_ten_parallel_starts_create_one_attempt(app, ctx):
    user, module = ctx
    set_quiz(module, attempts_allowed=1)
    user_id, module_id = user.id, module.id
    db.session.remove()

    def start():
        quizzes.start(db.session.get(User, user_id), db.session.get(Module, module_id), T0)

    errors = _in_threads(app, 10, start)
    assert errors == []
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


def test_two_concurrent_submits_grade_once(app, ctx):
    user, module = ctx
    attempt = quizzes.start(user, module, T0)
    answer_all(attempt, RIGHT, T0)
    attempt_id, user_id = attempt.id, user.id
    db.session.remove()

    def submit():
        mine = quizzes.get_attempt_for(db.session.get(User, user_id), attempt_id, to_write=True)
        quizzes.submit(mine, T0 + timedelta(minutes=1))

    assert _in_threads(app, 2, submit) == []
    graded = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "quiz_submitted")).all()
    assert len(graded) == 1
    assert db.session.get(QuizAttempt, attempt_id).score == 100
