"""Giving training to people and following it up: assign (one person, a selection, a
team, a position), onboarding when a person is hired or changes position, due-date
extensions, and each assignment's status read from the results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import literal, select, union_all

from trainingapp.extensions import db
from trainingapp.models import (
    Assignment,
    AssignmentKind,
    AttemptStatus,
    Call,
    CallRun,
    CallRunStatus,
    DueDateExtension,
    Module,
    QuizAttempt,
    User,
    utcnow,
)
from trainingapp.rules.assignments import Progress, local_day, status
from trainingapp.rules.certification import evaluate
from trainingapp.services import audit, certification, notifications


class AssignmentError(ValueError):
    pass


def targets() -> dict[str, dict[str, dict[str, str]]]:
    """What can be assigned, by kind: slug → title."""
    return {
        "module": dict(db.session.execute(select(Module.slug, Module.title)
                                          .where(Module.retired_at.is_(None))
                                          .order_by(Module.position)).all()),
        "scenario": dict(db.session.execute(select(Call.slug, Call.title)
                                            .where(Call.retired_at.is_(None))
                                            .order_by(Call.slug)).all()),
        "track": {t.slug: t.title for t in certification.live_tracks()},
    }


def zone() -> ZoneInfo:
    """The organisation's time zone (``TRAININGAPP_TIMEZONE``): a due date is a day there."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def today(now: datetime) -> date:
    """The organisation's calendar date at ``now``."""
    return local_day(now, zone())


def already_assigned(people: Iterable[User], kind: str, target: str) -> list[Assignment]:
    """The assignments of this very thing that some of ``people`` have already, by name."""
    ids = [p.id for p in people]
    if not ids:
        return []
    return list(db.session.scalars(select(Assignment).where(
        Assignment.kind == kind, Assignment.target == target,
        Assignment.user_id.in_(ids)).order_by(Assignment.due_on, Assignment.id)))


@dataclass(frozen=True)
class Assigned:
    """What ``assign`` did: people newly given it, people whose assignment it changed, and
    people who had it already and kept it as it was."""

    added: int = 0
    changed: int = 0
    kept: int = 0

    @property
    def reached(self) -> int:
        return self.added + self.changed


def assign(actor: User | None, people: Iterable[User], kind: str, target: str,
           due_on: date, note: str = "", origin: str = "manual", *,
           replace: bool = False) -> Assigned:
    """Assign to each person, due on ``due_on`` (a day in the organisation's zone). Someone
    who has it already keeps their due date and note, unless ``replace`` (the assigner saw
    them and confirmed): then the new due date applies, and the new note if one is given;
    the change is recorded (a due-date extension and an audit event)."""
    if isinstance(due_on, datetime) or not isinstance(due_on, date):
        raise TypeError("due_on is a day (datetime.date), not an instant")
    if target not in targets().get(kind, {}):
        raise AssignmentError(f"nothing to assign called {kind}:{target}")
    people = list(people)
    note = note.strip()
    existing = {a.user_id: a for a in already_assigned(people, kind, target)}
    added = changed = kept = 0
    for person in people:
        current = existing.get(person.id)
        if current is None:
            db.session.add(Assignment(user_id=person.id, kind=AssignmentKind(kind), target=target,
                                      due_on=due_on, note=note, origin=origin,
                                      assigned_by_id=actor.id if actor else None))
            audit.record("assigned", actor=actor, subject=person, kind=kind, target=target,
                         due=due_on.isoformat(), origin=origin)
            added += 1
        elif replace:
            _change(actor, current, due_on, note)
            changed += 1
        else:
            kept += 1
            continue
        db.session.flush()
        notifications.notify(person.id, "assigned", f"assigned:{kind}:{target}:{due_on:%Y%m%d}",
                             utcnow(), {"kind": kind, "target": target,
                                        "due": due_on.isoformat()})
    return Assigned(added, changed, kept)


def _change(actor: User | None, assignment: Assignment, due_on: date, note: str) -> None:
    """Assigned again, confirmed: the new due date (recorded as an extension) and note."""
    previous_due, previous_note = assignment.due_on, assignment.note
    new_note = note or previous_note
    if due_on != previous_due and actor is not None:
        db.session.add(DueDateExtension(assignment_id=assignment.id, previous_due_on=previous_due,
                                        new_due_on=due_on, reason=note, extended_by_id=actor.id))
    audit.record("assignment_changed", actor=actor, subject_id=assignment.user_id,
                 assignment=assignment.id, kind=assignment.kind.value,
                 target=assignment.target, previous_due=previous_due.isoformat(),
                 due=due_on.isoformat(), previous_note=previous_note, note=new_note)
    assignment.due_on, assignment.note = due_on, new_note


