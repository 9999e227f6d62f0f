"""Every blueprint, where it is mounted, and the navigation built from them."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trainingapp.admin.people import bp as people_bp
from trainingapp.admin.routes import bp as admin_bp
from trainingapp.analysis.routes import bp as analysis_bp
from trainingapp.auditlog.routes import bp as auditlog_bp
from trainingapp.api.routes import bp as api_bp
from trainingapp.auth.routes import bp as auth_bp
from trainingapp.calls.routes import bp as calls_bp
from trainingapp.certification.routes import bp as certification_bp
from trainingapp.certification.routes import NO_BANNER, init_banner
from trainingapp.certification.routes import public_bp as verify_bp
from trainingapp.hr.routes import bp as hr_bp
from trainingapp.learning.routes import bp as learning_bp
from trainingapp.main.routes import bp as main_bp
from trainingapp.models import Role
from trainingapp.notifications.routes import bp as notifications_bp
from trainingapp.notifications.routes import init_header
from trainingapp.quizzes.routes import bp as quizzes_bp
from trainingapp.records.moved import bp as moved_bp
from trainingapp.records.routes import bp as records_bp
from trainingapp.supervisor.routes import bp as supervisor_bp
from trainingapp.wording import ROLE_NAMES

MOUNTS = [
    (main_bp, None),
    (auth_bp, None),
    (learning_bp, "/learn"),
    (quizzes_bp, "/quizzes"),
    (analysis_bp, "/analysis"),
    (auditlog_bp, "/audit"),
    (calls_bp, "/calls"),
    (certification_bp, "/certification"),
    (verify_bp, None),
    (records_bp, "/people"),
    (moved_bp, None),
    (supervisor_bp, "/supervisor"),
    (hr_bp, "/hr"),
    (admin_bp, "/admin"),
    (people_bp, "/admin/people"),
    (api_bp, "/api/v1"),
    (notifications_bp, "/notifications"),
]

# (endpoint, label, roles that see it)
NAVIGATION = [
    ("learning.index", _l("My training"), {Role.TRAINEE}),
    ("quizzes.index", _l("Quizzes"), {Role.TRAINEE}),
    ("calls.index", _l("Practice calls"), {Role.TRAINEE}),
    ("certification.index", _l("Certification"), {Role.TRAINEE}),
    ("supervisor.index", _l("My team"), {Role.SUPERVISOR}),
    ("hr.index", _l("HR overview"), {Role.HR}),
    ("analysis.index", _l("Question analysis"), {Role.HR, Role.ADMIN}),
    ("auditlog.index", _l("Audit log"), {Role.HR, Role.ADMIN}),
    ("admin.index", _l("Administration"), {Role.ADMIN}),
]


def register(app: Flask) -> None:
    for blueprint, prefix in MOUNTS:
        app.register_blueprint(blueprint, url_prefix=prefix)
    init_banner(app)
    init_header(app, NO_BANNER)

    @app.context_processor
    def _navigation() -> dict[str, object]:
        if not current_user.is_authenticated:
            return {"navigation": [], "role_names": ROLE_NAMES}
        roles = current_user.roles
        navigation = [(ep, label) for ep, label, allowed in NAVIGATION if allowed & roles]
        return {"navigation": navigation, "role_names": ROLE_NAMES}
