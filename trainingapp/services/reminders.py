"""Queue what the clock makes due (``rules.reminders`` decides what), once each, a chunk of
people at a time: each chunk is read, decided and written on its own, so the job runs at
any number of staff in bounded memory, and a run stopped midway resumes where it stopped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import String, and_, cast, exists, literal, or_, select, union
from sqlalchemy.orm import aliased

from trainingapp import unit_of_work
from trainingapp.extensions import db
from trainingapp.models import (
    Assignment,
    AssignmentKind,
    AttemptStatus,
    Call,
    CallRun,
    CallRunStatus,
    Certification,
    Module,
    Notification,
    QuizAttempt,
    Track,
    User,
)
from trainingapp.rules import reminders as rules
from trainingapp.rules.certification import Certificate
from trainingapp.services import assignments, notifications

CHUNK = 1000  # people read together (one IN list each) and written in one transaction


def queue_due(now: datetime, chunk_written: Callable[[], None] = lambda: None) -> Counter[str]:
    """Queue what the clock has made due (assignments due soon or overdue, certificates
    whose renewal window opened, expiring or expired) a chunk of people at a time, calling
    ``chunk_written`` after each (the command commits there); returns how many were queued,
    by kind. A reminder queued before (by an earlier chunk or run, or by a run on another
    instance at the same moment) is not queued again: the chunk reads those its people
    have, and the insert skips any that the unique key (person, ``ref``) finds."""
    zone = assignments.zone()
    tracks: dict[int, Mapping[str, Any]] = dict(
        db.session.execute(select(Track.id, Track.content)).all())
    people = candidates(now, zone, tracks.values())
    queued: Counter[str] = Counter()
    for start in range(0, len(people), CHUNK):
        chunk = people[start:start + CHUNK]
        due = [*_assignments_due(chunk, now, zone), *_certificates_due(chunk, now, tracks)]
        known = _queued(chunk)
        queued += _insert([r for r in due if (r.user_id, r.ref) not in known], now)
        chunk_written()
    return queued


def _last_ref(subject: str, subject_id: Any) -> Any:
    """In SQL, the ``ref`` of an assignment's or certificate's last notice (as the rules
    spell it: "assignment:7:overdue")."""
    return literal(f"{subject}:") + cast(subject_id, String) + literal(
        f":{rules.LAST_NOTICE[subject]}")


def _last_queued(subject: str, user_id: Any, subject_id: Any) -> Any:
    return exists().where(Notification.user_id == user_id,
                          Notification.ref == _last_ref(subject, subject_id))


def candidates(now: datetime, zone: tzinfo,
               tracks: Iterable[Mapping[str, Any]]) -> Sequence[int]:
    """Active people who may have a reminder due, in id order, chosen in SQL: an assignment
    due soon or overdue, not completed, whose last notice is not queued yet; or a
    certificate (not revoked, nor outlasted by a later one) near or past its end whose last
    notice is not queued yet.
    Whether each is due, renewed or reminded already is decided per chunk."""
    due = select(Assignment.user_id).where(
        _due(now, zone), ~_completed(now),
        ~_last_queued("assignment", Assignment.user_id, Assignment.id))
    ending = select(Certification.user_id).where(
        Certification.revoked_at.is_(None),
        Certification.expires_at <= rules.notices_until(tracks, now), ~_outlasted(),
        ~_last_queued("certificate", Certification.user_id, Certification.id))
    return db.session.scalars(select(User.id).where(
        User.is_active.is_(True), User.id.in_(union(due, ending).scalar_subquery()))
        .order_by(User.id)).all()


def _due(now: datetime, zone: tzinfo) -> Any:
    """An assignment due soon or overdue (the rule's own boundary)."""
    return Assignment.due_on < rules.due_soon_before(now, zone)


def _completed(now: datetime) -> Any:
    """In SQL, an assignment that ``rules.assignments.status`` finds completed: its module's
    quiz or its call passed, or its track held by a current certificate (``is_current``)."""
    a = Assignment
    quiz = exists().where(
        QuizAttempt.user_id == a.user_id, QuizAttempt.module_id == Module.id,
        Module.slug == a.target, QuizAttempt.status != AttemptStatus.IN_PROGRESS,
        QuizAttempt.passed.is_(True))
    call = exists().where(
        CallRun.user_id == a.user_id, CallRun.call_id == Call.id, Call.slug == a.target,
        CallRun.status == CallRunStatus.FINISHED, CallRun.passed.is_(True))
    held = exists().where(
        Certification.user_id == a.user_id, Certification.track_id == Track.id,
        Track.slug == a.target, Certification.valid_from <= now,
        or_(Certification.revoked_at.is_(None), Certification.revoked_at > now),
        or_(Certification.expires_at.is_(None), Certification.expires_at > now))
    return or_(and_(a.kind == AssignmentKind.MODULE, quiz),
               and_(a.kind == AssignmentKind.CALL, call),
               and_(a.kind == AssignmentKind.TRACK, held))


def _outlasted() -> Any:
    """In SQL, a certificate that a later one ``rules.reminders.outlasts``."""
    later = aliased(Certification)
    return exists().where(
        later.user_id == Certification.user_id, later.track_id == Certification.track_id,
        later.id != Certification.id, later.revoked_at.is_(None),
        or_(later.expires_at.is_(None), later.expires_at > Certification.expires_at))


def _assignments_due(chunk: Sequence[int], now: datetime, zone: tzinfo) -> list[rules.Reminder]:
    """The chunk's people with an assignment due soon or overdue, with all their
    assignments' statuses (from their results)."""
    people = db.session.scalars(select(User).where(
        User.id.in_(chunk), exists().where(Assignment.user_id == User.id, _due(now, zone)))).all()
    due = []
    for views in assignments.for_people(people, now).values():
        for view in views:
            a = view.assignment
            reminder = rules.for_assignment(rules.AssignmentState(
                a.id, a.user_id, a.kind.value, a.target, a.due_on, view.progress), now, zone)
            if reminder is not None:
                due.append(reminder)
    return due


def _certificates_due(chunk: Sequence[int], now: datetime,
                      tracks: Mapping[int, Mapping[str, Any]]) -> list[rules.Reminder]:
    """The chunk's certificates that are not revoked, read as rows (not ORM objects)."""
    rows = db.session.execute(select(
        Certification.id, Certification.user_id, Certification.track_id, Certification.code,
        Certification.valid_from, Certification.expires_at).where(
        Certification.user_id.in_(chunk), Certification.revoked_at.is_(None)))
    return rules.for_certificates([
        rules.HeldCertificate(Certificate(cert_id, valid_from, expires_at), user_id, track_id,
                              code, tracks[track_id])
        for cert_id, user_id, track_id, code, valid_from, expires_at in rows], now)


def _queued(chunk: Sequence[int]) -> set[tuple[int, str]]:
    """The reminders these people have been sent already: (person, ``ref``)."""
    return set(db.session.execute(select(Notification.user_id, Notification.ref).where(
        Notification.user_id.in_(chunk), Notification.kind.in_(rules.KINDS))).all())


def _insert(new: Sequence[rules.Reminder], now: datetime) -> Counter[str]:
    """Queue these reminders in one statement; returns how many of each kind were new."""
    if not new:
        return Counter()
    unit_of_work.writing()  # SQLite: the write lock from here to the commit
    return notifications.queue(({"user_id": r.user_id, "kind": r.kind, "ref": r.ref,
                                 "detail": r.detail} for r in new), now)
