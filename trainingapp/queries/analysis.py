"""What content owners read: item analysis of a module's questions and the trainees'
reports on them, and how practice calls went (pass rate, dimensions, choices per turn).
Pages name a question by its stem, a report by its kind and status in words, and a
call's turn by its number and what the customer said before it: never a bank id or a
node's slug (those stay in the addresses)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
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
REPORT_STATUSES = {ReportStatus.OPEN: _l("Open"), ReportStatus.RESOLVED: _l("Resolved")}


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
    stems: dict[str, dict[str, str]]  # bank id → the current version's stem


def _worst_first(item: analysis.ItemStats) -> tuple[bool, float, str]:
    known = item.discrimination if item.discrimination is not None else float("inf")
    return (not item.needs_review, known, item.question)


def analyse_module(module: Module) -> ModuleAnalysis:
    scores = db.session.execute(
        select(QuizAttempt.score, QuizAttempt.passed)
        .where(QuizAttempt.module_id == module.id, QuizAttempt.status.in_(FINISHED))
    ).all()
    questions, stems = {}, {}
    for question, content in db.session.execute(
        select(Question, QuestionVersion.content)
        .join(QuestionVersion, and_(QuestionVersion.question_id == Question.id,
                                    QuestionVersion.version == Question.current_version))
        .where(Question.module_id == module.id)):
        questions[question.bank_id], stems[question.bank_id] = question, content.get("stem")
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
        stems=stems,
    )


def stem_of(question: Question) -> dict[str, str] | None:
    """The current version's stem: what the question is called on the pages."""
    return db.session.scalar(select(QuestionVersion.content).where(
        QuestionVersion.question_id == question.id,
        QuestionVersion.version == question.current_version)).get("stem")


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


@dataclass(frozen=True)
class Turn:
    node: str  # the node's id, to find its choices; never shown
    number: int
    prompt: dict[str, str] | None  # what the customer said just before, if anyone did


def choice_turns(content: dict[str, Any]) -> list[Turn]:
    """The call's choice turns in the order of the file, numbered from 1, each with the
    customer's line that leads to it."""
    nodes = content["call"]["nodes"]
    said = {node["next"]: node.get("say") for node in nodes.values()
            if node.get("type") == "customer" and node.get("next")}
    choices = [node_id for node_id, node in nodes.items() if node.get("type") == "choice"]
    return [Turn(node_id, n, said.get(node_id)) for n, node_id in enumerate(choices, 1)]
