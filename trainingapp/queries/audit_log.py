"""Reading the audit log: filtered, a page at a time, or exported."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from trainingapp.extensions import db
from trainingapp.models import AuditEvent, User

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


@dataclass(frozen=True)
class LogFilters:
    action: str = ""
    person: str = ""  # employee number: as the one who acted or the one concerned
    since: date | None = None
    until: date | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> LogFilters:
        def day(name: str) -> date | None:
            try:
                return date.fromisoformat(args.get(name, "")[:10])
            except ValueError:
                return None

        return cls(action=args.get("action", "").strip()[:64],
                   person=args.get("person", "").strip()[:32],
                   since=day("since"), until=day("until"),
                   page=max(1, args.get("page", 1, type=int)))


@dataclass(frozen=True)
class LogRow:
    event: AuditEvent
    actor: str  # employee number, or "" for the system
    subject: str


def _filtered(filters: LogFilters) -> Select[Any]:
    actor, subject = aliased(User), aliased(User)
    query = (select(AuditEvent, actor.employee_no, subject.employee_no)
             .outerjoin(actor, actor.id == AuditEvent.actor_id)
             .outerjoin(subject, subject.id == AuditEvent.subject_user_id))
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.person:
        query = query.where(or_(actor.employee_no == filters.person,
                                subject.employee_no == filters.person))
    if filters.since:
        query = query.where(AuditEvent.at >= datetime.combine(filters.since, time(), UTC))
    if filters.until:
        query = query.where(AuditEvent.at < datetime.combine(filters.until + timedelta(days=1),
                                                             time(), UTC))
    return query


def search(filters: LogFilters, page_size: int = PAGE_SIZE) -> tuple[list[LogRow], int]:
    """One page of the log, newest first, and how many events match."""
    query = _filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                              .offset((filters.page - 1) * page_size).limit(page_size))
    return [LogRow(event, a or "", s or "") for event, a, s in rows], total


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(
        AuditEvent.action)))


def export_rows(filters: LogFilters) -> list[list[str]]:
    found, _total = search(LogFilters(**{**filters.__dict__, "page": 1}), EXPORT_LIMIT)
    rows = [["at", "action", "actor", "subject", "address", "detail"]]
    rows += [[r.event.at.isoformat(timespec="seconds"), r.event.action, r.actor, r.subject,
              r.event.remote_addr or "", json.dumps(r.event.detail, ensure_ascii=False,
                                                   sort_keys=True)] for r in found]
    return rows
