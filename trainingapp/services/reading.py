"""A person's reading progress through the learning modules."""

from __future__ import annotations

from trainingapp.database import insert_unless_conflicting
from trainingapp.extensions import db
from trainingapp.models import Lesson, LessonRead, User, utcnow


def mark_read(user: User, lesson: Lesson) -> None:
    """Record that ``user`` read ``lesson``; reading it again changes nothing."""
    db.session.execute(insert_unless_conflicting(LessonRead).values(
        user_id=user.id, lesson_id=lesson.id, read_at=utcnow()))
