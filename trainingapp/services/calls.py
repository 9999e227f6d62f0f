"""Running a simulated call: start (or resume), take each agent turn, finish and score.

The run pins the scenario version (and its rubric) it started with. The server times
each turn from the moment it was shown: a late answer earns nothing and costs the
rubric's waiting penalty, and a caller kept waiting three times the limit hangs up.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from trainingapp import unit_of_work
from trainingapp.extensions import db
from trainingapp.models import (
    RunStatus,
    RunTurn,
    Scenario,
    ScenarioRun,
    ScenarioVersion,
    User,
)
from trainingapp.rules import calls
from trainingapp.services import audit, certification

NETWORK_GRACE = timedelta(seconds=5)
HANG_UP_AFTER = 3  # times the turn's limit


class CallRefused(Exception):
    """No attempts left at this scenario."""


class TurnRejected(ValueError):
    """The answer does not fit the current turn (stale page, unknown choice, empty reply)."""


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
        unit_of_work.writing()
    return db.session.scalar(
        select(ScenarioRun).where(ScenarioRun.id == run_id, ScenarioRun.user_id == user.id)
        .options(joinedload(ScenarioRun.version), joinedload(ScenarioRun.scenario)))


def turns_of(run: ScenarioRun) -> list[RunTurn]:
    return list(db.session.scalars(select(RunTurn).where(RunTurn.run_id == run.id)
                                   .order_by(RunTurn.seq)))


def _scenario(run: ScenarioRun) -> dict[str, Any]:
    return run.version.content["scenario"]


def turn_seconds(scenario: dict[str, Any], node: dict[str, Any]) -> int:
    return node.get("seconds") or scenario["turn_seconds"]


def display_order(run: ScenarioRun, node_id: str, node: dict[str, Any]) -> list[str]:
    """The order a choice turn's options are shown in: shuffled, the same on every load."""
    ids = [option["id"] for option in node["options"]]
    random.Random(f"{run.id}:{node_id}:{run.visits.get(node_id, 0)}").shuffle(ids)
    return ids


def _settle(run: ScenarioRun, node_id: str, now: datetime) -> None:
    """Follow the customer's lines to the next agent turn or the end of the call."""
    nodes = _scenario(run)["nodes"]
    for _ in range(len(nodes) + 1):
        node = nodes[node_id]
        if node["type"] == "customer":
            node_id = node["next"]
            continue
        if node["type"] in ("choice", "free_text"):
            visits = dict(run.visits)
            if node.get("max_visits") and visits.get(node_id, 0) >= node["max_visits"]:
                node_id = node["exhausted_next"]
                continue
            visits[node_id] = visits.get(node_id, 0) + 1
            run.visits = visits
        break
    run.node, run.turn_started_at = node_id, now
    if nodes[node_id]["type"] == "end":
        _finish(run, nodes[node_id]["outcome"], now)


def start(user: User, scenario: Scenario, now: datetime) -> ScenarioRun:
    unit_of_work.writing()
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
            _settle(run, run.node, now)
    except IntegrityError:
        existing = db.session.scalar(select(ScenarioRun).where(
            ScenarioRun.user_id == user.id, ScenarioRun.scenario_id == scenario.id,
            ScenarioRun.status == RunStatus.IN_PROGRESS))
        if existing is None:
            raise
        return existing
    audit.record("call_started", actor=user, subject=user, scenario=scenario.slug, run=run.id)
    return run


@dataclass(frozen=True)
class TurnResult:
    late: bool
    hung_up: bool


def take_turn(run: ScenarioRun, node_id: str, now: datetime, *, choice: int | None = None,
              reply: str | None = None) -> TurnResult:
    """Answer the current turn. ``node_id`` is the turn the page showed (a stale page is
    refused); ``choice`` the shown position of the option picked, or ``reply`` the text."""
    if not run.is_open or node_id != run.node:
        raise TurnRejected("stale")
    scenario, rubric = _scenario(run), run.version.content["rubric"]
    node = scenario["nodes"][run.node]
    limit = timedelta(seconds=turn_seconds(scenario, node))
    waited = now - run.turn_started_at
    late = waited > limit + NETWORK_GRACE
    taken = db.session.scalar(select(func.count()).where(RunTurn.run_id == run.id)) or 0
    turn = RunTurn(run_id=run.id, seq=taken + 1, node=run.node,
                   available=calls.available(node), seconds=waited.total_seconds(),
                   is_late=late, answered_at=now)
    if node["type"] == "choice":
        order = display_order(run, run.node, node)
        if choice is None or not 0 <= choice < len(order):
            raise TurnRejected("choice")
        option = next(o for o in node["options"] if o["id"] == order[choice])
        turn.option, turn.earned = option["id"], dict(option.get("points", {}))
        turn.critical, turn.next_node = option.get("critical"), option["next"]
    else:
        text = (reply or "").strip()[:2000]
        if not text:
            raise TurnRejected("reply")
        judged = calls.judge_reply(node, rubric, text)
        turn.reply, turn.matched, turn.earned = text, list(judged.matched), judged.points
        turn.critical = judged.critical
        turn.next_node = node["next_pass"] if judged.passed else node["next_fail"]
    db.session.add(turn)
    hung_up = waited > limit * HANG_UP_AFTER
    if hung_up:
        run.node = turn.next_node
        _finish(run, "customer_hung_up", now)
    else:
        _settle(run, turn.next_node, now)
    return TurnResult(late, hung_up)


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
