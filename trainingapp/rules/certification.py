"""Certification decisions: a track's status for a person, which certificate is due now,
and whether a person is cleared for duty. Pure: time is a parameter, and status is
derived from dates, so an expiry takes effect at the instant it passes.

Statuses: not_started, in_progress (with what is missing), certified (since, until),
renewal_due (still valid; the renewal window is open), expired, revoked.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


class Status(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    CERTIFIED = "certified"
    RENEWAL_DUE = "renewal_due"
    EXPIRED = "expired"
    REVOKED = "revoked"


VALID = (Status.CERTIFIED, Status.RENEWAL_DUE)


@dataclass(frozen=True)
class Evidence:
    """A result that can count toward a track."""

    kind: str  # module | scenario | observation
    key: str  # module or scenario slug ("" for an observation)
    score: float
    passed: bool  # as its own pass mark says (a call: no critical error and the pass mark)
    at: datetime


@dataclass(frozen=True)
class Certificate:
    id: int
    valid_from: datetime
    expires_at: datetime | None
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class Decision:
    status: Status
    since: datetime | None = None
    until: datetime | None = None
    missing: tuple[str, ...] = ()
    window_opens_at: datetime | None = None

    @property
    def is_valid(self) -> bool:
        return self.status in VALID


@dataclass(frozen=True)
class Award:
    valid_from: datetime
    expires_at: datetime
    renewal: bool


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def missing(track: Mapping[str, Any], evidence: Sequence[Evidence], since: datetime | None,
            kinds: Sequence[str] = ("modules", "scenarios", "observation")) -> tuple[str, ...]:
    """What of the track's requirements no evidence newer than ``since`` meets, as
    "module:<slug>", "scenario:<slug>", "scenarios:<n> more of <slugs>", "observation"."""
    fresh = [e for e in evidence if since is None or e.at > since]
    required = track["requirements"]
    gaps: list[str] = []
    if "modules" in kinds:
        for need in required.get("modules", []):
            if not any(e.kind == "module" and e.key == need["module"]
                       and e.score >= need.get("min_score", 80) for e in fresh):
                gaps.append(f"module:{need['module']}")
    if "scenarios" in kinds:
        wanted = required.get("scenarios", {})
        passed = {e.key for e in fresh if e.kind == "scenario" and e.passed}
        gaps += [f"scenario:{slug}" for slug in wanted.get("all", []) if slug not in passed]
        short = wanted.get("any", 0) - len(passed & set(wanted.get("of", [])))
        if short > 0:
            gaps.append(f"scenarios:{short} more of {','.join(wanted['of'])}")
    if "observation" in kinds and required.get("observation"):
        if not any(e.kind == "observation" and e.passed for e in fresh):
            gaps.append("observation")
    return tuple(gaps)


def renewal_window(track: Mapping[str, Any]) -> timedelta:
    """How long before a run of certificates ends its renewal window opens."""
    return timedelta(days=track["renewal_window_days"])


def renewal_due_by(track: Mapping[str, Any], now: datetime) -> datetime:
    """At ``now``, the renewal window is open for a run of certificates that ends at or
    before this instant (the window opens ``renewal_window`` before the end)."""
    return now + renewal_window(track)


# Which certificates count, as of ``now``. The HR matrix asks the same questions in SQL
# (queries/matrix.py), and tests/queries/test_matrix_status.py proves both agree.


def is_live(cert: Certificate, now: datetime) -> bool:
    """Not revoked yet: a revocation takes effect at its instant."""
    return cert.revoked_at is None or cert.revoked_at > now


def is_current(cert: Certificate, now: datetime) -> bool:
    """Live and valid at ``now``: from ``valid_from`` until the instant it expires."""
    return (is_live(cert, now) and cert.valid_from <= now
            and (cert.expires_at is None or now < cert.expires_at))


def renews(cert: Certificate, previous: Certificate) -> bool:
    """A renewal starts the instant the previous certificate ends, and is not revoked."""
    return (cert.revoked_at is None and previous.expires_at is not None
            and cert.valid_from == previous.expires_at)


def is_revoked(cert: Certificate, now: datetime) -> bool:
    return cert.revoked_at is not None and cert.revoked_at <= now


def has_expired(cert: Certificate, now: datetime) -> bool:
    """Its expiry has passed, and no revocation came before it."""
    return (cert.expires_at is not None and cert.expires_at <= now
            and (cert.revoked_at is None or cert.revoked_at > cert.expires_at))


def revocation_names_status(last_revoked: datetime | None, last_expiry: datetime | None) -> bool:
    """With nothing valid now, whichever ended last names the status: the last revocation
    (also when it came at the instant of the last expiry) or the last expiry."""
    return last_revoked is not None and (last_expiry is None or last_revoked >= last_expiry)


def _chain_end(certs: Sequence[Certificate], current: Certificate) -> Certificate:
    """The last certificate of the unbroken run that starts with ``current``."""
    end = current
    for cert in sorted(certs, key=lambda c: c.valid_from):
        if renews(cert, end):
            end = cert
    return end


def evaluate(track: Mapping[str, Any], certs: Sequence[Certificate],
             evidence: Sequence[Evidence], now: datetime) -> Decision:
    live = [c for c in certs if is_live(c, now)]
    current = next((c for c in sorted(live, key=lambda c: c.valid_from, reverse=True)
                    if is_current(c, now)), None)
    if current is not None:
        end = _chain_end(live, current)
        if end.expires_at is None:
            return Decision(Status.CERTIFIED, current.valid_from, None)
        window = end.expires_at - renewal_window(track)
        status = (Status.RENEWAL_DUE if end.expires_at <= renewal_due_by(track, now)
                  else Status.CERTIFIED)
        return Decision(status, current.valid_from, end.expires_at,
                        missing(track, evidence, window, track.get("renewal", ()))
                        if status == Status.RENEWAL_DUE else (), window)
    last_revoked = max((c.revoked_at for c in certs if is_revoked(c, now)),  # type: ignore[type-var]
                       default=None)
    last_expiry = max((c.expires_at for c in certs if has_expired(c, now)),  # type: ignore[type-var]
                      default=None)
    if revocation_names_status(last_revoked, last_expiry):
        return Decision(Status.REVOKED, missing=missing(track, evidence, last_revoked))
    if last_expiry is not None:
        return Decision(Status.EXPIRED, until=last_expiry,
                        missing=missing(track, evidence, last_expiry))
    gaps = missing(track, evidence, None)
    started = len(gaps) < len(missing(track, (), None)) or any(
        e.key in _keys(track) or (e.kind == "observation" and track["requirements"].get(
            "observation")) for e in evidence)
    return Decision(Status.IN_PROGRESS if started else Status.NOT_STARTED, missing=gaps)


def _keys(track: Mapping[str, Any]) -> set[str]:
    required = track["requirements"]
    scenarios = required.get("scenarios", {})
    return ({m["module"] for m in required.get("modules", [])}
            | set(scenarios.get("all", [])) | set(scenarios.get("of", [])))


def due_award(track: Mapping[str, Any], certs: Sequence[Certificate],
              evidence: Sequence[Evidence], now: datetime) -> Award | None:
    """The certificate to award now, if the evidence completes the track (or renews it)."""
    decision = evaluate(track, certs, evidence, now)
    validity = track["validity_months"]
    if decision.status == Status.RENEWAL_DUE and not decision.missing and decision.until:
        return Award(decision.until, add_months(decision.until, validity), renewal=True)
    if decision.status in (Status.NOT_STARTED, Status.IN_PROGRESS, Status.EXPIRED,
                           Status.REVOKED) and not decision.missing:
        return Award(now, add_months(now, validity), renewal=False)
    return None


@dataclass(frozen=True)
class Clearance:
    cleared: bool
    tracks: dict[str, Decision] = field(default_factory=dict)

    @property
    def needs_certification(self) -> bool:
        """Whether the person's position requires any track: without one, nobody is
        waiting on them to be certified, although nothing clears them either."""
        return bool(self.tracks)

    @property
    def requirements_left(self) -> int:
        return sum(len(d.missing) or (0 if d.is_valid else 1) for d in self.tracks.values()
                   if not d.is_valid)


def clearance(decisions: Mapping[str, Decision]) -> Clearance:
    """Cleared for duty when every track the person's position requires is valid. A person
    whose position requires no track is not cleared: nothing vouches for them."""
    return Clearance(bool(decisions) and all(d.is_valid for d in decisions.values()),
                     dict(decisions))
