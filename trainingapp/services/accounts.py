"""Accounts: creating people, passwords, sign-in and deactivation."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, delete, select, update
from sqlalchemy.orm import joinedload, selectinload, with_expression

from trainingapp import unit_of_work
from trainingapp.extensions import db
from trainingapp.models import (
    GRANTED_ROLES,
    PasswordReset,
    Position,
    Role,
    Team,
    User,
    UserRole,
    UserSession,
    utcnow,
)
from trainingapp.models.user import NAME_LENGTH
from trainingapp.rules.passwords import (
    HashCost,
    PolicyViolation,
    check_policy,
    hash_password,
    is_usable,
    unusable_hash,
    verify_password,
)
from trainingapp.services import assignments, audit, notifications


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message says why."""


class PasswordRejected(AccountError):
    def __init__(self, violation: PolicyViolation) -> None:
        super().__init__(violation.value)
        self.violation = violation


def password_cost() -> HashCost:
    config = current_app.config
    return HashCost(memory_kib=config["ARGON2_MEMORY_KIB"], time_cost=config["ARGON2_TIME_COST"])


def _dummy_hash() -> str:
    # Verifying against a real hash for unknown accounts keeps their timing the same.
    cache = current_app.extensions.setdefault("trainingapp_dummy_hash", {})
    cost = password_cost()
    if cost not in cache:
        cache[cost] = hash_password("not-a-real-password", cost)
    return cache[cost]


def with_roles():
    """Loader option for a user and the rows that make up their roles."""
    return selectinload(User.role_rows)


def get_by_employee_no(employee_no: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.employee_no == employee_no.strip()).options(with_roles())
    )


def require_by_employee_no(employee_no: str) -> User:
    user = get_by_employee_no(employee_no)
    if user is None:
        raise AccountError(f"no user with employee number {employee_no!r}")
    return user


def load_for_session(user_id: int, session_token: str, session_key: str, *,
                     with_unread: bool = False) -> User | None:
    """The user a login cookie names, if the cookie is still current (the user's sessions
    not all ended, this session not signed out) and the user active; ``with_unread``: with
    the count of unread notifications a page's header shows."""
    user = db.session.execute(_session_user(with_unread), {
        "user_id": user_id, "key_hash": _token_hash(session_key)}).unique().scalar_one_or_none()
    if user is None or not user.is_active or user.session_token != session_token:
        return None
    user.session_key = session_key
    return user


@functools.cache
def _session_user(with_unread: bool) -> Select[tuple[User]]:
    """One query per request: the session, the roles and the count come with the user, not
    in more round trips. Built once: every request runs it."""
    stmt = (select(User)
            .join(UserSession, UserSession.user_id == User.id)
            .where(User.id == bindparam("user_id"), UserSession.key_hash == bindparam("key_hash"),
                   UserSession.ended_at.is_(None))
            .options(joinedload(User.role_rows)))
    if with_unread:
        stmt = stmt.options(with_expression(User.unread_notifications,
                                            notifications.unread_count_of(User.id)))
    return stmt


def open_session(user: User, now: datetime) -> None:
    """A new session for ``user``, named in the login cookie from now on (``get_id``).
    The rows of this person's sessions that have ended go."""
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_not(None)))
    key = secrets.token_urlsafe(24)
    db.session.add(UserSession(user_id=user.id, key_hash=_token_hash(key), created_at=now))
    user.session_key = key


def end_session(user: User, now: datetime) -> None:
    """Sign out the session ``user`` was loaded for; the person's other sessions go on."""
    db.session.execute(update(UserSession).where(
        UserSession.key_hash == _token_hash(user.session_key),
        UserSession.ended_at.is_(None)).values(ended_at=now))


def end_all_sessions(user: User, now: datetime) -> None:
    """End every session of ``user``, on every device; a copied cookie stops working too."""
    user.end_sessions()
    db.session.execute(update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)).values(ended_at=now))


def set_password(user: User, password: str, *, actor: User | None = None) -> None:
    violation = check_policy(password, user.employee_no)
    if violation:
        raise PasswordRejected(violation)
    user.password_hash = hash_password(password, password_cost())
    user.password_changed_at = utcnow()
    end_all_sessions(user, user.password_changed_at)
    audit.record("password_changed", actor=actor or user, subject=user)


def create_user(
    *,
    employee_no: str,
    full_name: str,
    password: str | None,
    email: str | None = None,
    roles: Iterable[Role] = (),
    team: Team | None = None,
    position: Position | None = None,
    hire_date: date | None = None,
    language: str = "en",
    actor: User | None = None,
) -> User:
    employee_no = employee_no.strip()
    if get_by_employee_no(employee_no) is not None:
        raise AccountError(_("The employee number %(number)s is already taken.",
                             number=employee_no))
    violation = check_policy(password, employee_no) if password is not None else None
    if violation:
        raise PasswordRejected(violation)
    user = User(
        employee_no=employee_no,
        full_name=full_name.strip(),
        email=(email or "").strip() or None,
        password_hash=(hash_password(password, password_cost()) if password is not None
                       else unusable_hash()),
        team=team,
        position=position,
        hire_date=hire_date,
        language=language,
        role_rows=[UserRole(role=Role(r)) for r in set(roles) if Role(r) in GRANTED_ROLES],
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user_created", actor=actor, subject=user, roles=sorted(r.role for r in user.role_rows)
    )
    if user.position_id is not None:
        assignments.onboard(user, utcnow())
    return user


