"""Read-side queries about people and the organisation, for supervisors', HR's and admins' pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, load_only

from trainingapp.extensions import db
from trainingapp.models import (
    AttemptStatus,
    CallRun,
    CallRunStatus,
    Position,
    QuizAttempt,
    Role,
    Team,
    User,
)
from trainingapp.models.user import team_supervisor
from trainingapp.services.accounts import with_roles


def team_members(supervisor: User) -> Sequence[User]:
    """Everyone in the teams ``supervisor`` supervises, by team and name."""
    return db.session.scalars(
        select(User)
        .join(team_supervisor, team_supervisor.c.team_id == User.team_id)
        .where(team_supervisor.c.user_id == supervisor.id, User.id != supervisor.id)
        .options(joinedload(User.team), joinedload(User.position))
        .order_by(User.team_id, User.full_name)
    ).all()


def search_users(query: str, page: int, per_page: int = 50) -> Pagination:
    stmt = select(User).options(joinedload(User.team), joinedload(User.position), with_roles())
    if query:
        like = f"%{query.strip()}%"
        stmt = stmt.where(or_(User.employee_no.ilike(like), User.full_name.ilike(like)))
    return db.paginate(stmt.order_by(User.employee_no), page=page, per_page=per_page,
                       error_out=False)


def profile(user_id: int) -> User:
    """A person with their team and position, for their own pages."""
    return db.session.execute(
        select(User).where(User.id == user_id)
        .options(joinedload(User.team), joinedload(User.position))
    ).scalar_one()


def team_member(supervisor: User, user_id: int) -> User | None:
    """A member of a team ``supervisor`` supervises, or None."""
    person = db.session.get(User, user_id)
    if person is None or person.team_id is None or person.id == supervisor.id:
        return None
    supervises = db.session.scalar(
        select(func.count()).select_from(team_supervisor).where(
            team_supervisor.c.team_id == person.team_id,
            team_supervisor.c.user_id == supervisor.id))
    return person if supervises else None


def visible_person(viewer: User, user_id: int) -> User | None:
    """The person ``user_id`` if ``viewer`` may see their training record: themselves, a
    supervisor of their team, HR. None otherwise (the caller answers 404)."""
    if user_id == viewer.id or viewer.has_role(Role.HR):
        return db.session.get(User, user_id)
    return team_member(viewer, user_id) if viewer.has_role(Role.SUPERVISOR) else None



TEAMS_LISTED = 200  # beyond this a form asks for a team code instead of listing them all


def positions(*, offered: bool = False) -> Sequence[Position]:
    """The positions by code; ``offered``: only the active ones."""
    chosen = select(Position).order_by(Position.code)
    if offered:
        chosen = chosen.where(Position.is_active.is_(True))
    return db.session.scalars(chosen).all()


def groups(team_limit: int | None = None, *, offered: bool = False,
           ) -> dict[str, Sequence[Position] | Sequence[Team] | None]:
    """Positions and teams for the forms' lists; ``offered``: only the active ones (what
    may be chosen for someone now; filters keep the deactivated ones, people keep them).
    With ``team_limit``, teams are None when there are more than that (a large operator
    has thousands; the form takes a code)."""
    teams = select(Team).order_by(Team.code)
    if offered:
        teams = teams.where(Team.is_active.is_(True))
    listed = db.session.scalars(teams.limit(team_limit + 1) if team_limit else teams).all()
    return {"position": positions(offered=offered),
            "team": None if team_limit and len(listed) > team_limit else listed}


TEAMS_FOUND = 20  # teams a search offers at a time: type more to narrow it


@dataclass(frozen=True)
class TeamsFound:
    query: str
    teams: list[Team]  # the first ``TEAMS_FOUND`` that match, by code
    total: int  # how many match


def find_teams(query: str, *, keep: str = "") -> TeamsFound:
    """The active teams whose code or name (in either language) contains ``query``, all
    of them when it is empty: the first ``TEAMS_FOUND`` by code and how many there are.
    The team coded ``keep`` (the one chosen already) is among them, first, if it is not."""
    match = Team.is_active.is_(True)
    if query:
        match = and_(match, or_(*(column.icontains(query, autoescape=True)
                                  for column in (Team.code, Team.name, Team.name_zh))))
    teams = list(db.session.scalars(
        select(Team).where(match).order_by(Team.code).limit(TEAMS_FOUND)))
    total = len(teams)
    if total == TEAMS_FOUND:
        total = db.session.scalar(select(func.count()).select_from(Team).where(match)) or 0
    if keep and keep not in {t.code for t in teams}:
        teams[:0] = db.session.scalars(select(Team).where(Team.code == keep,
                                                          Team.is_active.is_(True)))
    return TeamsFound(query, teams, total)


def in_group(group: str, code: str) -> list[User]:
    """The active people of a position or a team, with their name and number only (tens
    of thousands in a large position; anything else raises rather than loads)."""
    model = {"position": Position, "team": Team}.get(group)
    if model is None:
        return []
    column = User.position_id if model is Position else User.team_id
    return list(db.session.scalars(
        select(User).join(model, model.id == column)
        .where(model.code == code, User.is_active.is_(True))
        .options(load_only(User.full_name, User.employee_no, raiseload=True))))


@dataclass(frozen=True)
class RecentScores:
    quiz: float | None  # the latest finished quiz's score
    call: float | None  # the latest finished practice call's score


def recent_scores(user_ids: Sequence[int]) -> dict[int, RecentScores]:
    """Each person's latest quiz and call score, in two queries."""
    quiz: dict[int, float] = {}
    for user_id, score in db.session.execute(
            select(QuizAttempt.user_id, QuizAttempt.score)
            .where(QuizAttempt.user_id.in_(user_ids),
                   QuizAttempt.status != AttemptStatus.IN_PROGRESS)
            .order_by(QuizAttempt.finished_at)):
        quiz[user_id] = score
    call: dict[int, float] = {}
    for user_id, score in db.session.execute(
            select(CallRun.user_id, CallRun.score)
            .where(CallRun.user_id.in_(user_ids), CallRun.status == CallRunStatus.FINISHED)
            .order_by(CallRun.finished_at)):
        call[user_id] = score
    return {i: RecentScores(quiz.get(i), call.get(i)) for i in user_ids}


def weakest_dimensions(user_ids: Sequence[int]) -> list[tuple[str, float, int]]:
    """Across these people's finished practice calls: (dimension, average 0..1, calls),
    weakest first — where to coach."""
    sums: dict[str, list[float]] = {}
    for (dimensions,) in db.session.execute(
            select(CallRun.dimensions)
            .where(CallRun.user_id.in_(user_ids), CallRun.status == CallRunStatus.FINISHED)):
        for name, value in (dimensions or {}).items():
            if value is not None:
                sums.setdefault(name, []).append(value)
    return sorted(((name, sum(v) / len(v), len(v)) for name, v in sums.items()),
                  key=lambda item: item[1])
