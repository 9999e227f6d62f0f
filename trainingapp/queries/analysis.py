"""What content owners read: item analysis of a module's questions and the trainees'
reports on them, and how practice calls went (pass rate, dimensions, choices per turn)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from trainingapp.extensions import db
from trainingapp.models import (
    AttemptQuestion,
    AttemptStatus,
    Call,
    CallRun,
    CallRunStatus,
    CallTurn,
    CallVersion,
    Module,
    Question,
    QuestionReport,
    QuestionVersion,
    QuizAttempt,
    ReportStatus,
)
from trainingapp.rules import analysis

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


def analyse_module(module: Module) -> ModuleAnalysis:
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



# --- practice calls ---------------------------------------------------------------------


@dataclass(frozen=True)
class CallAnalysis:
    call: Call
    runs: int
    pass_rate: float | None
    dimensions: dict[str, float]  # average 0..1 over the runs that had the dimension
    choices: dict[str, dict[str, int]]  # node → option → times chosen
    critical: dict[str, int]


def analyse_call(call: Call) -> CallAnalysis:
    finished = db.session.scalars(select(CallRun).where(
        CallRun.call_id == call.id, CallRun.status == CallRunStatus.FINISHED)).all()
    sums: dict[str, list[float]] = {}
    critical: dict[str, int] = {}
    for run in finished:
        for dimension, value in (run.dimensions or {}).items():
            if value is not None:
                sums.setdefault(dimension, []).append(value)
        for error in run.critical_errors or []:
            critical[error] = critical.get(error, 0) + 1
    choices: dict[str, dict[str, int]] = {}
    for node, option, count in db.session.execute(
        select(CallTurn.node, CallTurn.option, func.count())
        .join(CallRun, CallRun.id == CallTurn.run_id)
        .where(CallRun.call_id == call.id, CallTurn.option.is_not(None))
        .group_by(CallTurn.node, CallTurn.option)
    ).all():
        choices.setdefault(node, {})[option] = count
    return CallAnalysis(
        call=call,
        runs=len(finished),
        pass_rate=(sum(1 for r in finished if r.passed) / len(finished)) if finished else None,
        dimensions={d: sum(v) / len(v) for d, v in sums.items()},
        choices=choices,
        critical=critical,
    )


def current_call_content(call: Call) -> dict[str, Any]:
    return db.session.scalar(select(CallVersion.content).where(
        CallVersion.call_id == call.id,
        CallVersion.version == call.current_version))
