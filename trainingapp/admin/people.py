"""/admin/people: create and edit people, their roles, team and position; deactivate and
reactivate (never delete); one-time password links; bulk import from CSV or XLSX;
teams and positions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from trainingapp import unit_of_work
from trainingapp.admin.forms import (
    ActiveForm,
    NewPersonForm,
    OrganisationUnitForm,
    person_form,
)
from trainingapp.auth.access import role_required
from trainingapp.forms import ButtonForm, UploadForm
from trainingapp.i18n import LANGUAGES
from trainingapp.models import GRANTED_ROLES, Role, utcnow
from trainingapp.queries import people
from trainingapp.services import accounts, staff_import

bp = Blueprint("people", __name__)
role_required(bp, Role.ADMIN)


def _choices(groups: dict[str, Any]) -> dict[str, Any]:
    return {"positions": groups["position"], "teams": groups["team"], "granted": GRANTED_ROLES,
            "languages": LANGUAGES}


@bp.route("/new", methods=["GET", "POST"])
def new() -> Response | str:
    groups = people.groups()
    form = NewPersonForm()
    if form.validate_on_submit():
        try:
            person = accounts.create_user(
                employee_no=form.employee_no.data, password=accounts.unusable_password(),
                roles=[Role(r) for r in form.roles.data], actor=current_user,
                **form.profile(groups))
        except accounts.AccountError as error:
            form.employee_no.errors.append(str(error))
        else:
            token = accounts.create_reset_link(person, utcnow(), actor=current_user)
            unit_of_work.commit()
            return render_template("admin/reset_link.html", person=person, token=token)
    return render_template("admin/person.html", person=None, form=form, **_choices(groups))


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def edit(user_id: int) -> Response | str:
    person = accounts.get_with_roles(user_id) or abort(404)
    groups = people.groups()
    form = person_form(person, groups)
    if form.validate_on_submit():
        accounts.update_profile(person, form.profile(groups), actor=current_user)
        accounts.set_roles(person, form.roles.data, actor=current_user)
        unit_of_work.commit()
        flash(_("Saved the details of %(name)s.", name=person.full_name), "success")
        return redirect(url_for(".edit", user_id=person.id))
    return render_template("admin/person.html", person=person, form=form, **_choices(groups))


@bp.post("/<int:user_id>/active")
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


@bp.post("/<int:user_id>/reset-link")
def reset_link(user_id: int) -> str:
    person = accounts.get_with_roles(user_id) or abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    token = accounts.create_reset_link(person, utcnow(), actor=current_user)
    unit_of_work.commit()
    return render_template("admin/reset_link.html", person=person, token=token)


@bp.route("/import", methods=["GET", "POST"])
def import_staff() -> str:
    """Upload → a preview of every row's outcome; nothing is written until confirmed."""
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("admin/import.html", form=form, plans=None, batch=None)
    upload = form.file.data
    try:
        rows = staff_import.read_rows(upload.filename, upload.read())
    except staff_import.ImportFileError as error:
        form.file.errors.append(str(error))
        return render_template("admin/import.html", form=form, plans=None, batch=None)
    batch = staff_import.stage(current_user, upload.filename, rows)
    plans = staff_import.plan(rows)
    unit_of_work.commit()
    return render_template("admin/import.html", form=form, plans=plans, batch=batch)


@bp.post("/import/<int:batch_id>")
def confirm_import(batch_id: int) -> Response | str:
    batch = staff_import.staged(current_user, batch_id) or abort(404)
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    plans = staff_import.plan(batch.rows)  # again: the people may have changed meanwhile
    if any(p.action == "error" for p in plans):
        form.form_errors.append(_("Nothing was imported: fix the rows marked as errors."))
        return render_template("admin/import.html", form=form, plans=plans, batch=batch)
    result = staff_import.apply(plans, current_user, batch.filename)
    batch.applied_at = utcnow()
    unit_of_work.commit()
    flash(_("Imported %(file)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
            file=batch.filename, created=result.created, updated=result.updated,
            unchanged=result.unchanged), "success")
    return redirect(url_for("admin.index"))


@bp.route("/organisation", methods=["GET", "POST"])
def organisation() -> str:
    """Teams and positions: list and add."""
    form = OrganisationUnitForm()
    if form.validate_on_submit():
        try:
            accounts.add_organisation_unit(form.kind.data, form.data)
        except accounts.AccountError as error:
            form.form_errors.append(str(error))
        else:
            unit_of_work.commit()
            flash(_("Added."), "success")
    return render_template("admin/organisation.html", form=form, **_choices(people.groups()))
