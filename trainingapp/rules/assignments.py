"""An assignment's status, read from the results: not started, in progress, completed,
overdue. A due date is a calendar date in the organisation's time zone: the assignment is
due until the end of that local day and overdue from 00:00 on the next one. Everything that
asks "overdue?" (the status, reminders, SQL filters) decides through ``local_day``."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from trainingapp.rules.certification import Decision, Evidence


class Progress(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    OVERDUE = "overdue"


def local_day(now: datetime, zone: tzinfo) -> date:
    """The organisation's calendar date at ``now``. An assignment due on a day before it is
    overdue (``due_on < local_day(now, zone)``, in Python and in SQL alike)."""
    return now.astimezone(zone).date()


def overdue_from(due_on: date, zone: tzinfo) -> datetime:
    """The first instant (UTC) an assignment due on ``due_on`` is overdue: 00:00 in
    ``zone`` on the next day. ``now >= overdue_from(d, zone)`` exactly when
    ``d < local_day(now, zone)``."""
    return datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def is_overdue(due_on: date, now: datetime, zone: tzinfo) -> bool:
    return due_on < local_day(now, zone)


def status(kind: str, target: str, due_on: date, now: datetime,
           evidence: Sequence[Evidence], started: set[tuple[str, str]],
           track: Decision | None = None, *, zone: tzinfo) -> Progress:
    """``started``: (kind, slug) pairs the person has begun (an attempt or a call in
    progress counts); ``track``: the track's decision, for a track assignment; ``zone``:
    the organisation's time zone, in which ``due_on`` is a day."""
    if kind == "track":
        done = track is not None and track.is_valid
        begun = track is not None and track.status.value != "not_started"
    else:
        done = any(e.kind == kind and e.key == target and e.passed for e in evidence)
        begun = (kind, target) in started or any(e.kind == kind and e.key == target
                                                 for e in evidence)
    if done:
        return Progress.COMPLETED
    if is_overdue(due_on, now, zone):
        return Progress.OVERDUE
    return Progress.IN_PROGRESS if begun else Progress.NOT_STARTED
