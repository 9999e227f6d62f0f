"""What of the question bank is loaded in the database."""

from __future__ import annotations

from sqlalchemy import func, select

from trainingapp.extensions import db
from trainingapp.models import ContentRelease, Lesson, Module, Question


def latest_release() -> ContentRelease | None:
    return db.session.scalar(select(ContentRelease).order_by(ContentRelease.id.desc()).limit(1))


def release_key() -> tuple[object, ...]:
    """Which release is current, as a cache entry's version (empty before the first sync):
    one small query tells every process whether what it keeps is still the content's."""
    return tuple(db.session.execute(
        select(ContentRelease.id, ContentRelease.synced_at)
        .order_by(ContentRelease.id.desc()).limit(1)).first() or ())


def loaded_counts() -> dict[str, int]:
    """Live and retired rows of each kind of content."""
    counts = {}
    for name, model in (("modules", Module), ("lessons", Lesson), ("questions", Question)):
        live, retired = db.session.execute(
            select(func.count().filter(model.retired_at.is_(None)),
                   func.count().filter(model.retired_at.is_not(None)))
        ).one()
        counts[name], counts[f"{name}_retired"] = live, retired
    return counts
