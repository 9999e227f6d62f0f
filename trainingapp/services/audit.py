"""The audit log: writing it. Rows are only ever added; nothing in the app updates or
deletes one (reading it: queries/audit_log.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import insert

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


def record_each(action: str, subjects: Iterable[tuple[int, Mapping[str, Any]]], *,
                actor: User | None = None) -> None:
    """The same action done to many people: one row each, (subject's id, detail), written
    in one statement (batched by the driver) rather than an object each."""
    actor_id, remote_addr = (actor.id if actor else None), origin()
    rows = [{"action": action, "actor_id": actor_id, "subject_user_id": subject_id,
             "detail": dict(detail), "remote_addr": remote_addr}
            for subject_id, detail in subjects]
    if rows:
        db.session.execute(insert(AuditEvent.__table__), rows)