def authenticate(employee_no: str, password: str) -> User | None:
    """The user for these credentials, or None; the same work whether or not they exist."""
    with unit_of_work.reads_without_lock():  # no transaction (nor write lock) held while hashing
        user = get_by_employee_no(employee_no)
    cost = password_cost()
    usable = user is not None and is_usable(user.password_hash)
    result = verify_password(user.password_hash if usable else _dummy_hash(), password, cost)
    if user is None or not usable or not result.ok or not user.is_active:
        audit.record("login_failed", subject=user, employee_no=employee_no[:32])
        return None
    if result.needs_rehash:
        user.password_hash = hash_password(password, cost)
    user.last_login_at = utcnow()
    audit.record("login", actor=user, subject=user)
    return user


def deactivate(user: User, *, actor: User | None = None) -> None:
    user.is_active = False
    end_all_sessions(user, utcnow())
    audit.record("user_deactivated", actor=actor, subject=user)


def set_language(user: User, language: str) -> None:
    user.language = language


PROFILE_FIELDS = ("full_name", "email", "team", "position", "hire_date", "language")


def update_profile(user: User, changes: dict[str, Any], *, actor: User | None = None) -> list[str]:
    """Change a person's details; returns the fields that changed (audited). A new team or
    position takes effect at once, with the certification tracks it requires."""
    changed = []
    for name, value in changes.items():
        if name not in PROFILE_FIELDS:
            raise AccountError(f"{name} cannot be changed here")
        if name in ("team", "position"):
            attribute, value = f"{name}_id", value.id if value is not None else None
        else:
            attribute = name
        if getattr(user, attribute) != value:
            setattr(user, attribute, value)
            changed.append(name)
    if changed:
        audit.record("user_updated", actor=actor, subject=user, fields=changed)
    if "position" in changed and user.position_id is not None:
        assignments.onboard(user, utcnow(), origin="position")
    return changed


def add_supervised_team(user: User, team: Team, *, actor: User | None = None) -> bool:
    db.session.flush()
    db.session.refresh(user, ["supervised_teams"])
    if team in user.supervised_teams:
        return False
    user.supervised_teams.append(team)
    audit.record("supervisor_assigned", actor=actor, subject=user, team=team.code)
    return True


def set_roles(user: User, roles: Iterable[Role], *, actor: User | None = None) -> bool:
    """Grant exactly these roles (beyond trainee); audited when they change."""
    wanted = {Role(r) for r in roles if Role(r) in GRANTED_ROLES}
    current = {row.role for row in user.role_rows}
    if wanted == current:
        return False
    user.role_rows = [row for row in user.role_rows if row.role in wanted] + [
        UserRole(role=role) for role in wanted - current]
    audit.record("roles_changed", actor=actor, subject=user,
                 before=sorted(current), after=sorted(wanted))
    return True


def reactivate(user: User, *, actor: User | None = None) -> None:
    user.is_active = True
    audit.record("user_reactivated", actor=actor, subject=user)


RESET_LINK_HOURS = 72


def create_reset_link(user: User, now: datetime, *, actor: User | None = None) -> str:
    """A one-time token to set a new password (the person has forgotten it, or is new)."""
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordReset(user_id=user.id, token_hash=_token_hash(token),
                                 created_by_id=actor.id if actor else None, created_at=now,
                                 expires_at=now + timedelta(hours=RESET_LINK_HOURS)))
    audit.record("password_reset_link", actor=actor, subject=user)
    return token


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reset_for(token: str, now: datetime) -> PasswordReset | None:
    reset = db.session.scalar(select(PasswordReset).where(
        PasswordReset.token_hash == _token_hash(token)))
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        return None
    return reset


def use_reset(reset: PasswordReset, password: str, now: datetime) -> User:
    """Set the password through the link; the link then stops working."""
    user = db.session.get(User, reset.user_id)
    set_password(user, password)
    reset.used_at = now
    return user


def unusable_password() -> str:
    """A random password nobody knows: a new person sets theirs through a one-time link."""
    return secrets.token_urlsafe(32)


def get_with_roles(user_id: int) -> User | None:
    return db.session.scalar(select(User).where(User.id == user_id).options(with_roles()))


# --- teams and positions ------------------------------------------------------------------

CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def is_code(text: str) -> bool:
    """Whether ``text`` can be a team or position code (a-z, 0-9, hyphens; at most 64)."""
    return CODE.fullmatch(text) is not None


