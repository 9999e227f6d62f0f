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
from sqlalchemy import Row, insert, literal, select, union_all, update

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


CHUNK = 1000  # people looked up together (one IN list each) and written in one statement each


Held = Row[tuple[int, int, date, str]]  # an assignment someone has: id, user_id, due_on, note


def already_assigned(people: Iterable[User], kind: str, target: str) -> list[Held]:
    """The assignments of this very thing that some of ``people`` have already, by due
    date; looked up a chunk of people at a time, read as rows."""
    ids = [p.id for p in people]
    found = [a for start in range(0, len(ids), CHUNK)
             for a in _assigned(ids[start:start + CHUNK], kind, target)]
    return sorted(found, key=lambda a: (a.due_on, a.id))


def _assigned(ids: Sequence[int], kind: str, target: str) -> Sequence[Held]:
    """The assignments of this thing that these people (a chunk) have, in one query."""
    if not ids:
        return []
    return db.session.execute(select(
        Assignment.id, Assignment.user_id, Assignment.due_on, Assignment.note).where(
        Assignment.kind == kind, Assignment.target == target,
        Assignment.user_id.in_(ids))).all()


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

    def __add__(self, other: Assigned) -> Assigned:
        return Assigned(self.added + other.added, self.changed + other.changed,
                        self.kept + other.kept)


def assign(actor: User | None, people: Iterable[User], kind: str, target: str,
           due_on: date, note: str = "", origin: str = "manual", *,
           replace: bool = False) -> Assigned:
    """Assign to each person, due on ``due_on`` (a day in the organisation's zone). Someone
    who has it already keeps their due date and note, unless ``replace`` (the assigner saw
    them and confirmed): then the new due date applies, and the new note if one is given;
    the change is recorded (a due-date extension and an audit event). Each person reached
    is notified. A chunk of people at a time, each chunk's assignments, audit rows and
    notifications written in one statement each: a constant number of queries per chunk."""
    if isinstance(due_on, datetime) or not isinstance(due_on, date):
        raise TypeError("due_on is a day (datetime.date), not an instant")
    if target not in targets().get(kind, {}):
        raise AssignmentError(f"nothing to assign called {kind}:{target}")
    ids = sorted({p.id for p in people})  # in key order: two at once wait, not deadlock
    given = _Given(actor, AssignmentKind(kind), target, due_on, note.strip(), origin, utcnow())
    done = Assigned()
    for start in range(0, len(ids), CHUNK):
        done += given.to(ids[start:start + CHUNK], replace)
    return done


@dataclass(frozen=True)
class _Given:
    """One assignment given to many people, as ``assign`` writes it for a chunk of them."""

    actor: User | None
    kind: AssignmentKind
    target: str
    due_on: date
    note: str
    origin: str
    now: datetime

    def to(self, ids: Sequence[int], replace: bool) -> Assigned:
        existing = {a.user_id: a for a in _assigned(ids, self.kind.value, self.target)}
        new = [i for i in ids if i not in existing]
        changed = list(existing.values()) if replace else []
        self._add(new)
        self._change(changed)
        self._tell(new + [a.user_id for a in changed])
        return Assigned(len(new), len(changed), len(existing) - len(changed))

    @property
    def what(self) -> dict[str, str]:
        """What is given and by when, as notifications and audit rows tell it."""
        return {"kind": self.kind.value, "target": self.target, "due": self.due_on.isoformat()}

    def _add(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        by = self.actor.id if self.actor else None
        db.session.execute(insert(Assignment.__table__), [
            {"user_id": i, "kind": self.kind, "target": self.target, "due_on": self.due_on,
             "note": self.note, "origin": self.origin, "assigned_by_id": by,
             "assigned_at": self.now} for i in ids])
        detail = {**self.what, "origin": self.origin}
        audit.record_each("assigned", ((i, detail) for i in ids), actor=self.actor)

    def _tell(self, ids: Sequence[int]) -> None:
        """Each person reached is notified, once for this thing and due date."""
        ref = f"assigned:{self.kind.value}:{self.target}:{self.due_on:%Y%m%d}"
        notifications.queue(({"user_id": i, "kind": "assigned", "ref": ref,
                              "detail": self.what} for i in ids), self.now)

    def _change(self, changed: Sequence[Held]) -> None:
        """Assigned again, confirmed: the new due date (recorded as an extension) and note."""
        if not changed:
            return
        events, moves = [], []
        for assignment in changed:
            previous_due, previous_note = assignment.due_on, assignment.note
            new_note = self.note or previous_note
            if self.due_on != previous_due and self.actor is not None:
                moves.append({"assignment_id": assignment.id, "previous_due_on": previous_due,
                              "new_due_on": self.due_on, "reason": self.note,
                              "extended_by_id": self.actor.id, "extended_at": self.now})
            events.append((assignment.user_id, {
                "assignment": assignment.id, "kind": self.kind.value,
                "target": self.target, "previous_due": previous_due.isoformat(),
                "due": self.due_on.isoformat(), "previous_note": previous_note,
                "note": new_note}))
        db.session.execute(  # and any of them loaded as objects (their ids from RETURNING)
            update(Assignment).where(Assignment.id.in_([a.id for a in changed]))
            .values(due_on=self.due_on, **({"note": self.note} if self.note else {}))
            .execution_options(synchronize_session="fetch"))
        if moves:
            db.session.execute(insert(DueDateExtension.__table__), moves)
        audit.record_each("assignment_changed", events, actor=self.actor)


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
