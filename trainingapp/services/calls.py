"""Running a simulated call: start (or resume), take each agent turn, finish and score.

The run pins the call version (and its rubric) it started with. The rules
(``rules.calls``) walk the graph, time and answer each turn; this module loads the run,
asks them, and keeps what they decided: the turn taken, where the call waits now and
since when, and the score when it ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from trainingapp import unit_of_work
from trainingapp.extensions import db
from trainingapp.models import Call, CallRun, CallRunStatus, CallTurn, CallVersion, User
from trainingapp.rules import calls
from trainingapp.rules.calls import TurnRejected
from trainingapp.services import audit, certification


class CallRefused(Exception):
    """No attempts left at this call."""


def live_calls() -> Sequence[Call]:
    return db.session.scalars(select(Call).where(Call.retired_at.is_(None))
                              .order_by(Call.slug)).all()


def get_call(slug: str) -> Call | None:
    return db.session.scalar(select(Call).where(Call.slug == slug,
                                                Call.retired_at.is_(None)))


def runs_of(user_id: int) -> Sequence[CallRun]:
    return db.session.scalars(select(CallRun).where(CallRun.user_id == user_id)
                              .options(joinedload(CallRun.call))
                              .order_by(CallRun.call_id, CallRun.number)).all()


def get_run_for(user: User, run_id: int, *, to_write: bool = False) -> CallRun | None:
    if to_write:
        unit_of_work.writing()
    return db.session.scalar(
        select(CallRun).where(CallRun.id == run_id, CallRun.user_id == user.id)
        .options(joinedload(CallRun.version), joinedload(CallRun.call)))


def get_run(run_id: int) -> CallRun | None:
    """Anyone's run, for a reader whose right to see it the caller has checked."""
    return db.session.scalar(
        select(CallRun).where(CallRun.id == run_id)
        .options(joinedload(CallRun.version), joinedload(CallRun.call)))


def turns_of(run: CallRun) -> list[CallTurn]:
    return list(db.session.scalars(select(CallTurn).where(CallTurn.run_id == run.id)
                                   .order_by(CallTurn.seq)))


def _script(run: CallRun) -> dict[str, Any]:
    return run.version.content["call"]


def _arrive(run: CallRun, position: calls.Position, now: datetime) -> None:
    """The call comes to its next agent turn, shown from ``now``, or to its end."""
    run.node, run.visits, run.turn_started_at = position.node, position.visits, now
    if position.outcome is not None:
        _finish(run, position.outcome, now)


def start(user: User, call: Call, now: datetime) -> CallRun:
    unit_of_work.writing()
    runs = db.session.scalars(select(CallRun).where(
        CallRun.user_id == user.id, CallRun.call_id == call.id)).all()
    current = next((r for r in runs if r.is_open), None)
    if current is not None:
        return current
    version = db.session.scalar(select(CallVersion).where(
        CallVersion.call_id == call.id,
        CallVersion.version == call.current_version))
    allowed = version.content["call"]["attempts_allowed"]
    if allowed and len(runs) >= allowed:
        raise CallRefused
    run = CallRun(user_id=user.id, call_id=call.id, version_id=version.id,
                  version=version, number=len(runs) + 1, status=CallRunStatus.IN_PROGRESS,
                  started_at=now, node=version.content["call"]["start"],
                  turn_started_at=now, visits={})
    try:
        with db.session.begin_nested():
            db.session.add(run)
            db.session.flush()
            _arrive(run, calls.start(version.content["call"]), now)
    except IntegrityError:
        existing = db.session.scalar(select(CallRun).where(
            CallRun.user_id == user.id, CallRun.call_id == call.id,
            CallRun.status == CallRunStatus.IN_PROGRESS))
        if existing is None:
            raise
        return existing
    audit.record("call_started", actor=user, subject=user, scenario=call.slug, run=run.id)
    return run


def take_turn(run: CallRun, node_id: str, now: datetime, *, choice: int | None = None,
              reply: str | None = None) -> calls.Answer:
    """Answer the current turn. ``node_id`` is the turn the page showed (a stale page is
    refused); ``choice`` the shown position of the option picked, or ``reply`` the text."""
    if not run.is_open or node_id != run.node:
        raise TurnRejected("stale")
    script, position = _script(run), calls.Position(run.node, run.visits)
    answer = calls.answer(script, run.version.content["rubric"], run.id, position,
                          run.turn_started_at, now, choice=choice, reply=reply)
    taken = db.session.scalar(select(func.count()).where(CallTurn.run_id == run.id)) or 0
    db.session.add(CallTurn(
        run_id=run.id, seq=taken + 1, node=answer.node, option=answer.option,
        reply=answer.reply, matched=list(answer.matched), available=answer.available,
        earned=answer.earned, critical=answer.critical, next_node=answer.next_node,
        is_late=answer.late, seconds=answer.seconds, answered_at=now))
    if answer.hung_up:
        run.node = answer.next_node
        _finish(run, "customer_hung_up", now)
    else:
        _arrive(run, calls.step(script, answer.next_node, run.visits), now)
    return answer


def _finish(run: CallRun, outcome: str, now: datetime) -> None:
    db.session.flush()
    script, rubric = _script(run), run.version.content["rubric"]
    taken = [calls.Turn(t.node, t.available, t.earned, t.critical, t.is_late)
             for t in turns_of(run)]
    result = calls.score_call(rubric, taken, script["pass_mark"])
    run.status, run.finished_at, run.outcome = CallRunStatus.FINISHED, now, outcome
    run.score, run.passed = result.score, result.passed
    run.critical_errors, run.dimensions = list(result.critical_errors), result.dimensions
    audit.record("call_finished", actor_id=run.user_id, subject_id=run.user_id, run=run.id,
                 score=result.score, passed=result.passed, critical=list(result.critical_errors))
    if result.passed:
        certification.reevaluate(run.user_id, now)