def _check_new_code(model: type[Team | Position], code: str) -> None:
    if not is_code(code):
        raise AccountError(_("A code has lowercase letters, digits and hyphens, at most 64."))
    if db.session.scalar(select(model.id).where(model.code == code)) is not None:
        raise AccountError(_("The code %(code)s is already used.", code=code))


def _name(text: str | None) -> str:
    name = " ".join((text or "").split())
    if len(name) > NAME_LENGTH:
        raise AccountError(_("A name has at most %(n)d characters.", n=NAME_LENGTH))
    return name


def create_team(code: str, name: str, name_zh: str = "", site: str = "", *,
                actor: User | None = None) -> Team:
    """A new team; ``name`` is its English name (required), ``name_zh`` its Chinese one."""
    _check_new_code(Team, code)
    if not _name(name):
        raise AccountError(_("Give the team's name."))
    team = Team(code=code, name=_name(name), name_zh=_name(name_zh), site=_name(site))
    db.session.add(team)
    db.session.flush()
    audit.record("team_created", actor=actor, team=code, name=team.name, name_zh=team.name_zh)
    return team


def create_position(code: str, name_en: str, name_zh: str, *,
                    actor: User | None = None) -> Position:
    """A new position, named in English and in Chinese."""
    _check_new_code(Position, code)
    if not _name(name_en) or not _name(name_zh):
        raise AccountError(_("Give the position's name in English and in Chinese."))
    position = Position(code=code, name_en=_name(name_en), name_zh=_name(name_zh))
    db.session.add(position)
    db.session.flush()
    audit.record("position_created", actor=actor, position=code, name_en=position.name_en,
                 name_zh=position.name_zh)
    return position


def _rename(unit: Team | Position, names: dict[str, str], event: str, key: str,
            actor: User | None) -> list[str]:
    changed = {field: (getattr(unit, field), value) for field, value in names.items()
               if getattr(unit, field) != value}
    for field, (_before, value) in changed.items():
        setattr(unit, field, value)
    if changed:
        audit.record(event, actor=actor, **{key: unit.code},
                     before={f: b for f, (b, _a) in changed.items()},
                     after={f: a for f, (_b, a) in changed.items()})
    return list(changed)


def update_team(team: Team, *, name: str, name_zh: str, site: str,
                actor: User | None = None) -> list[str]:
    """Rename a team (English and Chinese) or move it to another site; audited."""
    if not _name(name):
        raise AccountError(_("Give the team's name."))
    return _rename(team, {"name": _name(name), "name_zh": _name(name_zh), "site": _name(site)},
                   "team_updated", "team", actor)


def update_position(position: Position, *, name_en: str, name_zh: str,
                    actor: User | None = None) -> list[str]:
    """Rename a position in English and Chinese; audited."""
    if not _name(name_en) or not _name(name_zh):
        raise AccountError(_("Give the position's name in English and in Chinese."))
    return _rename(position, {"name_en": _name(name_en), "name_zh": _name(name_zh)},
                   "position_updated", "position", actor)


def set_unit_active(unit: Team | Position, active: bool, *, actor: User | None = None) -> bool:
    """Deactivate (no longer offered in forms and imports; its people keep it) or
    reactivate a team or a position; audited when it changes."""
    if unit.is_active == active:
        return False
    unit.is_active = active
    kind = "team" if isinstance(unit, Team) else "position"
    audit.record(f"{kind}_{'reactivated' if active else 'deactivated'}", actor=actor,
                 **{kind: unit.code})
    return True


def supervisor_candidates(team: Team) -> list[User]:
    """Whom ``team``'s supervisors are chosen from, by name: active people with the
    supervisor role, and those who supervise it now (so that saving keeps them)."""
    with_role = db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.SUPERVISOR, User.is_active.is_(True))).all()
    found = {person.id: person for person in (*with_role, *team.supervisors)}
    return sorted(found.values(), key=lambda person: (person.full_name, person.employee_no))


def get_team(team_id: int) -> Team | None:
    return db.session.get(Team, team_id)


def get_position(position_id: int) -> Position | None:
    return db.session.get(Position, position_id)


def team_with_supervisors(team_id: int) -> Team | None:
    return db.session.scalar(select(Team).where(Team.id == team_id)
                             .options(selectinload(Team.supervisors)))


def set_team_supervisors(team: Team, people: Iterable[User], *,
                         actor: User | None = None) -> bool:
    """Exactly these people supervise ``team`` (loaded with ``team_with_supervisors``);
    audited with who was added and who removed."""
    wanted = {person.id: person for person in people}
    current = {person.id: person for person in team.supervisors}
    if wanted.keys() == current.keys():
        return False
    team.supervisors = [*[p for p in team.supervisors if p.id in wanted],
                        *[p for i, p in wanted.items() if i not in current]]
    audit.record("team_supervisors_changed", actor=actor, team=team.code,
                 added=sorted(p.employee_no for i, p in wanted.items() if i not in current),
                 removed=sorted(p.employee_no for i, p in current.items() if i not in wanted))
    return True
