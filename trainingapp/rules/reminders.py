"""What the clock makes due as reminders, each queued once (by its ``ref``): an assignment
due within three days or overdue; a certificate whose renewal window opened, expiring
within 30 or 7 days, or expired, unless a later certificate renews it. Pure: the service
loads plain rows, this decides, the service queues."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from trainingapp.rules.assignments import Progress, local_day
from trainingapp.rules.certification import Certificate, renewal_due_by, renews

DUE_SOON = timedelta(days=3)  # before an assignment becomes overdue
# Before the expiry: how long is left when each notice is due (the expiry itself included).
EXPIRY_NOTICES = (("expiring_30", timedelta(days=30)), ("expiring_7", timedelta(days=7)),
                  ("expired", timedelta(0)))


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


def certificate_notices(expires_at: datetime, track: Mapping[str, Any], now: datetime) -> list[str]:
    """Which notices a certificate ending at ``expires_at`` calls for now: renewal window
    open, expiring within 30 and 7 days, expired."""
    left = expires_at - now
    due = ["window_open"] if expires_at <= renewal_due_by(track, now) else []
    return due + [kind for kind, before in EXPIRY_NOTICES if left <= before]


def for_certificates(held: Sequence[HeldCertificate], now: datetime) -> list[Reminder]:
    """The notices due for these certificates. A revoked certificate needs none, nor one
    that does not expire, nor one that a later certificate ``renews``."""
    by_track: dict[tuple[int, int], list[Certificate]] = defaultdict(list)
    for h in held:
        by_track[(h.user_id, h.track_id)].append(h.certificate)
    due = []
    for h in held:
        cert = h.certificate
        if (cert.revoked_at is not None or cert.expires_at is None
                or any(renews(later, cert) for later in by_track[(h.user_id, h.track_id)])):
            continue
        detail = {"certificate": h.code, "expires": cert.expires_at.isoformat()}
        due += [Reminder(h.user_id, kind, f"certificate:{cert.id}:{kind}", detail)
                for kind in certificate_notices(cert.expires_at, h.track, now)]
    return due
