"""All models, imported here so that Alembic and ``db.metadata`` see every table."""

from trainingapp.models.audit import AuditEvent
from trainingapp.models.base import Base, utcnow
from trainingapp.models.learning import (
    ContentRelease,
    Lesson,
    LessonRead,
    Module,
    Question,
    QuestionVersion,
)
from trainingapp.models.quiz import (
    AttemptQuestion,
    AttemptStatus,
    QuestionReport,
    QuizAttempt,
    ReportStatus,
)
from trainingapp.models.user import GRANTED_ROLES, Position, Role, Team, User, UserRole

__all__ = [
    "GRANTED_ROLES",
    "AttemptQuestion",
    "AttemptStatus",
    "AuditEvent",
    "Base",
    "ContentRelease",
    "Lesson",
    "LessonRead",
    "Module",
    "Position",
    "Question",
    "QuestionReport",
    "QuestionVersion",
    "QuizAttempt",
    "ReportStatus",
    "Role",
    "Team",
    "User",
    "UserRole",
    "utcnow",
]
