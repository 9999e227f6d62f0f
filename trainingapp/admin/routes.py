"""/admin: people and content management."""

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from trainingapp import unit_of_work
from trainingapp.admin.forms import TokenForm
from trainingapp.auth.access import role_required
from trainingapp.content.bank import load_bank
from trainingapp.forms import ButtonForm
from trainingapp.models import Role, utcnow
from trainingapp.queries import analysis, content, people
from trainingapp.services import api_tokens, regrading

bp = Blueprint("admin", __name__)
role_required(bp, Role.ADMIN)


@bp.get("/")
def index() -> str:
    query = request.args.get("q", "")[:64]
    page = request.args.get("page", 1, type=int)
    return render_template("admin/index.html", users=people.search_users(query, page), q=query)


@bp.route("/content", methods=["GET", "POST"])
def content_status() -> str:
    """The bank's status; the button runs the check (it reads files, it changes nothing)."""
    form = ButtonForm()
    checked = load_bank(Path(current_app.config["QUESTION_BANK"])) if form.validate_on_submit() else None
    return render_template("admin/content.html", form=form, checked=checked,
                           release=content.latest_release(), loaded=content.loaded_counts())


@bp.post("/questions/<bank_id>/regrade")
def regrade(bank_id: str) -> Response:
    """Grade the attempts that used an older version of a question against its current
    (corrected) version. Each change to an attempt is audited."""
    question = analysis.get_question(bank_id) or abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    changed = regrading.apply_regrade(question, current_user, utcnow())
    unit_of_work.commit()
    flash(_("Regraded %(n)d attempt(s).", n=changed), "success")
    return redirect(url_for("analysis.question", bank_id=bank_id))


@bp.post("/reports/<int:report_id>/resolve")
def resolve_report(report_id: int) -> Response:
    if not ButtonForm().validate_on_submit():
        abort(400)
    report = regrading.resolve_report(report_id, current_user) or abort(404)
    unit_of_work.commit()
    return redirect(url_for("analysis.question", bank_id=analysis.bank_id_of(report)))


@bp.route("/tokens", methods=["GET", "POST"])
def tokens() -> str:
    """API tokens for rostering systems: create (shown once), list, revoke."""
    form = TokenForm()
    shown = None
    if form.validate_on_submit():
        if form.revoke.data:
            api_tokens.revoke(form.revoke.data, utcnow(), current_user)
            unit_of_work.commit()
            flash(_("Token revoked."), "success")
        else:
            try:
                _token, shown = api_tokens.create(form.name.data, actor=current_user)
            except ValueError as error:
                flash(str(error), "error")
            else:
                unit_of_work.commit()
    return render_template("admin/tokens.html", tokens=api_tokens.all_tokens(), shown=shown,
                           form=form)
