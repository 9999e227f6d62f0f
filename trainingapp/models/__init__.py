"""All models, imported here so that Alembic and ``db.metadata`` see every table."""

from trainingapp.models.assignment import Assignment, AssignmentKind, DueDateExtension
from trainingapp.models.audit import AuditEvent
from trainingapp.models.base import Base, utcnow
from trainingapp.models.call import (
    Call,
    CallRun,
    CallRunStatus,
    CallTurn,
    CallVersion,
    Observation,
    Rubric,
)
from trainingapp.models.certification import (
    ApiToken,
    CertificateSource,
    Certification,
    Track,
)
from trainingapp.models.evaluation import Evaluation
from trainingapp.models.learning import (
    ContentRelease,
    Lesson,
    LessonRead,
    Module,
    Question,
    QuestionVersion,
)
from trainingapp.models.notification import Notification
from trainingapp.models.people_admin import ImportBatch, PasswordReset
from trainingapp.models.quiz import (
    AttemptQuestion,
    AttemptStatus,
    QuestionReport,
    QuizAttempt,
    ReportStatus,
)
from trainingapp.models.user import (
    GRANTED_ROLES,
    Position,
    Role,
    Team,
    User,
    UserRole,
    UserSession,
)

__all__ = [
    "GRANTED_ROLES",
    "ApiToken",
    "Assignment",
    "AssignmentKind",
    "AttemptQuestion",
    "AttemptStatus",
    "AuditEvent",
    "Base",
    "Call",
    "CallRun",
    "CallRunStatus",
    "CallTurn",
    "CallVersion",
    "CertificateSource",
    "Certification",
    "DueDateExtension",
    "Evaluation",
    "ContentRelease",
    "ImportBatch",
    "Lesson",
    "LessonRead",
    "Module",
    "Notification",
    "Observation",
    "PasswordReset",
    "Position",
    "Question",
    "QuestionReport",
    "QuestionVersion",
    "QuizAttempt",
    "ReportStatus",
    "Rubric",
    "Role",
    "Team",
    "Track",
    "User",
    "UserRole",
    "UserSession",
    "utcnow",
]
