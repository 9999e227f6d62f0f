"""Simulated calls: calls as loaded from the bank (versioned, with their rubric), the
runs trainees make of them turn by turn, and supervisors' observations of real calls."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainingapp.models.base import Base, enum_column, utcnow


class Rubric(Base):
    """A call-quality rubric as loaded from the bank (call versions keep their own copy)."""

    __tablename__ = "rubric"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    retired_at: Mapped[datetime | None]


class Call(Base):
    __tablename__ = "call"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    channel: Mapped[str] = mapped_column(String(20))
    current_version: Mapped[int]
    retired_at: Mapped[datetime | None]


class CallVersion(Base):
    """The call's script and its rubric as they were: a run pins the version it started with."""

    __tablename__ = "call_version"
    __table_args__ = (UniqueConstraint("call_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id"))
    version: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"call": …, "rubric": …}
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    call: Mapped[Call] = relationship(lazy="raise")


class CallRunStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"


class CallRun(Base):
    __tablename__ = "call_run"
    __table_args__ = (
        UniqueConstraint("user_id", "call_id", "number"),
        Index("uq_call_run_in_progress", "user_id", "call_id", unique=True,
              sqlite_where=text("status = 'in_progress'"),
              postgresql_where=text("status = 'in_progress'")),
        # A call's runs; with status and passed, its pass rate is read from the index alone.
        Index("ix_call_run_call_id_status_passed", "call_id", "status", "passed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("call_version.id"))
    number: Mapped[int]
    status: Mapped[CallRunStatus] = mapped_column(enum_column(CallRunStatus, "call_run_status"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    node: Mapped[str] = mapped_column(String(64))  # where the call is now
    turn_started_at: Mapped[datetime]  # when the current agent turn was shown
    visits: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    outcome: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[float | None]
    passed: Mapped[bool | None]
    critical_errors: Mapped[list[str]] = mapped_column(JSON, default=list)
    dimensions: Mapped[dict[str, float | None]] = mapped_column(JSON, default=dict)

    call: Mapped[Call] = relationship(lazy="raise")
    version: Mapped[CallVersion] = relationship(lazy="raise")
    turns: Mapped[list[CallTurn]] = relationship(back_populates="run", lazy="raise",
                                                 order_by="CallTurn.seq")

    @property
    def is_open(self) -> bool:
        return self.status == CallRunStatus.IN_PROGRESS


class CallTurn(Base):
    """One agent turn of a run: the choice or the typed reply, and what it earned."""

    __tablename__ = "call_turn"
    __table_args__ = (UniqueConstraint("run_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("call_run.id"))
    seq: Mapped[int]
    node: Mapped[str] = mapped_column(String(64))
    option: Mapped[str | None] = mapped_column(String(16))
    reply: Mapped[str | None] = mapped_column(Text)
    matched: Mapped[list[str]] = mapped_column(JSON, default=list)
    available: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    earned: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    critical: Mapped[str | None] = mapped_column(String(64))
    next_node: Mapped[str] = mapped_column(String(64))  # where the call went after it
    is_late: Mapped[bool] = mapped_column(default=False)
    seconds: Mapped[float]
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    run: Mapped[CallRun] = relationship(back_populates="turns", lazy="raise")


class Observation(Base):
    """A supervisor's scoring of a real or shadowed call, on a rubric."""

    __tablename__ = "observation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    rubric: Mapped[dict[str, Any]] = mapped_column(JSON)  # as it was then
    ratings: Mapped[dict[str, int | None]] = mapped_column(JSON)  # 0..4, None: not observed
    critical_errors: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float]
    passed: Mapped[bool]
    pass_mark: Mapped[float]
    observed_at: Mapped[datetime] = mapped_column(default=utcnow)
