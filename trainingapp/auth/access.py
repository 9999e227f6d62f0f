"""Authorization, declared once per blueprint."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from trainingapp.extensions import login_manager
from trainingapp.models import Role


def role_required(blueprint: Blueprint, *roles: Role) -> None:
    """Every view of ``blueprint`` needs a signed-in user holding one of ``roles``
    (any signed-in user when no role is named)."""

    @blueprint.before_request
    def _require_role():  # type: ignore[no-untyped-def]
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if roles and not current_user.has_role(*roles):
            abort(403)
        return None


def home_endpoint(roles: frozenset[Role]) -> str:
    """The page a person lands on after signing in: their most specific role's home."""
    for role, endpoint in (
        (Role.ADMIN, "admin.index"),
        (Role.HR, "hr.index"),
        (Role.SUPERVISOR, "supervisor.index"),
    ):
        if role in roles:
            return endpoint
    return "learning.index"
