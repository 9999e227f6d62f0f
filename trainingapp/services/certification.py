"""Certificates and clearance for duty: gathering a person's evidence, awarding what it
earns (in the same transaction as the result that earned it), revoking, reinstating,
exempting, and the clearance answer for one person or many."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, literal, select, union_all
from sqlalchemy.orm import joinedload

from trainingapp import unit_of_work
from trainingapp.caches import process_cache
from trainingapp.extensions import db
from trainingapp.models import (
    AttemptStatus,
    AuditEvent,
    Call,
    CallRun,
    CallRunStatus,
    CertificateSource,
    Certification,
    Module,
    Observation,
    Position,
    QuizAttempt,
    Track,
    User,
)
from trainingapp.rules import certification as rules
from trainingapp.services import audit, notifications


class CertificationError(ValueError):
    pass


@dataclass(frozen=True)
class TrackInfo:
    """A live track as the rules need it (kept in a short-lived cache, not an ORM row)."""

    id: int
    slug: str
    title: dict[str, str]
    content: dict[str, Any]


TRACK_CACHE_SECONDS = 60


def live_tracks() -> list[TrackInfo]:
    """The live tracks. Content changes only at a sync, so each process keeps them for a
    minute (a sync in this process clears the cache at once; other instances follow within
    the minute)."""
    return process_cache.get(str(db.engine.url), ("tracks", None), _read_tracks,
                             max_age=TRACK_CACHE_SECONDS)


def _read_tracks() -> list[TrackInfo]:
    return [TrackInfo(t.id, t.slug, t.title, t.content) for t in db.session.scalars(
        select(Track).where(Track.retired_at.is_(None)).order_by(Track.slug))]


def tracks_for_position(code: str | None, tracks: Iterable[TrackInfo]) -> list[TrackInfo]:
    return [t for t in tracks if code and code in t.content["positions"]]


def get_track(slug: str) -> Track | None:
    return db.session.scalar(select(Track).where(Track.slug == slug))


def get_track_by_id(track_id: int) -> Track | None:
    return db.session.get(Track, track_id)


def requirement_names() -> dict[str, dict[str, str]]:
    """Titles of modules and calls by slug, to name what a track still needs."""
    names = dict(db.session.execute(select(Module.slug, Module.title)).all())
    names.update(db.session.execute(select(Call.slug, Call.title)).all())
    return names


def holder(cert: Certification) -> User:
    return db.session.get(User, cert.user_id)


# --- evidence -------------------------------------------------------------------------------


@cache
def _evidence_query() -> Any:
    """Built once: constructing this union costs more than running it for one person."""
    ids = bindparam("ids", expanding=True)
    quizzes = (
        select(QuizAttempt.user_id, literal("module").label("kind"), Module.slug.label("key"),
               QuizAttempt.score, QuizAttempt.passed, QuizAttempt.finished_at.label("at"))
        .join(Module, Module.id == QuizAttempt.module_id)
        .where(QuizAttempt.user_id.in_(ids), QuizAttempt.status != AttemptStatus.IN_PROGRESS)
    )
    runs = (
        select(CallRun.user_id, literal("scenario"), Call.slug, CallRun.score,
               CallRun.passed, CallRun.finished_at)
        .join(Call, Call.id == CallRun.call_id)
        .where(CallRun.user_id.in_(ids), CallRun.status == CallRunStatus.FINISHED)
    )
    observed = select(Observation.user_id, literal("observation"), literal(""),
                      Observation.score, Observation.passed, Observation.observed_at
                      ).where(Observation.user_id.in_(ids))
    return union_all(quizzes, runs, observed)


def evidence_for(user_ids: Sequence[int]) -> dict[int, list[rules.Evidence]]:
    """Every finished quiz attempt, call and observation of these people, in one query
    whatever their number."""
    found: dict[int, list[rules.Evidence]] = defaultdict(list)
    if not user_ids:
        return found
    for user_id, kind, key, score, passed, at in db.session.execute(
            _evidence_query(), {"ids": list(user_ids)}):
        at = at if at.tzinfo else at.replace(tzinfo=UTC)  # a UNION loses the column type
        found[user_id].append(rules.Evidence(kind, key, score or 0.0, bool(passed), at))
    return found


def certificates_for(user_ids: Sequence[int]) -> dict[int, list[Certification]]:
    found: dict[int, list[Certification]] = defaultdict(list)
    if user_ids:
        for cert in db.session.scalars(select(Certification)
                                       .where(Certification.user_id.in_(user_ids))):
            found[cert.user_id].append(cert)
    return found


def as_rule(cert: Certification) -> rules.Certificate:
    return rules.Certificate(cert.id, cert.valid_from, cert.expires_at, cert.revoked_at)


# --- status and clearance ---------------------------------------------------------------------


@dataclass(frozen=True)
class PersonStatus:
    user: User
    clearance: rules.Clearance
    tracks: dict[str, TrackInfo]
    certificates: dict[str, list[Certification]]  # by track slug, newest first
    evidence: list[rules.Evidence]


def position_code(user: User) -> str | None:
    return _position_codes([user]).get(user.position_id or 0)


def _position_codes(users: Sequence[User]) -> dict[int, str]:
    ids = {u.position_id for u in users if u.position_id}
    return dict(db.session.execute(select(Position.id, Position.code).where(Position.id.in_(ids)))
                .all()) if ids else {}


@dataclass(frozen=True)
class People:
    """People with their position codes and certificates, read together."""

    by_employee_no: dict[str, User]
    codes: dict[int, str]
    certificates: dict[int, list[Certification]]


@cache
def _clearance_query() -> Any:
    return (select(User, Position.code, Certification)
            .outerjoin(Position, Position.id == User.position_id)
            .outerjoin(Certification, Certification.user_id == User.id)
            .where(User.employee_no.in_(bindparam("numbers", expanding=True)),
                   User.is_active.is_(True)))


def people_for_clearance(numbers: Sequence[str]) -> People:
    """Active people by employee number with their position and certificates: one query."""
    # An employee number is printable text of at most 32 characters (the column's size);
    # anything else (a NUL byte, a control character) cannot be anyone's: not looked up.
    wanted = {n.strip() for n in numbers
              if n.strip() and len(n.strip()) <= 32 and n.strip().isprintable()}
    found = People({}, {}, defaultdict(list))
    if not wanted:
        return found
    rows = db.session.execute(_clearance_query(), {"numbers": sorted(wanted)}).all()
    for user, code, cert in rows:
        found.by_employee_no[user.employee_no] = user
        if code and user.position_id:
            found.codes[user.position_id] = code
        if cert is not None:
            found.certificates[user.id].append(cert)
    return found


def statuses(users: Sequence[User], now: datetime, known: People | None = None) -> list[PersonStatus]:
    """Each person's tracks, certificates and clearance, in a constant number of queries
    (one fewer when ``known`` already carries positions and certificates). Within one
    request the answer for the same people is worked out once (the banner and the page
    both ask); new results or certificates forget it."""
    key = tuple(u.id for u in users)
    cache = unit_of_work.memo().setdefault("person_statuses", {})
    if key in cache:
        return cache[key]
    cache[key] = _statuses(users, now, known)
    return cache[key]


def _forget_statuses() -> None:
    """After a certificate changes, statuses are worked out again: in this unit of work
    and in the HR matrix's counts this process keeps."""
    unit_of_work.memo().pop("person_statuses", None)
    process_cache.forget("matrix_summary")


