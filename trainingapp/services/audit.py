"""Writing the audit log. Rows are only ever added."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from trainingapp.extensions import db
from trainingapp.models import AuditEvent, User


def record(
    action: str,
    *,
    actor: User | None = None,
    subject: User | None = None,
    subject_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        subject_user_id=subject.id if subject else subject_id,
        detail=detail,
        remote_addr=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
