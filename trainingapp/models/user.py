"""People and organisation: staff, their position (job role), team and roles."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from trainingapp.models.base import Base, enum_column, utcnow


class Role(enum.StrEnum):
    """What a person may do beyond learning. Every active member of staff is a trainee."""

    TRAINEE = "trainee"
    SUPERVISOR = "supervisor"
    HR = "hr"
    ADMIN = "admin"


# Roles granted explicitly; TRAINEE is implied for everyone and never stored.
GRANTED_ROLES = (Role.SUPERVISOR, Role.HR, Role.ADMIN)


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


team_supervisor = Table(
    "team_supervisor",
    Base.metadata,
    Column("team_id", ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


NAME_LENGTH = 120  # the longest name of a team, a position or a site


class Position(Base):
    """A job position (contact-centre agent, business-hall associate, technical support…).
    A deactivated position is no longer offered; the people who hold it keep it."""

    __tablename__ = "position"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_en: Mapped[str] = mapped_column(String(NAME_LENGTH))
    name_zh: Mapped[str] = mapped_column(String(NAME_LENGTH))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en

    def name_in(self, language: str) -> str:
        """The position's name in ``language`` ("en" or "zh"), as for a team."""
        return self.name(language)


class Team(Base):
    """A team at a site (contact centre or business hall), with its supervisors. ``name``
    is the English name, ``name_zh`` the Chinese one ("" until someone gives it); show
    ``name_in(language)``. A deactivated team is no longer offered; its people keep it."""

    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    name_zh: Mapped[str] = mapped_column(String(NAME_LENGTH), default="", server_default="")
    site: Mapped[str] = mapped_column(String(NAME_LENGTH), default="", server_default="")
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())

    def name_in(self, language: str) -> str:
        """The team's name in ``language`` ("en" or "zh"); the English one when it has no
        Chinese name. Templates: ``team.name_in(current_language)``."""
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name

    supervisors: Mapped[list[User]] = relationship(
        secondary=team_supervisor, back_populates="supervised_teams", lazy="raise"
    )
    members: Mapped[list[User]] = relationship(
        back_populates="team", lazy="raise", foreign_keys="User.team_id"
    )


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), primary_key=True)


class User(Base):
    """A member of staff. The employee number is the login name."""

    __tablename__ = "user_account"
    __table_args__ = (
        UniqueConstraint("email"),
        # Lists of active staff by employee number (the HR matrix) read one page of it.
        Index("ix_user_account_active_employee_no", "is_active", "employee_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_no: Mapped[str] = mapped_column(String(32), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(16), default="en", server_default="en")
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    wants_email: Mapped[bool] = mapped_column(default=True, server_default=true())
    hire_date: Mapped[date | None]
    position_id: Mapped[int | None] = mapped_column(ForeignKey("position.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    # Part of every login cookie of this user; replacing it ends all their sessions.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    position: Mapped[Position | None] = relationship(lazy="raise")
    team: Mapped[Team | None] = relationship(
        back_populates="members", lazy="raise", foreign_keys=[team_id]
    )
    role_rows: Mapped[list[UserRole]] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )
    supervised_teams: Mapped[list[Team]] = relationship(
        secondary=team_supervisor, back_populates="supervisors", lazy="raise"
    )
    # How many notifications are unread, when the query that loaded the user asked
    # (accounts.load_for_session, for a page's header); None otherwise.
    unread_notifications: Mapped[int | None] = query_expression()

    # Flask-Login protocol. ``is_active`` is the column above.
    is_authenticated = True
    is_anonymous = False
    # The key of the sign-in this object was loaded for (a ``UserSession``), not stored.
    session_key = ""

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}:{self.session_key}"

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset({Role.TRAINEE, *(row.role for row in self.role_rows)})

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    def end_sessions(self) -> None:
        """Invalidate every login cookie issued to this user (``services.accounts.
        end_all_sessions`` also marks their sessions ended)."""
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.employee_no}>"


class UserSession(Base):
    """One sign-in of a person. Its login cookie carries the key (only the key's hash is
    kept); signing out ends this session alone. A cookie is honoured only while its
    session is here and not ended, and its user's ``session_token`` still matches."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
