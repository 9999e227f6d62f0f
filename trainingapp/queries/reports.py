"""Company-wide figures for HR's charts, aggregated in SQL; months are labelled as the
reader's locale writes them ("Nov 2026", "2026年11月")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from babel.dates import format_skeleton
from flask_babel import get_locale
from sqlalchemy import and_, case, func, or_, select

from trainingapp.extensions import db
from trainingapp.models import (
    AttemptStatus,
    Call,
    CallRun,
    CallRunStatus,
    Certification,
    Module,
    QuizAttempt,
    User,
)
from trainingapp.rules.certification import add_months


@dataclass(frozen=True)
class Bar:
    label: str | dict[str, str]
    value: float
    count: int = 0


def _month(moment: datetime) -> str:
    """A month as a chart's label: the month of the date, not a time, so no time zone."""
    return format_skeleton("yMMM", moment.date(), locale=get_locale())


def _month_starts(now: datetime, back: int, ahead: int) -> list[datetime]:
    first = datetime(now.year, now.month, 1, tzinfo=UTC)
    return [add_months(first, n) for n in range(-back, ahead + 1)]


def certified_share(now: datetime, months: int = 12) -> list[Bar]:
    """Share of active staff holding a valid certificate at the start of each month."""
    staff = db.session.scalar(select(func.count()).select_from(User).where(
        User.is_active.is_(True), User.position_id.is_not(None))) or 0
    bars = []
    for moment in _month_starts(now, months - 1, 0):
        held = db.session.scalar(
            select(func.count(func.distinct(Certification.user_id)))
            .join(User, User.id == Certification.user_id)
            .where(User.is_active.is_(True), Certification.valid_from <= moment,
                   or_(Certification.expires_at.is_(None), Certification.expires_at > moment),
                   or_(Certification.revoked_at.is_(None), Certification.revoked_at > moment))
        ) or 0
        bars.append(Bar(_month(moment), 100 * held / staff if staff else 0.0, held))
    return bars


def expiring_per_month(now: datetime, months: int = 12) -> list[Bar]:
    """Certificates ending in each coming month, not counting those already renewed."""
    later = Certification.__table__.alias("later")
    renewed = select(later.c.id).where(later.c.user_id == Certification.user_id,
                                       later.c.track_id == Certification.track_id,
                                       later.c.valid_from == Certification.expires_at,
                                       later.c.revoked_at.is_(None)).exists()
    ends = db.session.scalars(select(Certification.expires_at).where(
        Certification.revoked_at.is_(None), Certification.expires_at > now,
        Certification.expires_at < add_months(now, months), ~renewed)).all()
    counts: dict[str, int] = {}
    for moment in ends:
        counts[f"{moment:%Y-%m}"] = counts.get(f"{moment:%Y-%m}", 0) + 1
    return [Bar(_month(m), counts.get(f"{m:%Y-%m}", 0), counts.get(f"{m:%Y-%m}", 0))
            for m in _month_starts(now, 0, months - 1)]


def pass_rates() -> tuple[list[Bar], list[Bar]]:
    """Share of finished quiz attempts and practice calls that passed, per module and call."""
    passed = func.sum(case((QuizAttempt.passed.is_(True), 1), else_=0))
    modules = db.session.execute(
        select(Module.title, func.count(QuizAttempt.id), passed)
        .join(QuizAttempt, and_(QuizAttempt.module_id == Module.id,
                                QuizAttempt.status != AttemptStatus.IN_PROGRESS))
        .group_by(Module.id).order_by(Module.position)).all()  # title depends on the id
    run_passed = func.sum(case((CallRun.passed.is_(True), 1), else_=0))
    calls = db.session.execute(
        select(Call.title, func.count(CallRun.id), run_passed)
        .join(CallRun, and_(CallRun.call_id == Call.id,
                            CallRun.status == CallRunStatus.FINISHED))
        .group_by(Call.id).order_by(Call.slug)).all()
    return ([Bar(title, 100 * (ok or 0) / n, n) for title, n, ok in modules],
            [Bar(title, 100 * (ok or 0) / n, n) for title, n, ok in calls])
