"""Regrading finished attempts after a question's key is corrected (each change audited,
a regrade may complete a track), and resolving the trainees' reports that led to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from trainingapp import unit_of_work
from trainingapp.extensions import db
from trainingapp.models import (
    AttemptQuestion,
    Question,
    QuestionReport,
    QuestionVersion,
    QuizAttempt,
    ReportStatus,
    User,
)
from trainingapp.queries.analysis import FINISHED
from trainingapp.rules import quiz
from trainingapp.rules.questions import grade
from trainingapp.services import audit, certification


def resolve_report(report_id: int, actor: User) -> QuestionReport | None:
    report = db.session.get(QuestionReport, report_id)
    if report is not None and report.status == ReportStatus.OPEN:
        report.status = ReportStatus.RESOLVED
        audit.record("question_report_resolved", actor=actor, report=report.id)
    return report


@dataclass(frozen=True)
class RegradeRow:
    item: AttemptQuestion
    attempt: QuizAttempt
    new_share: float
    new_score: float
    new_passed: bool

    @property
    def changes(self) -> bool:
        return (abs(self.new_share - (self.item.share or 0)) > 1e-9
                or self.new_passed != self.attempt.passed)


def regrade_preview(question: Question) -> list[RegradeRow]:
    """Finished attempts that answered an older version of ``question``, graded again
    against its current version."""
    current = db.session.scalar(select(QuestionVersion).where(
        QuestionVersion.question_id == question.id,
        QuestionVersion.version == question.current_version))
    items = db.session.scalars(
        select(AttemptQuestion)
        .join(AttemptQuestion.attempt)
        .join(AttemptQuestion.version)
        .where(QuestionVersion.question_id == question.id,
               QuestionVersion.id != current.id,
               QuizAttempt.status.in_(FINISHED))
        .options(contains_eager(AttemptQuestion.attempt), contains_eager(AttemptQuestion.version))
        .order_by(QuizAttempt.id)
    ).all()
    rows = []
    for item in items:
        attempt = item.attempt
        if current.content["type"] != item.version.content["type"]:
            continue  # another kind of question now: the old answers do not fit it
        share = grade(current.content, item.answer)
        points = (attempt.points or 0) + (share - (item.share or 0)) * item.points
        outcome = quiz.from_points(points, attempt.max_points or 0, attempt.settings["pass_mark"])
        rows.append(RegradeRow(item, attempt, share, outcome.percent, outcome.passed))
    return rows


def apply_regrade(question: Question, actor: User, now: datetime) -> int:
    """Regrade every affected attempt against the current version; each change audited."""
    unit_of_work.writing()
    rows = regrade_preview(question)
    current_id = db.session.scalar(select(QuestionVersion.id).where(
        QuestionVersion.question_id == question.id,
        QuestionVersion.version == question.current_version))
    for row in rows:
        attempt, item = row.attempt, row.item
        before = (attempt.score, attempt.passed)
        attempt.points = (attempt.points or 0) + (row.new_share - (item.share or 0)) * item.points
        attempt.score, attempt.passed = row.new_score, row.new_passed
        item.share, item.question_version_id = row.new_share, current_id
        audit.record("quiz_regraded", actor=actor, subject_id=attempt.user_id,
                     attempt=attempt.id, question=question.bank_id,
                     score_before=before[0], score_after=attempt.score,
                     passed_before=before[1], passed_after=attempt.passed, at=now.isoformat())
    for user_id in {row.attempt.user_id for row in rows if row.new_passed}:
        certification.reevaluate(user_id, now)  # a regrade can complete a track
    return len(rows)
