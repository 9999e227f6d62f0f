"""What the clock makes due, queued as notifications once each: assignments due within
three days or overdue; certificates whose renewal window opened, expiring within 30 or 7
days, or expired."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from trainingapp.extensions import db
from trainingapp.models import Assignment, User
from trainingapp.rules.assignments import Progress
from trainingapp.services import assignments, certification
from trainingapp.services.notifications import notify

DUE_SOON = timedelta(days=3)


def _about(assignment: Assignment) -> dict[str, str]:
    return {"kind": assignment.kind.value, "target": assignment.target,
            "due": assignment.due_at.isoformat()}


def queue_due(now: datetime) -> int:
    """Queue what the clock has made due: assignments due soon or overdue, certificates
    whose renewal window opened, expiring or expired."""
    queued = 0
    open_ids = db.session.scalars(select(Assignment.user_id).distinct()).all()
    people = db.session.scalars(select(User).where(User.id.in_(open_ids),
                                                   User.is_active.is_(True))).all()
    for person_id, views in assignments.for_people(people, now).items():
        for view in views:
            a = view.assignment
            if view.progress == Progress.OVERDUE:
                queued += notify(person_id, "overdue", f"assignment:{a.id}:overdue", now,
                                 _about(a))
            elif view.progress != Progress.COMPLETED and a.due_at - now <= DUE_SOON:
                queued += notify(person_id, "due_soon", f"assignment:{a.id}:soon", now,
                                 _about(a))
    for cert, kind in certification.certificates_needing_reminders(now):
        queued += notify(cert.user_id, kind, f"certificate:{cert.id}:{kind}", now,
                         {"certificate": cert.code, "expires": cert.expires_at.isoformat()})
    return queued


