"""The attempt lifecycle: start (or resume), save answers, submit, close overdue attempts.

An attempt is ``in_progress → submitted | expired``. The deadline is the server's:
started_at + time limit; answers are taken until the deadline plus a short grace, and an
attempt still open after that is graded on the answers saved by then.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import (
    Select,
    Update,
    bindparam,
    case,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import contains_eager, joinedload

from trainingapp import unit_of_work
from trainingapp.caches import process_cache
from trainingapp.database import insert_unless_conflicting
from trainingapp.extensions import db
from trainingapp.models import (
    AttemptQuestion,
    AttemptStatus,
    Module,
    Question,
    QuestionReport,
    QuestionVersion,
    QuizAttempt,
    User,
)
from trainingapp.queries.content import release_key
from trainingapp.rules import quiz
from trainingapp.rules.questions import display_order, grade, is_answered
from trainingapp.services import audit, certification


class QuizRefused(Exception):
    def __init__(self, decision: quiz.StartDecision) -> None:
        super().__init__(decision.refusal)
        self.decision = decision


class AttemptClosed(Exception):
    """The attempt no longer takes answers (submitted, or past its deadline and grace)."""


def grace() -> timedelta:
    return timedelta(seconds=current_app.config["QUIZ_GRACE_SECONDS"])


# --- the question pool -----------------------------------------------------------------


@dataclass(frozen=True)
class PoolEntry:
    drawable: quiz.PoolQuestion
    version_id: int
    points: float
    content: dict[str, Any]


def question_pool(module_id: int) -> dict[int, PoolEntry]:
    """The module's live questions at their current versions, by question id. Questions
    change only at a content sync, which records a release: each process parses a pool
    once per release (one small query checks which release is current)."""
    return process_cache.get(str(db.engine.url), ("question_pool", module_id),
                             lambda: _read_pool(module_id), version=release_key())


def _read_pool(module_id: int) -> dict[int, PoolEntry]:
    return {
        qid: PoolEntry(quiz.PoolQuestion(qid, tuple(tags), difficulty), version.id,
                       float(version.content.get("points", 1)), version.content)
        for qid, tags, difficulty, version in db.session.execute(
            select(Question.id, Question.tags, Question.difficulty, QuestionVersion)
            .join(QuestionVersion, (QuestionVersion.question_id == Question.id)
                  & (QuestionVersion.version == Question.current_version))
            .where(Question.module_id == module_id, Question.retired_at.is_(None))
            .order_by(Question.id))
    }


# --- reading ---------------------------------------------------------------------------


def get_attempt_for(user: User, attempt_id: int, *, to_write: bool = False) -> QuizAttempt | None:
    """The attempt if it is ``user``'s own; None otherwise (the caller answers 404).
    ``to_write``: the request goes on to change it, so its writing transaction starts first."""
    if to_write:
        unit_of_work.writing()
    return db.session.scalar(_attempt_statement(), {"attempt_id": attempt_id, "user_id": user.id})


def questions_of(attempt: QuizAttempt, *, with_questions: bool = False,
                 fresh: bool = False) -> list[AttemptQuestion]:
    """The attempt's questions in order, with their pinned versions (and, for a review,
    the bank questions they are versions of), in one query. ``fresh``: as the database
    holds them now, over any loaded before (answers are saved by an UPDATE statement)."""
    statement = _questions_statement(with_questions)
    if fresh:
        statement = statement.execution_options(populate_existing=True)
    return list(db.session.scalars(statement, {"attempt_id": attempt.id}))


def question_for_write(user: User, attempt_id: int, position: int) -> AttemptQuestion | None:
    """One question of the user's own attempt, with the attempt and the pinned version, in
    one query, inside a writing transaction (autosave)."""
    unit_of_work.writing()
    return db.session.scalar(_question_statement(), {
        "attempt_id": attempt_id, "user_id": user.id, "position": position})


# The statements of the quiz page and its autosave, built once: every page and every answer
# given runs them, and building one costs about as much as running it.

@functools.cache
def _attempt_statement() -> Select[tuple[QuizAttempt]]:
    return (select(QuizAttempt)
            .where(QuizAttempt.id == bindparam("attempt_id"),
                   QuizAttempt.user_id == bindparam("user_id"))
            .options(joinedload(QuizAttempt.module)))

@functools.cache
def _questions_statement(with_questions: bool) -> Select[tuple[AttemptQuestion]]:
    stmt = (select(AttemptQuestion).join(AttemptQuestion.version)
            .where(AttemptQuestion.attempt_id == bindparam("attempt_id"))
            .order_by(AttemptQuestion.position))
    if with_questions:
        return stmt.join(QuestionVersion.question).options(
            contains_eager(AttemptQuestion.version).contains_eager(QuestionVersion.question))
    return stmt.options(contains_eager(AttemptQuestion.version))

@functools.cache
def _question_statement() -> Select[tuple[AttemptQuestion]]:
    return (select(AttemptQuestion)
            .join(AttemptQuestion.attempt)
            .join(AttemptQuestion.version)
            .where(QuizAttempt.id == bindparam("attempt_id"),
                   QuizAttempt.user_id == bindparam("user_id"),
                   AttemptQuestion.position == bindparam("position"))
            .options(contains_eager(AttemptQuestion.attempt),
                     contains_eager(AttemptQuestion.version)))

@functools.cache
def _save_answer_statement() -> Update:
    """One answer, while the attempt is still in progress."""
    still_open = exists().where(QuizAttempt.id == bindparam("of_attempt"),
                                QuizAttempt.status == AttemptStatus.IN_PROGRESS)
    return (update(AttemptQuestion)
            .where(AttemptQuestion.attempt_id == bindparam("of_attempt"),
                   AttemptQuestion.position == bindparam("at_position"), still_open)
            .values(answer=bindparam("new_answer", type_=AttemptQuestion.answer.type),
                    is_flagged=bindparam("flagged"),
                    answered_at=bindparam("when", type_=AttemptQuestion.answered_at.type))
            .execution_options(synchronize_session=False))  # read again where it matters


def has_passed(user_id: int, module_id: int) -> bool:
    return bool(db.session.scalar(
        select(exists().where(QuizAttempt.user_id == user_id, QuizAttempt.module_id == module_id,
                              QuizAttempt.passed.is_(True)))))


def standing(user_id: int, module_id: int) -> tuple[bool, int]:
    """Whether the person has passed the module's quiz, and how many attempts they have
    finished (what its review policy looks at); one query."""
    passed, finished = db.session.execute(
        select(func.coalesce(func.max(case((QuizAttempt.passed.is_(True), 1), else_=0)), 0),
               func.coalesce(func.sum(case(
                   (QuizAttempt.status != AttemptStatus.IN_PROGRESS, 1), else_=0)), 0))
        .where(QuizAttempt.user_id == user_id, QuizAttempt.module_id == module_id)).one()
    return bool(passed), finished


def report_problem(user: User, attempt: QuizAttempt, position: int, kind: str,
                   comment: str) -> QuestionReport | None:
    """A trainee reports a problem with a question of their finished attempt."""
    version_id = db.session.scalar(
        select(AttemptQuestion.question_version_id)
        .where(AttemptQuestion.attempt_id == attempt.id, AttemptQuestion.position == position))
    if version_id is None:
        return None
    report = QuestionReport(question_version_id=version_id, attempt_id=attempt.id,
                            user_id=user.id, kind=kind, comment=comment.strip())
    db.session.add(report)
    return report


def attempts_of(user_id: int, module_id: int | None = None) -> Sequence[QuizAttempt]:
    stmt = (select(QuizAttempt).where(QuizAttempt.user_id == user_id)
            .options(joinedload(QuizAttempt.module))
            .order_by(QuizAttempt.module_id, QuizAttempt.number))
    if module_id is not None:
        stmt = stmt.where(QuizAttempt.module_id == module_id)
    return db.session.scalars(stmt).all()


def _past(attempts: Sequence[QuizAttempt]) -> list[quiz.PastAttempt]:
    return [quiz.PastAttempt(bool(a.passed), a.finished_at) for a in attempts if not a.is_open]


def start_decision(module: Module, attempts: Sequence[QuizAttempt], now: datetime) -> quiz.StartDecision:
    return quiz.may_start(module.quiz, _past(attempts), now)


# --- starting --------------------------------------------------------------------------


def start(user: User, module: Module, now: datetime, rng: random.Random | None = None) -> QuizAttempt:
    """The attempt in progress (resumed), or a new one; raises QuizRefused.

    Exam day starts hundreds at once, so the write lock (SQLite) is taken only for the
    inserts: what is read first is checked again by the constraints when writing (one
    attempt in progress per person and module; attempt numbers unique). The attempt's
    insert does nothing when they refuse it (no savepoint to roll back to)."""
    rng = rng or random.Random()
    with unit_of_work.reads_without_lock():
        attempts = db.session.scalars(  # the module is known: not loaded again
            select(QuizAttempt).where(QuizAttempt.user_id == user.id,
                                      QuizAttempt.module_id == module.id)
            .order_by(QuizAttempt.number)).all()
        pool = question_pool(module.id)
    current = next((a for a in attempts if a.is_open), None)
    if current is not None:
        if quiz.accepts_answers(now, current.deadline_at, grace()):
            return current
        unit_of_work.writing()
        close(current, now)
        attempts = attempts_of(user.id, module.id)
    decision = start_decision(module, attempts, now)
    if not decision.allowed:
        raise QuizRefused(decision)
    settings = module.quiz
    chosen = quiz.draw(
        [entry.drawable for entry in pool.values()],
        [quiz.DrawRule(r["count"], tuple(r.get("tags", ())), r.get("difficulty"))
         for r in settings.get("draw", [])],
        settings["questions_per_attempt"], rng,
    )
    if not chosen:
        raise QuizRefused(quiz.StartDecision(False, quiz.Refusal.NO_QUESTIONS))
    questions = [
        {"position": index, "question_version_id": pool[qid].version_id,
         "points": pool[qid].points, "display_order": display_order(pool[qid].content, rng),
         "is_flagged": False}
        for index, qid in enumerate(chosen, 1)
    ]
    unit_of_work.writing()
    attempt = db.session.scalar(insert_unless_conflicting(QuizAttempt).values(
        user_id=user.id, module_id=module.id, number=len(attempts) + 1,
        status=AttemptStatus.IN_PROGRESS, started_at=now,
        deadline_at=quiz.deadline(now, settings), settings=settings,
    ).returning(QuizAttempt))
    if attempt is None:
        # Another request started this person's attempt a moment ago: resume that one.
        existing = next((a for a in attempts_of(user.id, module.id) if a.is_open), None)
        if existing is None:
            raise QuizRefused(start_decision(module, attempts_of(user.id, module.id), now))
        return existing
    db.session.execute(insert(AttemptQuestion), [dict(q, attempt_id=attempt.id) for q in questions])
    audit.record("quiz_started", actor=user, subject=user, module=module.slug,
                 attempt=attempt.id, number=attempt.number)
    return attempt


# --- answering -------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedAnswer:
    position: int
    answer: Any
    is_flagged: bool


def save_answers(attempt: QuizAttempt, answers: Sequence[SavedAnswer], now: datetime) -> None:
    """Save answers of an open attempt; raises AttemptClosed once it takes no more."""
    if not attempt.is_open:
        raise AttemptClosed
    if not quiz.accepts_answers(now, attempt.deadline_at, grace()):
        close(attempt, now)
        raise AttemptClosed
    for item in answers:
        updated = db.session.execute(_save_answer_statement(), {
            "of_attempt": attempt.id, "at_position": item.position, "new_answer": item.answer,
            "flagged": item.is_flagged, "when": now if is_answered(item.answer) else None})
        if updated.rowcount == 0:
            raise AttemptClosed


# --- finishing -------------------------------------------------------------------------


def close(attempt: QuizAttempt, now: datetime, *, by_trainee: bool = False) -> bool:
    """Finish the attempt and grade its saved answers, once: of two concurrent calls only
    one grades. Past the deadline and grace it is 'expired' whoever asks."""
    in_time = quiz.accepts_answers(now, attempt.deadline_at, grace())
    status = AttemptStatus.SUBMITTED if by_trainee and in_time else AttemptStatus.EXPIRED
    finished_at = now if in_time else attempt.deadline_at
    won = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.status == AttemptStatus.IN_PROGRESS)
        .values(status=status, finished_at=finished_at)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if not won:
        db.session.refresh(attempt)
        return False
    questions = questions_of(attempt, fresh=True)
    results = []
    for item in questions:
        item.share = grade(item.version.content, item.answer)
        results.append((item.share, item.points))
    outcome = quiz.score(results, attempt.settings["pass_mark"])
    attempt.status, attempt.finished_at = status, finished_at  # as written above
    attempt.points, attempt.max_points = outcome.points, outcome.max_points
    attempt.score, attempt.passed = outcome.percent, outcome.passed
    audit.record("quiz_submitted" if status == AttemptStatus.SUBMITTED else "quiz_expired",
                 actor_id=attempt.user_id if by_trainee else None, subject_id=attempt.user_id, attempt=attempt.id, score=outcome.percent,
                 passed=outcome.passed)
    if outcome.passed:
        certification.reevaluate(attempt.user_id, now)
    return True


def submit(attempt: QuizAttempt, now: datetime) -> None:
    """The trainee hands the attempt in (load it with ``to_write``)."""
    close(attempt, now, by_trainee=True)


def close_overdue(now: datetime) -> int:
    """Close every attempt past its deadline and grace, grading the answers it saved."""
    overdue = db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.status == AttemptStatus.IN_PROGRESS,
                                  QuizAttempt.deadline_at < now - grace())
    ).all()
    return sum(close(attempt, now) for attempt in overdue)
