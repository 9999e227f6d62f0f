"""Quiz attempts: the questions each attempt drew (pinned to their version), the answers
saved as they are given, the grade, and problems trainees report about questions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainingapp.models.base import Base, enum_column, utcnow
from trainingapp.models.learning import Module, QuestionVersion


class AttemptStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"  # by the trainee
    EXPIRED = "expired"  # closed at the deadline with the answers saved by then


class QuizAttempt(Base):
    __tablename__ = "quiz_attempt"
    __table_args__ = (
        UniqueConstraint("user_id", "module_id", "number"),
        # At most one attempt in progress per person and module, whatever the races.
        Index("uq_quiz_attempt_in_progress", "user_id", "module_id", unique=True,
              sqlite_where=text("status = 'in_progress'"),
              postgresql_where=text("status = 'in_progress'")),
        # A module's attempts, and enough of each to count passes and rank scores from the
        # index alone (the analysis and HR's overview count every module's attempts;
        # PostgreSQL's index-only scans need the id in it, SQLite's indexes hold it anyway).
        Index("ix_quiz_attempt_module_outcome", "module_id", "status", "score", "passed", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # (user_id, module_id, number) is unique, which also indexes a person's attempts.
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    number: Mapped[int]
    status: Mapped[AttemptStatus] = mapped_column(enum_column(AttemptStatus, "attempt_status"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)  # the module's quiz settings then
    points: Mapped[float | None]
    max_points: Mapped[float | None]
    score: Mapped[float | None]  # percent
    passed: Mapped[bool | None]

    module: Mapped[Module] = relationship(lazy="raise")
    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", lazy="raise", order_by="AttemptQuestion.position"
    )

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS


class AttemptQuestion(Base):
    __tablename__ = "attempt_question"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id"))
    position: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"),
                                                     index=True)
    points: Mapped[float]
    # The order options, items or right-hand sides are shown in; forms send positions.
    display_order: Mapped[list[str]] = mapped_column(JSON)
    answer: Mapped[Any | None] = mapped_column(JSON)
    is_flagged: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime | None]
    share: Mapped[float | None]  # 0..1 of the points, once graded

    attempt: Mapped[QuizAttempt] = relationship(back_populates="questions", lazy="raise")
    version: Mapped[QuestionVersion] = relationship(lazy="raise")


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class QuestionReport(Base):
    """A trainee's report of a problem with a question, for the content owners."""

    __tablename__ = "question_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"),
                                                     index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus, "report_status"),
                                                 default=ReportStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    version: Mapped[QuestionVersion] = relationship(lazy="raise")
