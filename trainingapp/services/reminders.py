"""Queue what the clock makes due (``rules.reminders`` decides what), once each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from trainingapp.extensions import db
from trainingapp.models import Assignment, Certification, Track, User
from trainingapp.rules import reminders as rules
from trainingapp.rules.certification import Certificate
from trainingapp.services import assignments
from trainingapp.services.notifications import notify

CHUNK = 1000  # people whose assignments are read together: one IN list each


def queue_due(now: datetime) -> int:
    """Queue what the clock has made due: assignments due soon or overdue, certificates
    whose renewal window opened, expiring or expired. Returns how many were new."""
    due = [*_assignments_due(now), *_certificates_due(now)]
    return sum(notify(r.user_id, r.kind, r.ref, now, dict(r.detail)) for r in due)


def _assignments_due(now: datetime) -> Iterator[rules.Reminder]:
    """Active people with an assignment due soon or overdue (chosen in SQL by the rule's
    own boundary), a chunk at a time."""
    zone = assignments.zone()
    ids = db.session.scalars(select(Assignment.user_id).distinct()
                             .where(Assignment.due_on < rules.due_soon_before(now, zone))
                             .order_by(Assignment.user_id)).all()
    for start in range(0, len(ids), CHUNK):
        people = db.session.scalars(select(User).where(User.id.in_(ids[start:start + CHUNK]),
                                                       User.is_active.is_(True))).all()
        for views in assignments.for_people(people, now).values():
            for view in views:
                a = view.assignment
                reminder = rules.for_assignment(rules.AssignmentState(
                    a.id, a.user_id, a.kind.value, a.target, a.due_on, view.progress), now, zone)
                if reminder is not None:
                    yield reminder


def _certificates_due(now: datetime) -> list[rules.Reminder]:
    """Certificates that expire and are not revoked, read as rows (not ORM objects)."""
    tracks = dict(db.session.execute(select(Track.id, Track.content)).all())
    rows = db.session.execute(select(
        Certification.id, Certification.user_id, Certification.track_id, Certification.code,
        Certification.valid_from, Certification.expires_at).where(
        Certification.revoked_at.is_(None), Certification.expires_at.is_not(None)))
    return rules.for_certificates([
        rules.HeldCertificate(Certificate(cert_id, valid_from, expires_at), user_id, track_id,
                              code, tracks[track_id])
        for cert_id, user_id, track_id, code, valid_from, expires_at in rows], now)