def onboard(person: User, now: datetime, origin: str = "onboarding") -> int:
    """Assign the tracks the person's position requires, due N days (set per track) after
    the hire date, or after today (in the organisation's zone) for a position change."""
    code = certification.position_code(person)
    start = (person.hire_date if origin == "onboarding" and person.hire_date
             else today(now))
    count = 0
    for track in certification.tracks_for_position(code, certification.live_tracks()):
        already = db.session.scalar(select(Assignment.id).where(
            Assignment.user_id == person.id, Assignment.kind == AssignmentKind.TRACK,
            Assignment.target == track.slug))
        if already is None:
            count += assign(None, [person], "track", track.slug,
                            start + timedelta(days=track.content.get("due_days", 30)),
                            origin=origin).reached
    return count


def extend(actor: User, assignment: Assignment, new_due: date, reason: str) -> None:
    """Move a due date, saying why."""
    if not reason.strip():
        raise AssignmentError("reason required")
    db.session.add(DueDateExtension(assignment_id=assignment.id,
                                    previous_due_on=assignment.due_on, new_due_on=new_due,
                                    reason=reason.strip(), extended_by_id=actor.id))
    audit.record("due_date_extended", actor=actor, subject_id=assignment.user_id,
                 assignment=assignment.id, previous=assignment.due_on.isoformat(),
                 new=new_due.isoformat(), reason=reason.strip())
    assignment.due_on = new_due


def get(assignment_id: int) -> Assignment | None:
    return db.session.get(Assignment, assignment_id)


# --- status -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentView:
    assignment: Assignment
    progress: Progress


def _started(user_ids: Sequence[int]) -> dict[int, set[tuple[str, str]]]:
    """(kind, slug) of quizzes and calls each person has in progress, in one query."""
    quizzes = (select(QuizAttempt.user_id, literal("module"), Module.slug)
               .join(Module, Module.id == QuizAttempt.module_id)
               .where(QuizAttempt.user_id.in_(user_ids),
                      QuizAttempt.status == AttemptStatus.IN_PROGRESS))
    calls = (select(CallRun.user_id, literal("scenario"), Call.slug)
             .join(Call, Call.id == CallRun.call_id)
             .where(CallRun.user_id.in_(user_ids),
                    CallRun.status == CallRunStatus.IN_PROGRESS))
    found: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for user_id, kind, slug in db.session.execute(union_all(quizzes, calls)):
        found[user_id].add((kind, slug))
    return found


ORDER = {Progress.OVERDUE: 0, Progress.IN_PROGRESS: 1, Progress.NOT_STARTED: 2,
         Progress.COMPLETED: 3}


def for_people(people: Sequence[User], now: datetime) -> dict[int, list[AssignmentView]]:
    """Each person's assignments with their status, overdue first: a constant number of
    queries whatever the number of people."""
    ids = [p.id for p in people]
    found: dict[int, list[AssignmentView]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = db.session.scalars(select(Assignment).where(Assignment.user_id.in_(ids))).all()
    if not rows:
        return found
    statuses = {s.user.id: s for s in certification.statuses(people, now)}
    tracks = {t.slug: t for t in certification.live_tracks()}
    started = _started(ids)
    here = zone()
    for row in rows:
        person = statuses[row.user_id]
        decision = None
        if row.kind == AssignmentKind.TRACK:
            decision = person.clearance.tracks.get(row.target)
            if decision is None and row.target in tracks:  # a track beyond the position's
                decision = evaluate(tracks[row.target].content,
                                    [certification.as_rule(c) for c in
                                     person.certificates.get(row.target, [])],
                                    person.evidence, now)
        progress = status(row.kind.value, row.target, row.due_on, now, person.evidence,
                          started.get(row.user_id, set()), decision, zone=here)
        found[row.user_id].append(AssignmentView(row, progress))
    for views in found.values():
        views.sort(key=lambda v: (ORDER[v.progress], v.assignment.due_on))
    return found
