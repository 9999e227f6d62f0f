"""/notifications: a person's messages, the unread count in the header, the email choice."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    abort,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import inspect
from werkzeug.wrappers import Response

from trainingapp import unit_of_work
from trainingapp.auth.access import role_required
from trainingapp.forms import ButtonForm
from trainingapp.models import utcnow
from trainingapp.notifications.forms import EmailChoiceForm
from trainingapp.services import notifications
from trainingapp.wording import names_for, text_for

bp = Blueprint("notifications", __name__)
role_required(bp)

@bp.get("/")
def index() -> str:
    notes = notifications.latest(current_user.id)
    return render_template("notifications/index.html", notes=notes, text_for=text_for,
                           names=names_for(notes), form=ButtonForm())


@bp.post("/read")
def read_all() -> Response:
    if not ButtonForm().validate_on_submit():
        abort(400)
    notifications.mark_all_read(current_user.id, utcnow())
    unit_of_work.commit()
    return redirect(url_for(".index"))


@bp.post("/email")
def email_choice() -> Response:
    form = EmailChoiceForm()
    if not form.validate_on_submit():
        abort(400)
    current_user.wants_email = form.wants_email.data
    unit_of_work.commit()
    return redirect(url_for(".index"))


def init_header(app: Flask, skip: set[str]) -> None:
    @app.context_processor
    def _unread() -> dict[str, object]:
        if (g.get("database_unavailable") or not current_user.is_authenticated
                or request.endpoint in skip or (request.blueprint or "") == "api"):
            return {}
        # Loaded with the user for a GET; gone once the request's commit expired it (read
        # from the loaded state: loading it again might meet a raiseload option).
        unread = inspect(current_user._get_current_object()).dict.get("unread_notifications")
        return {"unread_notifications": notifications.unread_count(current_user.id)
                if unread is None else unread}
