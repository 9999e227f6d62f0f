"""/admin/people: create and edit people, their roles, team and position; deactivate and
reactivate (never delete); one-time password links; bulk import from CSV or XLSX.
Every successful POST redirects."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from trainingapp import exports, unit_of_work
from trainingapp.admin.forms import (
    ActiveForm,
    NewPersonForm,
    person_form,
    units_for,
)
from trainingapp.auth.access import role_required
from trainingapp.forms import ButtonForm, UploadForm
from trainingapp.i18n import LANGUAGES, current_language
from trainingapp.models import GRANTED_ROLES, Role, User, utcnow
from trainingapp.models.user import NAME_LENGTH
from trainingapp.queries import people
from trainingapp.services import accounts, staff_import

bp = Blueprint("people", __name__)
role_required(bp, Role.ADMIN)


def _choices(units: dict[str, Any]) -> dict[str, Any]:
    return {"positions": units["position"], "teams": units["team"], "granted": GRANTED_ROLES,
            "languages": LANGUAGES, "name_length": NAME_LENGTH}


@bp.route("/new", methods=["GET", "POST"])
def new() -> Response | str:
    units = units_for(people.groups())
    form = NewPersonForm(units)
    if form.validate_on_submit():
        try:
            person = accounts.create_user(
                employee_no=form.employee_no.data, password=accounts.unusable_password(),
                roles=[Role(r) for r in form.roles.data], actor=current_user,
                **form.profile())
        except accounts.AccountError as error:
            form.employee_no.errors.append(str(error))
        else:
            return _made_link(person)
    return render_template("admin/person.html", person=None, form=form, **_choices(units))


@bp.route("/<id:user_id>", methods=["GET", "POST"])
def edit(user_id: int) -> Response | str:
    person = accounts.get_with_roles(user_id) or abort(404)
    units = units_for(people.groups(), person)
    form = person_form(person, units)
    if form.validate_on_submit():
        accounts.update_profile(person, form.profile(), actor=current_user)
        accounts.set_roles(person, form.roles.data, actor=current_user)
        unit_of_work.commit()
        flash(_("Saved the details of %(name)s.", name=person.full_name), "success")
        return redirect(url_for(".edit", user_id=person.id))
    return render_template("admin/person.html", person=person, form=form, **_choices(units))


@bp.post("/<id:user_id>/active")
def set_active(user_id: int) -> Response:
    person = accounts.get_with_roles(user_id) or abort(404)
    form = ActiveForm()
    if not form.validate_on_submit() or person.id == current_user.id:
        abort(400)
    if form.active.data:
        accounts.reactivate(person, actor=current_user)
    else:
        accounts.deactivate(person, actor=current_user)
    unit_of_work.commit()
    return redirect(url_for(".edit", user_id=person.id))


@bp.post("/<id:user_id>/reset-link")
def reset_link(user_id: int) -> Response:
    person = accounts.get_with_roles(user_id) or abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    return _made_link(person)


def _made_link(person: User) -> Response:
    """Make a one-time password link, commit, and show it on a page of its own: the token
    waits in the admin's session for that one page view."""
    token = accounts.create_reset_link(person, utcnow(), actor=current_user)
    unit_of_work.commit()
    session[SHOWN_LINK] = {"user_id": person.id, "token": token}
    return redirect(url_for(".password_link", user_id=person.id))


SHOWN_LINK = "password_link"


@bp.get("/<id:user_id>/reset-link")
def password_link(user_id: int) -> Response | str:
    """The link just made, shown once; afterwards (reload, Back) the person's page."""
    shown = session.pop(SHOWN_LINK, None)
    person = accounts.get_with_roles(user_id) if shown and shown["user_id"] == user_id else None
    if person is None:
        return redirect(url_for(".edit", user_id=user_id))
    return render_template("admin/reset_link.html", person=person, token=shown["token"])


@bp.route("/import", methods=["GET", "POST"])
def import_staff() -> Response | str:
    """Upload: the parsed file is kept and its preview is a page of its own (Back and
    reload do not send the file again); nothing is written until confirmed."""
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            sheet = staff_import.read_rows(upload.filename, upload.read())
        except staff_import.ImportFileError as error:
            form.file.errors.append(str(error))
        else:
            batch = staff_import.stage(current_user, upload.filename, sheet)
            unit_of_work.commit()
            return redirect(url_for(".import_preview", batch_id=batch.id))
    return render_template("admin/import.html", form=form, **_import_page())


def _import_page(**shown: Any) -> dict[str, Any]:
    groups = people.groups(team_limit=people.TEAMS_LISTED, offered=True)
    language = current_language()
    example = Markup("<code>2026-11-01</code>")  # as a file writes it
    return {"columns": staff_import.COLUMNS,
            "column_help": {key: escape(str(text)) % {"example": example}
                            for key, text in staff_import.COLUMN_HELP.items()},
            "position_names": staff_import.names_of(groups["position"], language),
            "team_names": None if groups["team"] is None else staff_import.names_of(
                groups["team"], language), "plans": None,
            "batch": None, **shown}


@bp.get("/import/template.<any(csv, xlsx):kind>")
def import_template(kind: str) -> Response:
    """An empty staff file with the headers in the chosen language."""
    language = request.args.get("language", current_language())
    language = language if language in LANGUAGES else current_language()
    return exports.download(staff_import.template(language), f"staff-{language}", kind)


@bp.get("/import/<id:batch_id>")
def import_preview(batch_id: int) -> str:
    """Every row's outcome, worded; the button imports them all (or, with errors, none)."""
    batch = staff_import.staged(current_user, batch_id) or abort(404)
    plans = None if batch.applied_at else staff_import.plan(staff_import.sheet_of(batch),
                                                            current_language())
    counts = {action: sum(p.action == action for p in plans or ())
              for action in staff_import.OUTCOMES}
    return render_template("admin/import.html", form=ButtonForm(),
                           **_import_page(plans=plans, batch=batch, counts=counts,
                                          outcomes=staff_import.OUTCOMES))


@bp.post("/import/<id:batch_id>")
def confirm_import(batch_id: int) -> Response:
    batch = staff_import.staged(current_user, batch_id) or abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if batch.applied_at:  # a second click: it is done already
        return redirect(url_for(".import_preview", batch_id=batch.id))
    plans = staff_import.plan(staff_import.sheet_of(batch))  # again: people may have changed
    if any(p.action == "error" for p in plans):
        flash(_("Nothing was imported: fix the rows marked as errors."), "error")
        return redirect(url_for(".import_preview", batch_id=batch.id))
    result = staff_import.apply(plans, current_user, batch.filename)
    batch.applied_at = utcnow()
    unit_of_work.commit()
    flash(_("Imported %(file)s: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.",
            file=batch.filename, created=result.created, updated=result.updated,
            unchanged=result.unchanged), "success")
    if result.new_teams:
        flash(ngettext("%(num)d new team was created.", "%(num)d new teams were created.",
                       result.new_teams), "success")
    return redirect(url_for("admin.index"))
