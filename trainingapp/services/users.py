"""Accounts: creating people, passwords, sign-in and deactivation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from trainingapp.extensions import db
from trainingapp.models import GRANTED_ROLES, Position, Role, Team, User, UserRole, utcnow
from trainingapp.rules.passwords import (
    HashCost,
    PolicyViolation,
    check_policy,
    hash_password,
    verify_password,
)
from trainingapp.services import audit


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


def load_for_session(user_id: int, session_token: str) -> User | None:
    """The user a login cookie names, if the cookie is still current and the user active."""
    # One query per request: the roles come joined, not in a second round trip.
    user = db.session.execute(
        select(User).where(User.id == user_id).options(joinedload(User.role_rows))
    ).unique().scalar_one_or_none()
    if user is None or not user.is_active or user.session_token != session_token:
        return None
    return user


def set_password(user: User, password: str, *, actor: User | None = None) -> None:
    violation = check_policy(password, user.employee_no)
    if violation:
        raise PasswordRejected(violation)
    user.password_hash = hash_password(password, password_cost())
    user.password_changed_at = utcnow()
    user.end_sessions()
    audit.record("password_changed", actor=actor or user, subject=user)


def create_user(
    *,
    employee_no: str,
    full_name: str,
    password: str,
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
        raise AccountError(f"employee number {employee_no!r} is already taken")
    violation = check_policy(password, employee_no)
    if violation:
        raise PasswordRejected(violation)
    user = User(
        employee_no=employee_no,
        full_name=full_name.strip(),
        email=(email or "").strip() or None,
        password_hash=hash_password(password, password_cost()),
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
    return user


def authenticate(employee_no: str, password: str) -> User | None:
    """The user for these credentials, or None; the same work whether or not they exist."""
    user = get_by_employee_no(employee_no)
    cost = password_cost()
    result = verify_password(user.password_hash if user else _dummy_hash(), password, cost)
    if user is None or not result.ok or not user.is_active:
        audit.record("login_failed", subject=user, employee_no=employee_no[:32])
        return None
    if result.needs_rehash:
        user.password_hash = hash_password(password, cost)
    user.last_login_at = utcnow()
    audit.record("login", actor=user, subject=user)
    return user


def deactivate(user: User, *, actor: User | None = None) -> None:
    user.is_active = False
    user.end_sessions()
    audit.record("user_deactivated", actor=actor, subject=user)


def set_language(user: User, language: str) -> None:
    user.language = language
