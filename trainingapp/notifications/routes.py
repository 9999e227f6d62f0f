"""/notifications: a person's messages, the unread count in the header, the email choice."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from trainingapp.auth.access import role_required
from trainingapp.extensions import db
from trainingapp.models import Notification, utcnow
from trainingapp.services import notifications

bp = Blueprint("notifications", __name__)
role_required(bp)

TEXTS = {
    "assigned": _l("New training assigned to you: %(what)s, due %(due)s."),
    "due_soon": _l("Due soon: %(what)s, by %(due)s."),
    "overdue": _l("Overdue: %(what)s was due %(due)s."),
    "window_open": _l("The renewal window of certificate %(code)s is open."),
    "expiring_30": _l("Certificate %(code)s expires within 30 days (%(expires)s)."),
    "expiring_7": _l("Certificate %(code)s expires within 7 days (%(expires)s)."),
    "expired": _l("Certificate %(code)s has expired: you are not cleared for that track."),
    "revoked": _l("Certificate %(code)s was revoked: %(reason)s"),
}


def text_for(note: Notification, language: str | None = None) -> str:
    """The message in ``language`` (the page's when None)."""
    detail = note.detail or {}
    values = {"what": f"{detail.get('kind', '')} {detail.get('target', '')}".strip(),
              "due": (detail.get("due") or "")[:10], "code": detail.get("certificate", ""),
              "expires": (detail.get("expires") or "")[:10], "reason": detail.get("reason", "")}
    template = TEXTS.get(note.kind)
    if template is None:
        return note.kind
    if language is None:
        return str(template) % values
    with force_locale(language):
        return str(template) % values


@bp.get("/")
def index() -> str:
    return render_template("notifications/index.html",
                           notes=notifications.latest(current_user.id), text_for=text_for,
                           form=FlaskForm())


@bp.post("/read")
def read_all() -> Response:
    if not FlaskForm().validate_on_submit():
        abort(400)
    notifications.mark_all_read(current_user.id, utcnow())
    db.session.commit()
    return redirect(url_for(".index"))


@bp.post("/email")
def email_choice() -> Response:
    if not FlaskForm().validate_on_submit():
        abort(400)
    current_user.wants_email = request.form.get("wants_email") == "1"
    db.session.commit()
    return redirect(url_for(".index"))


def init_header(app: Flask, skip: set[str]) -> None:
    @app.context_processor
    def _unread() -> dict[str, object]:
        if (g.get("database_unavailable") or not current_user.is_authenticated
                or request.endpoint in skip or (request.blueprint or "") == "api"):
            return {}
        return {"unread_notifications": notifications.unread_count(current_user.id)}
