"""What content owners read: item analysis of a module's questions and the trainees'
reports on them, and how practice calls went (pass rate, dimensions, choices per turn).
Pages name a question by its stem, a report by its kind and status in words, and a
call's turn by its number and what the customer said before it: never a bank id or a
node's slug (those stay in the addresses).

Every figure is added up in the database (GROUP BY, the JSON columns opened with
``json_each`` and its PostgreSQL kin), over the one module's or call's rows: the index
only counts, a module's or call's own page reads its item or turn statistics. Each is
kept for a minute per content release (``caches``), as plain values, so a page viewed
again, by anyone, is not counted again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    Float,
    FromClause,
    and_,
    case,
    cast,
    func,
    literal_column,
    select,
    true,
)
from sqlalchemy.orm import contains_eager

from trainingapp.caches import process_cache
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
from trainingapp.queries.content import release_key
from trainingapp.rules import analysis

FINISHED = (AttemptStatus.SUBMITTED, AttemptStatus.EXPIRED)
REPORT_STATUSES = {ReportStatus.OPEN: _l("Open"), ReportStatus.RESOLVED: _l("Resolved")}
ANALYSIS_SECONDS = 60

T = TypeVar("T")


def _kept(name: str, detail: int | None, make: Callable[[], T]) -> T:
    return process_cache.get(str(db.engine.url), (name, detail), make,
                             version=release_key(), max_age=ANALYSIS_SECONDS)


def _strings_in(column: Any) -> tuple[FromClause, ColumnElement[str], ColumnElement[bool]]:
    """The strings a JSON value holds (a list's string items, or the value itself when it
    is a string) as a table to join each row to: (table, the string, the condition that
    keeps only strings). SQLite's ``json_each`` takes a list or a single value;
    PostgreSQL's ``json_array_elements`` wants a list, so a single value is wrapped."""
    if db.engine.dialect.name == "postgresql":
        items = func.json_array_elements(case(
            (func.json_typeof(column) == "array", column),
            else_=func.json_build_array(column))).table_valued("value").alias("item")
        return (items, items.c.value.op("#>>")(literal_column("'{}'")),
                func.json_typeof(items.c.value) == "string")
    each = func.json_each(column).table_valued("value", "type").alias("item")
    return each, each.c.value, each.c.type == "text"


def _entries_of(column: Any) -> FromClause:
    """A JSON object's entries (key, value as text) as a table to join each row to."""
    each = func.json_each_text if db.engine.dialect.name == "postgresql" else func.json_each
    return each(column).table_valued("key", "value").alias("entry")


# --- the index: counts only --------------------------------------------------------------


@dataclass(frozen=True)
class ModuleSummary:
    slug: str
    title: dict[str, str]
    attempts: int  # finished ones
    passed: int
    open_reports: int

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.attempts if self.attempts else None


@dataclass(frozen=True)
class CallSummary:
    slug: str
    title: dict[str, str]
    runs: int  # finished ones
    passed: int
    critical_errors: int

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.runs if self.runs else None


class IndexCounts(NamedTuple):
    modules: list[ModuleSummary]  # every live module, in order
    calls: list[CallSummary]  # every live call, by slug


def index_counts() -> IndexCounts:
    return _kept("analysis_index", None, lambda: IndexCounts(_count_modules(), _count_calls()))


