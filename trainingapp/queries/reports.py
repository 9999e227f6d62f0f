"""Company-wide figures for HR's overview, aggregated in SQL: one query per chart, whatever
the number of people, attempts or months, and kept for a minute by each process (as the
matrix's counts are). Months are the organisation's calendar months (they start at midnight
in its time zone) and are labelled as the reader's locale writes them ("Nov 2026",
"2026年11月")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from babel.dates import format_skeleton
from flask_babel import get_locale
from sqlalchemy import ColumnElement, and_, case, func, or_, select

from trainingapp.caches import process_cache
from trainingapp.extensions import db
from trainingapp.models import (
    AttemptStatus,
    Call,
    CallRun,
    CallRunStatus,
    Certification,
    Module,
    Position,
    QuizAttempt,
    Team,
    User,
)
from trainingapp.services.assignments import zone

OVERVIEW_SECONDS = 60
MONTHS = 12


@dataclass(frozen=True)
class Month:
    """A calendar month as a chart's label, written in the language of the request that
    shows it (so the figures can be kept for readers of either language)."""

    first: date

    def __str__(self) -> str:
        return format_skeleton("yMMM", self.first, locale=get_locale())


@dataclass(frozen=True)
class Bar:
    label: str | dict[str, str] | Month
    value: float
    count: int = 0


@dataclass(frozen=True)
class Overview:
    """What HR's overview shows, counted at ``as_of``."""

    as_of: datetime
    headcount: list[tuple[dict[str, str] | None, int, int]]  # position name, active, inactive
    teams: int
    share: list[Bar]  # staff holding a valid certificate at the start of each month
    expiring: list[Bar]  # certificates ending in each coming month
    module_rates: list[Bar]
    call_rates: list[Bar]


def overview(now: datetime) -> Overview:
    """The overview's figures, counted at most once a minute per process: they read every
    person, certificate and finished attempt."""
    return process_cache.get(
        str(db.engine.url), ("hr_overview", None), lambda: _count(now),
        fresh=lambda kept: timedelta(0) <= now - kept.as_of < timedelta(seconds=OVERVIEW_SECONDS))


def _count(now: datetime) -> Overview:
    module_rates, call_rates = pass_rates()
    return Overview(now, headcount_by_position(), teams_count(), certified_share(now),
                    expiring_per_month(now), module_rates, call_rates)


def month_starts(now: datetime, first: int, count: int) -> list[datetime]:
    """The instants (UTC) ``count`` calendar months begin where the organisation works,
    from ``first`` months after the one ``now`` is in (negative: before it)."""
    local = now.astimezone(zone())
    starts = []
    for n in range(first, first + count):
        year, month = divmod(local.year * 12 + local.month - 1 + n, 12)
        starts.append(datetime(year, month + 1, 1, tzinfo=zone()).astimezone(UTC))
    return starts


def _label(start: datetime) -> Month:
    return Month(start.astimezone(zone()).date())


def certified_share(now: datetime, months: int = MONTHS) -> list[Bar]:
    """Share of active staff (people with a position) holding a valid certificate at the
    start of each month, the current one last: one query, which reads each certificate
    once and works out per person whether they held one at each start."""
    starts = month_starts(now, 1 - months, months)

    def valid_at(moment: datetime) -> ColumnElement[bool]:
        return and_(Certification.valid_from <= moment,
                    or_(Certification.expires_at.is_(None), Certification.expires_at > moment),
                    or_(Certification.revoked_at.is_(None), Certification.revoked_at > moment))

    per_person = (
        select(*(func.max(case((valid_at(start), 1), else_=0)).label(f"held_{n}")
                 for n, start in enumerate(starts)))
        .join(User, and_(User.id == Certification.user_id, User.is_active.is_(True)))
        .where(Certification.valid_from <= starts[-1],
               or_(Certification.expires_at.is_(None), Certification.expires_at > starts[0]),
               or_(Certification.revoked_at.is_(None), Certification.revoked_at > starts[0]))
        .group_by(Certification.user_id).subquery("per_person"))
    staff = (select(func.count()).select_from(User)
             .where(User.is_active.is_(True), User.position_id.is_not(None)).scalar_subquery())
    *held, total = db.session.execute(
        select(*(func.coalesce(func.sum(column), 0) for column in per_person.c), staff)).one()
    return [Bar(_label(start), 100 * count / total if total else 0.0, count)
            for start, count in zip(starts, held, strict=True)]


def expiring_per_month(now: datetime, months: int = MONTHS) -> list[Bar]:
    """Certificates ending in each coming month, the current one first, not counting those
    already renewed: one query, grouped by the month they end in."""
    starts = month_starts(now, 0, months + 1)  # the last one ends the last month
    later = Certification.__table__.alias("later")
    renewed = select(later.c.id).where(later.c.user_id == Certification.user_id,
                                       later.c.track_id == Certification.track_id,
                                       later.c.valid_from == Certification.expires_at,
                                       later.c.revoked_at.is_(None)).exists()
    month = case(*((Certification.expires_at < end, n) for n, end in enumerate(starts[1:])))
    ending = dict(db.session.execute(
        select(month, func.count())
        .where(Certification.revoked_at.is_(None), Certification.expires_at > now,
               Certification.expires_at < starts[-1], ~renewed)
        .group_by(month)).all())
    return [Bar(_label(start), ending.get(n, 0), ending.get(n, 0))
            for n, start in enumerate(starts[:-1])]


def pass_rates() -> tuple[list[Bar], list[Bar]]:
    """Share of finished quiz attempts and practice calls that passed, per module and call:
    each counted from the attempts' (module, status, passed) index alone, then named."""
    attempts = (select(QuizAttempt.module_id, func.count().label("n"),
                       func.sum(case((QuizAttempt.passed.is_(True), 1), else_=0)).label("ok"))
                .where(QuizAttempt.status != AttemptStatus.IN_PROGRESS)
                .group_by(QuizAttempt.module_id).subquery("attempts"))
    modules = db.session.execute(
        select(Module.title, attempts.c.n, attempts.c.ok)
        .join(attempts, attempts.c.module_id == Module.id).order_by(Module.position)).all()
    runs = (select(CallRun.call_id, func.count().label("n"),
                   func.sum(case((CallRun.passed.is_(True), 1), else_=0)).label("ok"))
            .where(CallRun.status == CallRunStatus.FINISHED)
            .group_by(CallRun.call_id).subquery("runs"))
    calls = db.session.execute(
        select(Call.title, runs.c.n, runs.c.ok)
        .join(runs, runs.c.call_id == Call.id).order_by(Call.slug)).all()
    return ([Bar(title, 100 * (ok or 0) / n, n) for title, n, ok in modules],
            [Bar(title, 100 * (ok or 0) / n, n) for title, n, ok in calls])


def headcount_by_position() -> list[tuple[dict[str, str] | None, int, int]]:
    """(position's name by language, active staff, inactive staff) for every position
    anyone holds, and None for the people without one: one grouped query."""
    rows = db.session.execute(
        select(Position.name_en, Position.name_zh,
               func.count().filter(User.is_active.is_(True)),
               func.count().filter(User.is_active.is_(False)))
        .select_from(User).outerjoin(Position, Position.id == User.position_id)
        .group_by(Position.id)
        .order_by(Position.code)).all()
    return [({"en": en, "zh": zh} if en is not None else None, active, inactive)
            for en, zh, active, inactive in rows]


def teams_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Team)) or 0
