"""Giving training to people and following it up: assign (one person, a selection, a
team, a position), onboarding when a person is hired or changes position, due-date
extensions, and each assignment's status read from the results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

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
from trainingapp.rules.assignments import Progress, status
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


def assign(actor: User | None, people: Iterable[User], kind: str, target: str,
           due_at: datetime, note: str = "", origin: str = "manual") -> int:
    """Assign to each person (an existing assignment of the same thing gets the new due
    date and note). Returns how many people it reached."""
    if target not in targets().get(kind, {}):
        raise AssignmentError(f"nothing to assign called {kind}:{target}")
    people = list(people)
    existing = {a.user_id: a for a in db.session.scalars(select(Assignment).where(
        Assignment.kind == kind, Assignment.target == target,
        Assignment.user_id.in_([p.id for p in people])))}
    for person in people:
        current = existing.get(person.id)
        if current is None:
            db.session.add(Assignment(user_id=person.id, kind=AssignmentKind(kind), target=target,
                                      due_at=due_at, note=note.strip(), origin=origin,
                                      assigned_by_id=actor.id if actor else None))
        else:
            current.due_at, current.note = due_at, note.strip() or current.note
        audit.record("assigned", actor=actor, subject=person, kind=kind, target=target,
                     due_at=due_at.isoformat(), origin=origin)
        db.session.flush()
        notifications.notify(person.id, "assigned", f"assigned:{kind}:{target}:{due_at:%Y%m%d}",
                             utcnow(), {"kind": kind, "target": target,
                                        "due": due_at.isoformat()})
    return len(people)


def onboard(person: User, now: datetime, origin: str = "onboarding") -> int:
    """Assign the tracks the person's position requires, due N days (set per track) after
    the hire date, or after today for a position change."""
    code = certification.position_code(person)
    start = (datetime.combine(person.hire_date, time(9), tzinfo=UTC)
             if origin == "onboarding" and person.hire_date else now)
    count = 0
    for track in certification.tracks_for_position(code, certification.live_tracks()):
        already = db.session.scalar(select(Assignment.id).where(
            Assignment.user_id == person.id, Assignment.kind == AssignmentKind.TRACK,
            Assignment.target == track.slug))
        if already is None:
            count += assign(None, [person], "track", track.slug,
                            start + timedelta(days=track.content.get("due_days", 30)),
                            origin=origin)
    return count


def extend(actor: User, assignment: Assignment, new_due: datetime, reason: str) -> None:
    if not reason.strip():
        raise AssignmentError("reason required")
    db.session.add(DueDateExtension(assignment_id=assignment.id,
                                    previous_due_at=assignment.due_at, new_due_at=new_due,
                                    reason=reason.strip(), extended_by_id=actor.id))
    audit.record("due_date_extended", actor=actor, subject_id=assignment.user_id,
                 assignment=assignment.id, previous=assignment.due_at.isoformat(),
                 new=new_due.isoformat(), reason=reason.strip())
    assignment.due_at = new_due


def due_at_end_of(day: date) -> datetime:
    """Due on ``day``: due until the end of that day (in UTC)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


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
        progress = status(row.kind.value, row.target, row.due_at, now, person.evidence,
                          started.get(row.user_id, set()), decision)
        found[row.user_id].append(AssignmentView(row, progress))
    for views in found.values():
        views.sort(key=lambda v: (ORDER[v.progress], v.assignment.due_at))
    return found
