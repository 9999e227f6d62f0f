"""Assignments: a module, a practice call or a whole track given to a person with a due
date (a calendar day in the organisation's time zone: due until the end of that local day,
see ``rules.assignments``). Whether one is done is never ticked by hand: it is read from
the results."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trainingapp.models.base import Base, enum_column, utcnow


class AssignmentKind(enum.StrEnum):
    MODULE = "module"
    CALL = "scenario"  # the code forms, links and stored rows use
    TRACK = "track"


class Assignment(Base):
    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("user_id", "kind", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[AssignmentKind] = mapped_column(enum_column(AssignmentKind, "assignment_kind"))
    target: Mapped[str] = mapped_column(String(64))  # the module, call or track slug
    due_on: Mapped[date] = mapped_column(index=True)  # a day in the organisation's zone
    note: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(20))  # manual | onboarding | position
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)


class DueDateExtension(Base):
    """A due date moved, with who did it and why."""

    __tablename__ = "due_date_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), index=True)
    previous_due_on: Mapped[date]
    new_due_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    extended_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    extended_at: Mapped[datetime] = mapped_column(default=utcnow)
