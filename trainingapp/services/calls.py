"""Running a simulated call: start (or resume), take each agent turn, finish and score.

The run pins the scenario version (and its rubric) it started with. The rules
(``rules.calls``) walk the graph, time and answer each turn; this module loads the run,
asks them, and keeps what they decided: the turn taken, where the call waits now and
since when, and the score when it ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from trainingapp.database import begin_write
from trainingapp.extensions import db
from trainingapp.models import RunStatus, RunTurn, Scenario, ScenarioRun, ScenarioVersion, User
from trainingapp.rules import calls
from trainingapp.rules.calls import TurnRejected
from trainingapp.services import audit, certification


class CallRefused(Exception):
    """No attempts left at this scenario."""


def live_scenarios() -> Sequence[Scenario]:
    return db.session.scalars(select(Scenario).where(Scenario.retired_at.is_(None))
                              .order_by(Scenario.slug)).all()


def get_scenario(slug: str) -> Scenario | None:
    return db.session.scalar(select(Scenario).where(Scenario.slug == slug,
                                                    Scenario.retired_at.is_(None)))


def runs_of(user_id: int) -> Sequence[ScenarioRun]:
    return db.session.scalars(select(ScenarioRun).where(ScenarioRun.user_id == user_id)
                              .options(joinedload(ScenarioRun.scenario))
                              .order_by(ScenarioRun.scenario_id, ScenarioRun.number)).all()


def get_run_for(user: User, run_id: int, *, to_write: bool = False) -> ScenarioRun | None:
    if to_write:
        begin_write()
    return db.session.scalar(
        select(ScenarioRun).where(ScenarioRun.id == run_id, ScenarioRun.user_id == user.id)
        .options(joinedload(ScenarioRun.version), joinedload(ScenarioRun.scenario)))


def turns_of(run: ScenarioRun) -> list[RunTurn]:
    return list(db.session.scalars(select(RunTurn).where(RunTurn.run_id == run.id)
                                   .order_by(RunTurn.seq)))


def _scenario(run: ScenarioRun) -> dict[str, Any]:
    return run.version.content["scenario"]


def _arrive(run: ScenarioRun, position: calls.Position, now: datetime) -> None:
    """The call comes to its next agent turn, shown from ``now``, or to its end."""
    run.node, run.visits, run.turn_started_at = position.node, position.visits, now
    if position.outcome is not None:
        _finish(run, position.outcome, now)


def start(user: User, scenario: Scenario, now: datetime) -> ScenarioRun:
    begin_write()
    runs = db.session.scalars(select(ScenarioRun).where(
        ScenarioRun.user_id == user.id, ScenarioRun.scenario_id == scenario.id)).all()
    current = next((r for r in runs if r.is_open), None)
    if current is not None:
        return current
    version = db.session.scalar(select(ScenarioVersion).where(
        ScenarioVersion.scenario_id == scenario.id,
        ScenarioVersion.version == scenario.current_version))
    allowed = version.content["scenario"]["attempts_allowed"]
    if allowed and len(runs) >= allowed:
        raise CallRefused
    run = ScenarioRun(user_id=user.id, scenario_id=scenario.id, version_id=version.id,
                      version=version, number=len(runs) + 1, status=RunStatus.IN_PROGRESS,
                      started_at=now, node=version.content["scenario"]["start"],
                      turn_started_at=now, visits={})
    try:
        with db.session.begin_nested():
            db.session.add(run)
            db.session.flush()
            _arrive(run, calls.start(version.content["scenario"]), now)
    except IntegrityError:
        existing = db.session.scalar(select(ScenarioRun).where(
            ScenarioRun.user_id == user.id, ScenarioRun.scenario_id == scenario.id,
            ScenarioRun.status == RunStatus.IN_PROGRESS))
        if existing is None:
            raise
        return existing
    audit.record("call_started", actor=user, subject=user, scenario=scenario.slug, run=run.id)
    return run


def take_turn(run: ScenarioRun, node_id: str, now: datetime, *, choice: int | None = None,
              reply: str | None = None) -> calls.Answer:
    """Answer the current turn. ``node_id`` is the turn the page showed (a stale page is
    refused); ``choice`` the shown position of the option picked, or ``reply`` the text."""
    if not run.is_open or node_id != run.node:
        raise TurnRejected("stale")
    scenario, position = _scenario(run), calls.Position(run.node, run.visits)
    answer = calls.answer(scenario, run.version.content["rubric"], run.id, position,
                          run.turn_started_at, now, choice=choice, reply=reply)
    taken = db.session.scalar(select(func.count()).where(RunTurn.run_id == run.id)) or 0
    db.session.add(RunTurn(
        run_id=run.id, seq=taken + 1, node=answer.node, option=answer.option,
        reply=answer.reply, matched=list(answer.matched), available=answer.available,
        earned=answer.earned, critical=answer.critical, next_node=answer.next_node,
        is_late=answer.late, seconds=answer.seconds, answered_at=now))
    if answer.hung_up:
        run.node = answer.next_node
        _finish(run, "customer_hung_up", now)
    else:
        _arrive(run, calls.step(scenario, answer.next_node, run.visits), now)
    return answer


def _finish(run: ScenarioRun, outcome: str, now: datetime) -> None:
    db.session.flush()
    scenario, rubric = _scenario(run), run.version.content["rubric"]
    taken = [calls.Turn(t.node, t.available, t.earned, t.critical, t.is_late)
             for t in turns_of(run)]
    result = calls.score_call(rubric, taken, scenario["pass_mark"])
    run.status, run.finished_at, run.outcome = RunStatus.FINISHED, now, outcome
    run.score, run.passed = result.score, result.passed
    run.critical_errors, run.dimensions = list(result.critical_errors), result.dimensions
    audit.record("call_finished", subject_id=run.user_id, run=run.id, score=result.score,
                 passed=result.passed, critical=list(result.critical_errors))
    if result.passed:
        certification.reevaluate(run.user_id, now)


# --- analytics for content owners ---------------------------------------------------------


@dataclass(frozen=True)
class ScenarioAnalysis:
    scenario: Scenario
    runs: int
    pass_rate: float | None
    dimensions: dict[str, float]  # average 0..1 over the runs that had the dimension
    choices: dict[str, dict[str, int]]  # node → option → times chosen
    critical: dict[str, int]


def analyse(scenario: Scenario) -> ScenarioAnalysis:
    finished = db.session.scalars(select(ScenarioRun).where(
        ScenarioRun.scenario_id == scenario.id, ScenarioRun.status == RunStatus.FINISHED)).all()
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
        select(RunTurn.node, RunTurn.option, func.count())
        .join(ScenarioRun, ScenarioRun.id == RunTurn.run_id)
        .where(ScenarioRun.scenario_id == scenario.id, RunTurn.option.is_not(None))
        .group_by(RunTurn.node, RunTurn.option)
    ).all():
        choices.setdefault(node, {})[option] = count
    return ScenarioAnalysis(
        scenario=scenario,
        runs=len(finished),
        pass_rate=(sum(1 for r in finished if r.passed) / len(finished)) if finished else None,
        dimensions={d: sum(v) / len(v) for d, v in sums.items()},
        choices=choices,
        critical=critical,
    )


def current_content(scenario: Scenario) -> dict[str, Any]:
    return db.session.scalar(select(ScenarioVersion.content).where(
        ScenarioVersion.scenario_id == scenario.id,
        ScenarioVersion.version == scenario.current_version))