def _statuses(users: Sequence[User], now: datetime, known: People | None) -> list[PersonStatus]:
    tracks = live_tracks()
    ids = [u.id for u in users]
    codes = known.codes if known else _position_codes(users)
    certs = known.certificates if known else certificates_for(ids)
    evidence = evidence_for(ids)
    result = []
    for user in users:
        mine = {t.slug: t for t in tracks_for_position(codes.get(user.position_id or 0), tracks)}
        by_track: dict[str, list[Certification]] = defaultdict(list)
        for cert in certs.get(user.id, []):
            by_track[_slug_of(cert, tracks)].append(cert)
        decisions = {
            slug: rules.evaluate(track.content, [as_rule(c) for c in by_track.get(slug, [])],
                                 evidence.get(user.id, []), now)
            for slug, track in mine.items()
        }
        result.append(PersonStatus(
            user, rules.clearance(decisions), mine,
            {slug: sorted(c, key=lambda c: c.valid_from, reverse=True)
             for slug, c in by_track.items()},
            evidence.get(user.id, [])))
    return result


def _slug_of(cert: Certification, tracks: Sequence[TrackInfo]) -> str:
    return next((t.slug for t in tracks if t.id == cert.track_id), "")


def status_of(user: User, now: datetime) -> PersonStatus:
    return statuses([user], now)[0]