def _count_modules() -> list[ModuleSummary]:
    attempts = (
        select(QuizAttempt.module_id, func.count().label("attempts"),
               func.count().filter(QuizAttempt.passed.is_(True)).label("passed"))
        .where(QuizAttempt.status.in_(FINISHED))
        .group_by(QuizAttempt.module_id).subquery("attempts"))
    reports = (
        select(Question.module_id, func.count().label("open_reports"))
        .select_from(QuestionReport)
        .join(QuestionVersion, QuestionVersion.id == QuestionReport.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(QuestionReport.status == ReportStatus.OPEN)
        .group_by(Question.module_id).subquery("reports"))
    return [ModuleSummary(*row) for row in db.session.execute(
        select(Module.slug, Module.title, func.coalesce(attempts.c.attempts, 0),
               func.coalesce(attempts.c.passed, 0), func.coalesce(reports.c.open_reports, 0))
        .outerjoin(attempts, attempts.c.module_id == Module.id)
        .outerjoin(reports, reports.c.module_id == Module.id)
        .where(Module.retired_at.is_(None))
        .order_by(Module.position, Module.slug))]


def _count_calls() -> list[CallSummary]:
    runs = (
        select(CallRun.call_id, func.count().label("runs"),
               func.count().filter(CallRun.passed.is_(True)).label("passed"),
               func.sum(func.json_array_length(CallRun.critical_errors)).label("critical"))
        .where(CallRun.status == CallRunStatus.FINISHED)
        .group_by(CallRun.call_id).subquery("runs"))
    return [CallSummary(*row) for row in db.session.execute(
        select(Call.slug, Call.title, func.coalesce(runs.c.runs, 0),
               func.coalesce(runs.c.passed, 0), func.coalesce(runs.c.critical, 0))
        .outerjoin(runs, runs.c.call_id == Call.id)
        .where(Call.retired_at.is_(None))
        .order_by(Call.slug))]


# --- a module's page: item analysis -------------------------------------------------------


@dataclass(frozen=True)
class ModuleAnalysis:
    attempts: int
    pass_rate: float | None
    distribution: list[int]
    items: list[analysis.ItemStats]  # worst first
    kinds: dict[str, str]  # bank id → question type
    stems: dict[str, dict[str, str] | None]  # bank id → the current version's stem
    open_reports: dict[str, int]  # bank id → open reports


def _worst_first(item: analysis.ItemStats) -> tuple[bool, float, str]:
    known = item.discrimination if item.discrimination is not None else float("inf")
    return (not item.needs_review, known, item.question)


def analyse_module(module: Module) -> ModuleAnalysis:
    return _kept("analysis_module", module.id, lambda: _analyse_module(module.id))


def _analyse_module(module_id: int) -> ModuleAnalysis:
    finished = and_(QuizAttempt.module_id == module_id, QuizAttempt.status.in_(FINISHED))
    score = func.coalesce(QuizAttempt.score, 0.0).label("score")
    scores = db.session.execute(
        select(score, QuizAttempt.passed.is_(True).label("passed"), func.count())
        .where(finished).group_by(score, QuizAttempt.passed.is_(True))).all()
    attempts = sum(n for _, _, n in scores)
    kinds, stems = {}, {}
    for bank_id, kind, content in db.session.execute(
        select(Question.bank_id, Question.type, QuestionVersion.content)
        .join(QuestionVersion, and_(QuestionVersion.question_id == Question.id,
                                    QuestionVersion.version == Question.current_version))
        .where(Question.module_id == module_id)):
        kinds[bank_id], stems[bank_id] = kind, content.get("stem")
    reports = dict(db.session.execute(
        select(Question.bank_id, func.count(QuestionReport.id))
        .join(QuestionVersion, QuestionVersion.id == QuestionReport.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Question.module_id == module_id, QuestionReport.status == ReportStatus.OPEN)
        .group_by(Question.bank_id)
    ).all())
    return ModuleAnalysis(
        attempts=attempts,
        pass_rate=sum(n for _, passed, n in scores if passed) / attempts if attempts else None,
        distribution=analysis.score_distribution((s, n) for s, _, n in scores),
        items=sorted(analysis.item_statistics(item_totals(module_id)), key=_worst_first),
        kinds=kinds,
        stems=stems,
        open_reports=reports,
    )


def item_totals(module_id: int) -> list[analysis.ItemTotals]:
    """Each question's answers in the module's finished attempts, summed per question
    (and per third of the attempts ranked by score), and the options picked."""
    ranked = (
        select(QuizAttempt.id,
               func.row_number().over(order_by=(func.coalesce(QuizAttempt.score, 0.0),
                                                QuizAttempt.id)).label("rank"),
               func.count().over().label("attempts"))
        .where(QuizAttempt.module_id == module_id, QuizAttempt.status.in_(FINISHED),
               select(AttemptQuestion.id)
               .where(AttemptQuestion.attempt_id == QuizAttempt.id).exists())
        .subquery("ranked"))
    third = ranked.c.attempts // 3
    top, bottom = ranked.c.rank > ranked.c.attempts - third, ranked.c.rank <= third
    share = func.coalesce(AttemptQuestion.share, 0.0)
    answers = (select(AttemptQuestion)
               .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
               .join(Question, Question.id == QuestionVersion.question_id))
    picks: dict[str, dict[str, int]] = {}
    chosen, option, is_option = _strings_in(AttemptQuestion.answer)
    for bank_id, choice, n in db.session.execute(
        answers.join(QuizAttempt, QuizAttempt.id == AttemptQuestion.attempt_id)
        .join(chosen, true())
        .with_only_columns(Question.bank_id, option, func.count())
        .where(Question.module_id == module_id, Question.type.in_(analysis.CHOICE_TYPES),
               QuizAttempt.status.in_(FINISHED), is_option)
        .group_by(Question.bank_id, option)):
        picks.setdefault(bank_id, {})[choice] = n
    return [
        analysis.ItemTotals(bank_id, analysis.Share(n, earned or 0.0),
                            analysis.Share(n_top, top_earned or 0.0),
                            analysis.Share(n_bottom, bottom_earned or 0.0),
                            picks.get(bank_id, {}))
        for bank_id, n, earned, n_top, top_earned, n_bottom, bottom_earned
        in db.session.execute(answers.join(ranked, ranked.c.id == AttemptQuestion.attempt_id)
                              .with_only_columns(
            Question.bank_id, func.count(), func.sum(share),
            func.count().filter(top), func.sum(share).filter(top),
            func.count().filter(bottom), func.sum(share).filter(bottom),
        ).group_by(Question.bank_id))]


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
    runs: int  # finished ones
    pass_rate: float | None
    dimensions: dict[str, float]  # average 0..1 over the finished runs that had the dimension
    choices: dict[str, dict[str, int]]  # node → option → times chosen, in any run
    critical: dict[str, int]  # critical error → times made in finished runs


def analyse_call(call: Call) -> CallAnalysis:
    return _kept("analysis_call", call.id, lambda: _analyse_call(call.id))


def _analyse_call(call_id: int) -> CallAnalysis:
    finished = and_(CallRun.call_id == call_id, CallRun.status == CallRunStatus.FINISHED)
    runs, passed = db.session.execute(
        select(func.count(), func.count().filter(CallRun.passed.is_(True))).where(finished)).one()
    entry = _entries_of(CallRun.dimensions)
    score = cast(entry.c.value, Float)
    dimensions = dict(db.session.execute(
        select(entry.c.key, func.avg(score)).select_from(CallRun).join(entry, true())
        .where(finished, score.is_not(None)).group_by(entry.c.key)).all())
    made, error, is_error = _strings_in(CallRun.critical_errors)
    critical = dict(db.session.execute(
        select(error, func.count()).select_from(CallRun).join(made, true())
        .where(finished, is_error).group_by(error)).all())
    choices: dict[str, dict[str, int]] = {}
    for node, option, count in db.session.execute(
        select(CallTurn.node, CallTurn.option, func.count())
        .join(CallRun, CallRun.id == CallTurn.run_id)
        .where(CallRun.call_id == call_id, CallTurn.option.is_not(None))
        .group_by(CallTurn.node, CallTurn.option)
    ).all():
        choices.setdefault(node, {})[option] = count
    return CallAnalysis(runs=runs, pass_rate=passed / runs if runs else None,
                        dimensions=dimensions, choices=choices, critical=critical)


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
