"""Item analysis of a module's questions, question reports, and regrading after a key
is corrected."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from trainingapp import unit_of_work
from trainingapp.extensions import db
from trainingapp.models import (
    AttemptQuestion,
    AttemptStatus,
    Module,
    Question,
    QuestionReport,
    QuestionVersion,
    QuizAttempt,
    ReportStatus,
    User,
)
from trainingapp.rules import analysis, quiz
from trainingapp.rules.questions import grade
from trainingapp.services import audit, certification

FINISHED = (AttemptStatus.SUBMITTED, AttemptStatus.EXPIRED)


def module_responses(module: Module) -> list[analysis.Response]:
    rows = db.session.execute(
        select(AttemptQuestion.attempt_id, QuizAttempt.score, Question.bank_id, Question.type,
               AttemptQuestion.share, AttemptQuestion.answer)
        .join(QuizAttempt, QuizAttempt.id == AttemptQuestion.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(QuizAttempt.module_id == module.id, QuizAttempt.status.in_(FINISHED))
    ).all()
    return [analysis.Response(a, score or 0.0, q, kind, share or 0.0, answer)
            for a, score, q, kind, share, answer in rows]


@dataclass(frozen=True)
class ModuleAnalysis:
    module: Module
    attempts: int
    pass_rate: float | None
    distribution: list[int]
    items: list[analysis.ItemStats]
    questions: dict[str, Question]
    open_reports: dict[str, int]


def _worst_first(item: analysis.ItemStats) -> tuple[bool, float, str]:
    known = item.discrimination if item.discrimination is not None else float("inf")
    return (not item.needs_review, known, item.question)


def analyse(module: Module) -> ModuleAnalysis:
    scores = db.session.execute(
        select(QuizAttempt.score, QuizAttempt.passed)
        .where(QuizAttempt.module_id == module.id, QuizAttempt.status.in_(FINISHED))
    ).all()
    questions = {q.bank_id: q for q in db.session.scalars(
        select(Question).where(Question.module_id == module.id))}
    reports = dict(db.session.execute(
        select(Question.bank_id, func.count(QuestionReport.id))
        .join(QuestionVersion, QuestionVersion.id == QuestionReport.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Question.module_id == module.id, QuestionReport.status == ReportStatus.OPEN)
        .group_by(Question.bank_id)
    ).all())
    return ModuleAnalysis(
        module=module,
        attempts=len(scores),
        pass_rate=(sum(1 for _, p in scores if p) / len(scores)) if scores else None,
        distribution=analysis.score_distribution([s or 0.0 for s, _ in scores]),
        items=sorted(analysis.item_statistics(module_responses(module)), key=_worst_first),
        questions=questions,
        open_reports=reports,
    )


def get_question(bank_id: str) -> Question | None:
    return db.session.scalar(select(Question).where(Question.bank_id == bank_id))


def versions_of(question: Question) -> Sequence[QuestionVersion]:
    return db.session.scalars(select(QuestionVersion).where(
        QuestionVersion.question_id == question.id).order_by(QuestionVersion.version)).all()


def reports_for(question: Question) -> Sequence[QuestionReport]:
    return db.session.scalars(
        select(QuestionReport).join(QuestionReport.version)
        .where(QuestionVersion.question_id == question.id)
        .options(contains_eager(QuestionReport.version))
        .order_by(QuestionReport.status, QuestionReport.created_at.desc())
    ).all()


def bank_id_of(report: QuestionReport) -> str:
    return db.session.scalar(
        select(Question.bank_id).join(QuestionVersion, QuestionVersion.question_id == Question.id)
        .where(QuestionVersion.id == report.question_version_id))


def resolve_report(report_id: int, actor: User) -> QuestionReport | None:
    report = db.session.get(QuestionReport, report_id)
    if report is not None and report.status == ReportStatus.OPEN:
        report.status = ReportStatus.RESOLVED
        audit.record("question_report_resolved", actor=actor, report=report.id)
    return report


# --- regrading --------------------------------------------------------------------------


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
