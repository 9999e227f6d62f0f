"""Reading the audit log: filtered, a page at a time, or exported, each event worded in the
reader's language (``audit_events``) with the names of whom and what it concerns."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, partial
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, Select, false, func, or_, select

from trainingapp import audit_events
from trainingapp.exports import Table
from trainingapp.extensions import db
from trainingapp.i18n import moments
from trainingapp.models import AuditEvent, User
from trainingapp.queries.titles import Names

PAGE_SIZE = 50
EXPORT_PAGE = 2000  # events read per query when exporting


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

    event: AuditEvent | Row[Any]
    phrase: str  # "Quiz handed in"
    actor: str  # "Li Na (T0001)", or "the system"
    subject: str  # whom it concerns, "" for nobody
    details: str  # "Service etiquette: passed with 85%"


def describe(events: Iterable[AuditEvent] | Iterable[Row[Any]]) -> list[LogRow]:
    """The events (objects, or rows of their columns) worded, with the names they mention
    looked up together."""
    events = list(events)
    names = Names()
    for event in events:
        audit_events.wants(event, names)
    names.load()
    phrase = cache(audit_events.phrase)  # an export's pages repeat the same few
    person = cache(partial(audit_events.person, names))
    return [LogRow(event, phrase(event.action), person(event.actor_id),
                   person(event.subject_user_id) if event.subject_user_id is not None else "",
                   audit_events.details(event, names)) for event in events]


def _filtered(filters: LogFilters) -> Select[Any]:
    """The events the filters keep. The person is looked up first, then their events found
    by id through the actor and subject indexes (a join to the people filtered by number
    would walk the whole log)."""
    query = select(AuditEvent)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.person:
        person_id = db.session.scalar(select(User.id).where(User.employee_no == filters.person))
        query = query.where(false() if person_id is None else or_(
            AuditEvent.actor_id == person_id, AuditEvent.subject_user_id == person_id))
    if filters.since:
        query = query.where(AuditEvent.at >= datetime.combine(filters.since, time(), UTC))
    if filters.until:
        query = query.where(AuditEvent.at < datetime.combine(filters.until + timedelta(days=1),
                                                             time(), UTC))
    return query


def _count(query: Select[Any]) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def count(filters: LogFilters) -> int:
    return _count(_filtered(filters))


def _newest_first(query: Select[Any]) -> Select[Any]:
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def search(filters: LogFilters, page_size: int = PAGE_SIZE) -> Sequence[AuditEvent]:
    """One page of the log, newest first."""
    return db.session.scalars(_newest_first(_filtered(filters))
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


def export(filters: LogFilters) -> Table:
    """Every event the filters keep, newest first, none left out (those written from now
    on are: the export's own event is not in its file), as a table in the reader's words
    with two columns for systems: the event's key and its time in UTC (ISO 8601)."""
    newest = db.session.scalar(select(func.max(AuditEvent.id))) or 0
    query = _filtered(filters).where(AuditEvent.id <= newest)
    return Table(_export_rows(query), _count(query))


def _export_rows(query: Select[Any]) -> Iterator[list[str]]:
    """The header, then the events ``EXPORT_PAGE`` at a time, each page after the last
    one's (time, id) through the index on the time, read as plain rows of the columns
    worded, its names looked up together."""
    yield [_("When"), _("Event"), _("By"), _("Concerning"), _("Details"), _("Address"),
           _("Event key (for systems)"), _("Time in UTC, ISO 8601 (for systems)")]
    page = _newest_first(query.with_only_columns(
        AuditEvent.id, AuditEvent.at, AuditEvent.action, AuditEvent.actor_id,
        AuditEvent.subject_user_id, AuditEvent.detail, AuditEvent.remote_addr)
    ).limit(EXPORT_PAGE)
    events = db.session.execute(page).all()
    when = moments()
    while events:
        for r in describe(events):
            yield [when(r.event.at), r.phrase, r.actor, r.subject, r.details,
                   r.event.remote_addr or "", r.event.action, _utc(r.event.at)]
        last = events[-1]
        events = db.session.execute(page.where(
            AuditEvent.at <= last.at, or_(AuditEvent.at < last.at, AuditEvent.id < last.id))
        ).all() if len(events) == EXPORT_PAGE else []
