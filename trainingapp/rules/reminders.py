"""What the clock makes due as reminders, each queued once (by its ``ref``): an assignment
due within three days or overdue; a certificate whose renewal window opened, expiring
within 30 or 7 days, or expired (the one of these it has reached), unless a later
certificate outlasts it. Pure: the service loads plain rows, this decides, the service
queues."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from trainingapp.rules.assignments import Progress, local_day
from trainingapp.rules.certification import Certificate, renewal_window

DUE_SOON = timedelta(days=3)  # before an assignment becomes overdue
# Before the expiry: how long is left when each notice is due (the expiry itself included).
EXPIRY_NOTICES = (("expiring_30", timedelta(days=30)), ("expiring_7", timedelta(days=7)),
                  ("expired", timedelta(0)))
# The kinds this module queues: an assignment's, then a certificate's, in the order a
# person meets them.
KINDS = ("due_soon", "overdue", "window_open", "expiring_30", "expiring_7", "expired")
# The last notice of each: once it is queued, nothing more is due for that assignment or
# certificate (``ref`` spells it; the service's choice of candidates in SQL relies on it).
LAST_NOTICE = {"assignment": "overdue", "certificate": "expired"}


@dataclass(frozen=True)
class Reminder:
    user_id: int
    kind: str
    ref: str  # the same reminder is queued once
    detail: Mapping[str, str]


@dataclass(frozen=True)
class AssignmentState:
    """An assignment with its progress as ``rules.assignments.status`` found it."""

    id: int
    user_id: int
    kind: str
    target: str
    due_on: date  # a day in the organisation's time zone
    progress: Progress


@dataclass(frozen=True)
class HeldCertificate:
    certificate: Certificate
    user_id: int
    track_id: int
    code: str
    track: Mapping[str, Any]  # the track's content: its renewal window


def due_soon_before(now: datetime, zone: tzinfo) -> date:
    """Assignments due on a day before this one are due soon (they become overdue within
    ``DUE_SOON``) or already overdue: ``due_on < due_soon_before(now, zone)``, in Python and
    in SQL alike."""
    return local_day(now + DUE_SOON, zone)


def for_assignment(assignment: AssignmentState, now: datetime, zone: tzinfo) -> Reminder | None:
    """Overdue, or not completed and overdue within three days. ``detail["due"]`` is the
    due date as an ISO date ("2026-12-15")."""
    a = assignment
    if a.progress == Progress.OVERDUE:
        kind, ref = "overdue", f"assignment:{a.id}:overdue"
    elif a.progress != Progress.COMPLETED and a.due_on < due_soon_before(now, zone):
        kind, ref = "due_soon", f"assignment:{a.id}:soon"
    else:
        return None
    return Reminder(a.user_id, kind, ref,
                    {"kind": a.kind, "target": a.target, "due": a.due_on.isoformat()})


def _stages(track: Mapping[str, Any]) -> list[tuple[str, timedelta]]:
    """Each certificate notice with how long before the expiry it is due, the last first
    (on a tie the expiry notice, which names the date, wins over the window's)."""
    return sorted([*EXPIRY_NOTICES, ("window_open", renewal_window(track))],
                  key=lambda stage: stage[1])


def certificate_notice(expires_at: datetime, track: Mapping[str, Any],
                       now: datetime) -> str | None:
    """The one notice a certificate ending at ``expires_at`` calls for now: the last of
    renewal window open, expiring within 30 days, within 7 days and expired that it has
    reached (None before the first). Each is queued once, so a certificate followed by the
    hourly job gets each in turn, and one first seen when it has expired gets "expired"
    only, not the three that no longer apply."""
    left = expires_at - now
    return next((kind for kind, before in _stages(track) if left <= before), None)


def notices_until(tracks: Iterable[Mapping[str, Any]], now: datetime) -> datetime:
    """Only a certificate ending at or before this instant can call for a notice now (the
    widest of the first expiry notice and the tracks' renewal windows)."""
    return now + max([before for _kind, before in EXPIRY_NOTICES]
                     + [renewal_window(track) for track in tracks])


def outlasts(later: Certificate, cert: Certificate) -> bool:
    """A certificate (not revoked) that lasts beyond ``cert``'s end makes its notices moot:
    a renewal, an early renewal, or a new certificate after ``cert`` lapsed."""
    return (later.id != cert.id and later.revoked_at is None and cert.expires_at is not None
            and (later.expires_at is None or later.expires_at > cert.expires_at))


def for_certificates(held: Sequence[HeldCertificate], now: datetime) -> list[Reminder]:
    """The notice due for each of these certificates, if any. A revoked certificate needs
    none, nor one that does not expire, nor one that a later certificate of the same person
    and track ``outlasts``."""
    by_track: dict[tuple[int, int], list[Certificate]] = defaultdict(list)
    for h in held:
        by_track[(h.user_id, h.track_id)].append(h.certificate)
    due = []
    for h in held:
        cert = h.certificate
        if (cert.revoked_at is not None or cert.expires_at is None
                or any(outlasts(later, cert) for later in by_track[(h.user_id, h.track_id)])):
            continue
        kind = certificate_notice(cert.expires_at, h.track, now)
        if kind is not None:
            due.append(Reminder(h.user_id, kind, f"certificate:{cert.id}:{kind}",
                                {"certificate": h.code, "expires": cert.expires_at.isoformat()}))
    return due
