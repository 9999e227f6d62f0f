"""The learning modules as a person sees them: the catalogue with their progress,
lessons, search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from trainingapp.extensions import db
from trainingapp.models import Lesson, LessonRead, Module, User

SEARCH_RESULTS = 50


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    lessons: int
    read: int

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.lessons) if self.lessons else 0


@dataclass(frozen=True)
class LessonEntry:
    lesson: Lesson
    is_read: bool


def catalogue(user: User) -> list[ModuleProgress]:
    """Every live module, in order, with how many of its lessons ``user`` has read."""
    reads = (
        select(LessonRead.lesson_id)
        .where(LessonRead.user_id == user.id)
        .subquery()
    )
    rows = db.session.execute(
        select(Module, func.count(Lesson.id), func.count(reads.c.lesson_id))
        .outerjoin(Lesson, and_(Lesson.module_id == Module.id, Lesson.retired_at.is_(None)))
        .outerjoin(reads, reads.c.lesson_id == Lesson.id)
        .where(Module.retired_at.is_(None))
        .group_by(Module.id)
        .order_by(Module.position, Module.slug)
    ).all()
    return [ModuleProgress(module, lessons, read) for module, lessons, read in rows]


def get_module(slug: str) -> Module | None:
    return db.session.scalar(select(Module).where(Module.slug == slug, Module.retired_at.is_(None)))


def lessons_of(module: Module, user: User) -> list[LessonEntry]:
    rows = db.session.execute(
        select(Lesson, LessonRead.lesson_id.is_not(None))
        .outerjoin(LessonRead, and_(LessonRead.lesson_id == Lesson.id,
                                    LessonRead.user_id == user.id))
        .where(Lesson.module_id == module.id, Lesson.retired_at.is_(None))
        .order_by(Lesson.position)
    ).all()
    return [LessonEntry(lesson, bool(is_read)) for lesson, is_read in rows]




def search(query: str, language: str) -> Sequence[Lesson]:
    """Live lessons whose title or text in ``language`` contains ``query``."""
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return db.session.scalars(
        select(Lesson)
        .join(Module, Module.id == Lesson.module_id)
        .where(
            Lesson.retired_at.is_(None),
            Module.retired_at.is_(None),
            or_(
                Lesson.title[language].as_string().ilike(pattern, escape="\\"),
                Lesson.body[language].as_string().ilike(pattern, escape="\\"),
            ),
        )
        .options(joinedload(Lesson.module))
        .order_by(Module.position, Lesson.position)
        .limit(SEARCH_RESULTS)
    ).all()


def snippet(html: str, query: str, width: int = 80) -> str:
    """A short plain-text excerpt of a lesson's HTML around the first match of ``query``."""
    flat = " ".join(Markup(html).striptags().split())
    at = flat.lower().find(query.lower())
    if at < 0:
        return flat[: width * 2] + ("…" if len(flat) > width * 2 else "")
    start = max(0, at - width)
    end = min(len(flat), at + len(query) + width)
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")
