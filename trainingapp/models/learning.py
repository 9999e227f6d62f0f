"""Learning content as loaded from the question bank: modules, lessons, questions and their
versions, and what each person has read.

Texts are stored as ``{"en": ..., "zh": ...}`` mappings, as in the bank's files. Content
rows are never deleted: a module, lesson or question removed from the bank is retired.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainingapp.models.base import Base, utcnow

Localized = dict[str, str]


def localized(value: Localized | None, language: str) -> tuple[str, bool]:
    """The text in ``language``, or in the other language when it is missing.
    Returns (text, is_fallback)."""
    value = value or {}
    if value.get(language):
        return value[language], False
    for other in ("en", "zh"):
        if value.get(other):
            return value[other], True
    return "", False


class Module(Base):
    __tablename__ = "module"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(32))
    position: Mapped[int]
    estimated_minutes: Mapped[int]
    title: Mapped[Localized] = mapped_column(JSON)
    summary: Mapped[Localized] = mapped_column(JSON)
    quiz: Mapped[dict[str, Any]] = mapped_column(JSON)
    retired_at: Mapped[datetime | None]

    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module", lazy="raise", order_by="Lesson.position"
    )


class Lesson(Base):
    __tablename__ = "lesson"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    slug: Mapped[str] = mapped_column(String(96))
    position: Mapped[int]
    is_case_study: Mapped[bool] = mapped_column(default=False)
    title: Mapped[Localized] = mapped_column(JSON)
    body: Mapped[Localized] = mapped_column(JSON)  # Markdown, as written
    body_html: Mapped[Localized] = mapped_column(JSON)  # rendered and sanitised at sync
    retired_at: Mapped[datetime | None]

    module: Mapped[Module] = relationship(back_populates="lessons", lazy="raise")


class LessonRead(Base):
    """A person marked a lesson as read."""

    __tablename__ = "lesson_read"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


class Question(Base):
    """A question of a module's pool, by its stable bank id. Its text and answer key live
    in versions; attempts pin the version they were given."""

    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[str] = mapped_column(String(64), unique=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    type: Mapped[str] = mapped_column(String(16))
    difficulty: Mapped[str] = mapped_column(String(8))
    tags: Mapped[list[str]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(64))
    current_version: Mapped[int]
    retired_at: Mapped[datetime | None]

    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", lazy="raise", order_by="QuestionVersion.version"
    )


class QuestionVersion(Base):
    __tablename__ = "question_version"
    __table_args__ = (UniqueConstraint("question_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    version: Mapped[int]
    # Everything the trainee sees and the grader uses: stem, explanation, options, key…
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship(back_populates="versions", lazy="raise")


class ContentRelease(Base):
    """One sync of the question bank into the database."""

    __tablename__ = "content_release"

    id: Mapped[int] = mapped_column(primary_key=True)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    bank_hash: Mapped[str] = mapped_column(String(64))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    synced_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
