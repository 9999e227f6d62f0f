"""The audit log: writing it. Rows are only ever added; nothing in the app updates or
deletes one (reading it: queries/audit_log.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainingapp.extensions import db
from trainingapp.models import AuditEvent, User


def _nowhere() -> str | None:
    return None


# Where an event comes from: the client's address while a request is served. The app
# says how to tell (auth.init_app); a command has no address.
origin: Callable[[], str | None] = _nowhere


def record(
    action: str,
    *,
    actor: User | None = None,
    actor_id: int | None = None,
    subject: User | None = None,
    subject_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else actor_id,
        subject_user_id=subject.id if subject else subject_id,
        detail=detail,
        remote_addr=origin(),
    )
    db.session.add(event)
    return event
