"""Reading the audit log: filtered, a page at a time, or exported, each event worded in the
reader's language (``audit_events``) with the names of whom and what it concerns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from trainingapp import audit_events
from trainingapp.extensions import db
from trainingapp.i18n import moment
from trainingapp.models import AuditEvent, User
from trainingapp.queries.titles import Names

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


@dataclass(frozen=True)
class LogFilters:
    action: str = ""
    person: str = ""  # employee number: as the one who acted or the one concerned
    since: date | None = None
    until: date | None = None
    page: int = 1


@dataclass(frozen=True)
class LogRow:
    """An event as people read it."""

    event: AuditEvent
    phrase: str  # "Quiz handed in"
    actor: str  # "Li Na (T0001)", or "the system"
    subject: str  # whom it concerns, "" for nobody
    details: str  # "Service etiquette: passed with 85%"


def describe(events: Iterable[AuditEvent]) -> list[LogRow]:
    """The events worded, with the names they mention looked up together."""
    events = list(events)
    names = Names()
    for event in events:
        audit_events.wants(event, names)
    names.load()
    return [LogRow(event, audit_events.phrase(event.action),
                   audit_events.person(names, event.actor_id),
                   audit_events.person(names, event.subject_user_id)
                   if event.subject_user_id is not None else "",
                   audit_events.details(event, names)) for event in events]


def _filtered(filters: LogFilters) -> Select[Any]:
    query = select(AuditEvent)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.person:
        actor, subject = aliased(User), aliased(User)
        query = (query.outerjoin(actor, actor.id == AuditEvent.actor_id)
                 .outerjoin(subject, subject.id == AuditEvent.subject_user_id)
                 .where(or_(actor.employee_no == filters.person,
                            subject.employee_no == filters.person)))
    if filters.since:
        query = query.where(AuditEvent.at >= datetime.combine(filters.since, time(), UTC))
    if filters.until:
        query = query.where(AuditEvent.at < datetime.combine(filters.until + timedelta(days=1),
                                                             time(), UTC))
    return query


def count(filters: LogFilters) -> int:
    return db.session.scalar(select(func.count()).select_from(
        _filtered(filters).subquery())) or 0


def search(filters: LogFilters, page_size: int = PAGE_SIZE) -> Sequence[AuditEvent]:
    """One page of the log, newest first."""
    return db.session.scalars(_filtered(filters)
                              .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                              .offset((filters.page - 1) * page_size).limit(page_size)).all()


def actions() -> list[tuple[str, str]]:
    """Every kind of event, as (key, phrase) in the reader's language, by phrase: those the
    app writes and any other the log holds."""
    keys = set(audit_events.AUDIT_EVENTS) | set(db.session.scalars(
        select(AuditEvent.action).distinct()))
    return sorted(((key, audit_events.phrase(key)) for key in keys),
                  key=lambda pair: (pair[1].casefold(), pair[0]))


def _utc(at: datetime) -> str:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).isoformat(
        timespec="seconds")


def export_rows(filters: LogFilters) -> list[list[str]]:
    """The filtered log as a table in the reader's words, with two columns for systems:
    the event's key and its time in UTC (ISO 8601)."""
    found = describe(search(LogFilters(**{**filters.__dict__, "page": 1}), EXPORT_LIMIT))
    rows = [[_("When"), _("Event"), _("By"), _("Concerning"), _("Details"), _("Address"),
             _("Event key (for systems)"), _("Time in UTC, ISO 8601 (for systems)")]]
    rows += [[moment(r.event.at), r.phrase, r.actor, r.subject, r.details,
              r.event.remote_addr or "", r.event.action, _utc(r.event.at)] for r in found]
    return rows
