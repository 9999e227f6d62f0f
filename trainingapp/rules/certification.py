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


def _window(track: Mapping[str, Any], expires_at: datetime) -> datetime:
    return expires_at - timedelta(days=track["renewal_window_days"])


def _chain_end(certs: Sequence[Certificate], current: Certificate) -> Certificate:
    """The last certificate of the unbroken run that starts with ``current`` (renewals
    start when the previous one ends)."""
    end = current
    for cert in sorted(certs, key=lambda c: c.valid_from):
        if cert.revoked_at is None and end.expires_at is not None and cert.valid_from == end.expires_at:
            end = cert
    return end


def evaluate(track: Mapping[str, Any], certs: Sequence[Certificate],
             evidence: Sequence[Evidence], now: datetime) -> Decision:
    live = [c for c in certs if c.revoked_at is None or c.revoked_at > now]
    current = next((c for c in sorted(live, key=lambda c: c.valid_from, reverse=True)
                    if c.valid_from <= now and (c.expires_at is None or now < c.expires_at)), None)
    if current is not None:
        end = _chain_end(live, current)
        if end.expires_at is None:
            return Decision(Status.CERTIFIED, current.valid_from, None)
        window = _window(track, end.expires_at)
        status = Status.RENEWAL_DUE if now >= window else Status.CERTIFIED
        return Decision(status, current.valid_from, end.expires_at,
                        missing(track, evidence, window, track.get("renewal", ()))
                        if status == Status.RENEWAL_DUE else (), window)
    revoked = [c for c in certs if c.revoked_at is not None and c.revoked_at <= now]
    ended = [c for c in certs if c.expires_at is not None and c.expires_at <= now
             and (c.revoked_at is None or c.revoked_at > c.expires_at)]
    last_revoked = max((c.revoked_at for c in revoked), default=None)  # type: ignore[type-var]
    last_expiry = max((c.expires_at for c in ended), default=None)  # type: ignore[type-var]
    if last_revoked is not None and (last_expiry is None or last_revoked >= last_expiry):
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
    def requirements_left(self) -> int:
        return sum(len(d.missing) or (0 if d.is_valid else 1) for d in self.tracks.values()
                   if not d.is_valid)


def clearance(decisions: Mapping[str, Decision]) -> Clearance:
    """Cleared for duty when every track the person's position requires is valid. A person
    whose position requires no track is not cleared: nothing vouches for them."""
    return Clearance(bool(decisions) and all(d.is_valid for d in decisions.values()),
                     dict(decisions))