# --- awarding -----------------------------------------------------------------------------------


def reevaluate(user_id: int, now: datetime) -> list[Certification]:
    """Award every certificate the person's results now earn. Called in the transaction of
    the result (quiz, call, observation, regrade), so the award and the result commit together."""
    db.session.flush()
    unit_of_work.memo().pop("person_statuses", None)  # the new result counts
    user = db.session.get(User, user_id)
    if user is None:
        return []
    status = status_of(user, now)
    awarded = []
    for slug, track in status.tracks.items():
        certs = [as_rule(c) for c in status.certificates.get(slug, [])]
        award = rules.due_award(track.content, certs, status.evidence, now)
        if award is None:
            continue
        cert = Certification(user_id=user.id, track_id=track.id, source=CertificateSource.EARNED,
                             awarded_at=now, valid_from=award.valid_from,
                             expires_at=award.expires_at)
        db.session.add(cert)
        db.session.flush()
        audit.record("certificate_renewed" if award.renewal else "certificate_awarded",
                     subject=user, track=slug, certificate=cert.id, code=cert.code,
                     valid_from=award.valid_from.isoformat(), expires_at=award.expires_at.isoformat())
        awarded.append(cert)
    if awarded:
        _forget_statuses()
    return awarded


def record_outside_award(actor: User, person: User, track: Track, source: CertificateSource,
                         note: str, now: datetime, months: int | None = None) -> Certification:
    """An admin records an award granted outside the platform, or an exemption."""
    if not note.strip():
        raise CertificationError("evidence note required")
    expires = rules.add_months(now, months or track.content["validity_months"]) \
        if source == CertificateSource.EXTERNAL or months else None
    cert = Certification(user_id=person.id, track_id=track.id, source=source, awarded_at=now,
                         valid_from=now, expires_at=expires, note=note.strip(),
                         awarded_by_id=actor.id)
    db.session.add(cert)
    db.session.flush()
    audit.record(f"certificate_{source.value}", actor=actor, subject=person, track=track.slug,
                 certificate=cert.id, note=note.strip())
    _forget_statuses()
    return cert


def revoke(actor: User, cert: Certification, reason: str, now: datetime) -> None:
    if not reason.strip():
        raise CertificationError("reason required")
    if cert.revoked_at is not None:
        raise CertificationError("already revoked")
    cert.revoked_at, cert.revoked_by_id, cert.revoke_reason = now, actor.id, reason.strip()
    audit.record("certificate_revoked", actor=actor, subject_id=cert.user_id,
                 certificate=cert.id, reason=reason.strip())
    notifications.notify(cert.user_id, "revoked", f"certificate:{cert.id}:revoked:{now:%Y%m%d%H%M}",
                         now, {"certificate": cert.code, "reason": reason.strip()})
    _forget_statuses()


def reinstate(actor: User, cert: Certification, reason: str) -> None:
    if cert.revoked_at is None:
        raise CertificationError("not revoked")
    if not reason.strip():
        raise CertificationError("reason required")
    cert.revoked_at = cert.revoked_by_id = cert.revoke_reason = None
    audit.record("certificate_reinstated", actor=actor, subject_id=cert.user_id,
                 certificate=cert.id, reason=reason.strip())
    _forget_statuses()


def get_certificate(cert_id: int) -> Certification | None:
    return db.session.get(Certification, cert_id)


def by_code(code: str) -> Certification | None:
    return db.session.scalar(select(Certification).where(Certification.code == code.upper())
                             .options(joinedload(Certification.track)))


CERTIFICATE_ACTIONS = ("certificate_awarded", "certificate_renewed", "certificate_revoked",
                       "certificate_reinstated", "certificate_external",
                       "certificate_exemption")


def history_of(user_id: int) -> Sequence[AuditEvent]:
    """Everything the audit log holds about a person, newest first: what an auditor asks."""
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_user_id == user_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(500)).all()
