"""/admin/people: create and edit people, their roles, team and position; deactivate and
reactivate (never delete); one-time password links; bulk import from CSV or XLSX;
teams and positions."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from trainingapp import unit_of_work
from trainingapp.auth.access import role_required
from trainingapp.extensions import db
from trainingapp.i18n import LANGUAGES
from trainingapp.models import GRANTED_ROLES, Position, Role, Team, utcnow
from trainingapp.services import accounts, staff_import

bp = Blueprint("people", __name__)
role_required(bp, Role.ADMIN)


def _choices() -> dict[str, Any]:
    return {"positions": db.session.scalars(select(Position).order_by(Position.code)).all(),
            "teams": db.session.scalars(select(Team).order_by(Team.code)).all(),
            "granted": GRANTED_ROLES, "languages": LANGUAGES, "form": FlaskForm()}


def _read_person(form: Any, errors: dict[str, str]) -> dict[str, Any]:
    """The submitted details, checked; problems go into ``errors`` by field."""
    values: dict[str, Any] = {"full_name": form.get("full_name", "").strip()[:120]}
    if not values["full_name"]:
        errors["full_name"] = _("Enter the person's name.")
    values["email"] = form.get("email", "").strip()[:254] or None
    values["team"] = db.session.scalar(select(Team).where(Team.code == form.get("team", "")))
    values["position"] = db.session.scalar(
        select(Position).where(Position.code == form.get("position", "")))
    hired = form.get("hire_date", "").strip()
    try:
        values["hire_date"] = date.fromisoformat(hired) if hired else None
    except ValueError:
        errors["hire_date"] = _("Enter the date as YYYY-MM-DD.")
    values["language"] = form.get("language") if form.get("language") in LANGUAGES else "en"
    return values


@bp.route("/new", methods=["GET", "POST"])
def new() -> Response | str:
    errors: dict[str, str] = {}
    if FlaskForm().validate_on_submit():
        values = _read_person(request.form, errors)
        number = request.form.get("employee_no", "").strip().upper()
        if not number:
            errors["employee_no"] = _("Enter the employee number.")
        if not errors:
            try:
                person = accounts.create_user(
                    employee_no=number, full_name=values["full_name"], email=values["email"],
                    password=accounts.unusable_password(), team=values["team"],
                    position=values["position"], hire_date=values["hire_date"],
                    language=values["language"], roles=[Role(r) for r in request.form.getlist("roles")
                                                         if r in {g.value for g in GRANTED_ROLES}],
                    actor=current_user)
            except accounts.AccountError as error:
                errors["employee_no"] = str(error)
            else:
                token = accounts.create_reset_link(person, utcnow(), actor=current_user)
                unit_of_work.commit()
                return render_template("admin/reset_link.html", person=person, token=token)
    return render_template("admin/person.html", person=None, errors=errors, **_choices())


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def edit(user_id: int) -> Response | str:
    person = accounts.get_with_roles(user_id) or abort(404)
    errors: dict[str, str] = {}
    if FlaskForm().validate_on_submit():
        values = _read_person(request.form, errors)
        if not errors:
            accounts.update_profile(person, values, actor=current_user)
            accounts.set_roles(person, request.form.getlist("roles"), actor=current_user)
            unit_of_work.commit()
            flash(_("Saved the details of %(name)s.", name=person.full_name), "success")
            return redirect(url_for(".edit", user_id=person.id))
    return render_template("admin/person.html", person=person, errors=errors, **_choices())


@bp.post("/<int:user_id>/active")
def set_active(user_id: int) -> Response:
    person = accounts.get_with_roles(user_id) or abort(404)
    if not FlaskForm().validate_on_submit() or person.id == current_user.id:
        abort(400)
    if request.form.get("active") == "1":
        accounts.reactivate(person, actor=current_user)
    else:
        accounts.deactivate(person, actor=current_user)
    unit_of_work.commit()
    return redirect(url_for(".edit", user_id=person.id))


@bp.post("/<int:user_id>/reset-link")
def reset_link(user_id: int) -> str:
    person = accounts.get_with_roles(user_id) or abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    token = accounts.create_reset_link(person, utcnow(), actor=current_user)
    unit_of_work.commit()
    return render_template("admin/reset_link.html", person=person, token=token)


@bp.route("/import", methods=["GET", "POST"])
def import_staff() -> str:
    """Upload → a preview of every row's outcome; nothing is written until confirmed."""
    form = FlaskForm()
    if not form.validate_on_submit():
        return render_template("admin/import.html", form=form, plans=None, batch=None, problem=None)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise staff_import.ImportFileError(_("Choose a .csv or .xlsx file."))
        rows = staff_import.read_rows(upload.filename, upload.read())
    except staff_import.ImportFileError as error:
        return render_template("admin/import.html", form=form, plans=None, batch=None,
                               problem=str(error))
    batch = staff_import.stage(current_user, upload.filename, rows)
    plans = staff_import.plan(rows)
    unit_of_work.commit()
    return render_template("admin/import.html", form=form, plans=plans, batch=batch, problem=None)


@bp.post("/import/<int:batch_id>")
def confirm_import(batch_id: int) -> Response | str:
    batch = staff_import.staged(current_user, batch_id) or abort(404)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    plans = staff_import.plan(batch.rows)  # again: the people may have changed meanwhile
    if any(p.action == "error" for p in plans):
        return render_template("admin/import.html", form=form, plans=plans, batch=batch,
                               problem=_("Nothing was imported: fix the rows marked as errors."))
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
    form = FlaskForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        try:
            accounts.add_organisation_unit(request.form.get("kind", ""), request.form)
        except accounts.AccountError as error:
            errors[request.form.get("kind", "team")] = str(error)
        else:
            unit_of_work.commit()
            flash(_("Added."), "success")
    choices = _choices()
    return render_template("admin/organisation.html", errors=errors, **choices)
