"""A person's reading progress through the learning modules."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from trainingapp.extensions import db
from trainingapp.models import Lesson, LessonRead, User, utcnow


def mark_read(user: User, lesson: Lesson) -> None:
    """Record that ``user`` read ``lesson``; reading it again changes nothing."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(LessonRead)
        .values(user_id=user.id, lesson_id=lesson.id, read_at=utcnow())
        .on_conflict_do_nothing()
    )
