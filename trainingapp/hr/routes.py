"""/hr: certification status across the company."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from trainingapp import unit_of_work
from trainingapp.auth.access import role_required
from trainingapp.models import Role, utcnow
from trainingapp.queries import matrix, people, reports
from trainingapp.services import assignments, audit, evaluations, staff_import
from trainingapp.workspace.assigning import assign_from_form

bp = Blueprint("hr", __name__)
role_required(bp, Role.HR)


@bp.get("/")
def index() -> str:
    query = request.args.get("q", "").strip()[:64]
    now = utcnow()
    module_rates, call_rates = reports.pass_rates()
    return render_template(
        "hr/index.html", headcount=people.headcount_by_position(), teams=people.teams_count(),
        q=query, found=people.search_users(query, 1, per_page=20) if query else None,
        share=reports.certified_share(now), expiring=reports.expiring_per_month(now),
        module_rates=module_rates, call_rates=call_rates,
    )


@bp.route("/assign", methods=["GET", "POST"])
def assign() -> Response | str:
    """Assign company-wide: everyone in a position or a team."""
    form = FlaskForm()
    errors: list[str] = []
    if form.validate_on_submit():
        group, _sep, code = request.form.get("who", "").partition(":")
        errors = assign_from_form(people.in_group(group, code),
                                  _("Nobody is in that position or team."))
        if not errors:
            return redirect(url_for(".index"))
    return render_template("hr/assign.html", form=form, errors=errors,
                           titles=assignments.targets(), groups=people.groups(), now=utcnow())


@bp.get("/matrix")
def matrix_page() -> Response | str:
    """People × tracks, filtered, counted and paged in SQL; export any filtered view."""
    filters = matrix.Filters.from_args(request.args)
    now = utcnow()
    export = request.args.get("export")
    if export in ("csv", "xlsx"):
        rows = matrix.export_rows(filters, now)
        audit.record("matrix_exported", actor=current_user, format=export, rows=len(rows) - 1)
        unit_of_work.commit()
        respond = matrix.csv_response if export == "csv" else matrix.xlsx_response
        return respond(rows, "certification-matrix")
    return render_template("hr/matrix.html", matrix=matrix.build(filters, now),
                           groups=people.groups(team_limit=people.TEAMS_LISTED),
                           statuses=matrix.STATUSES, now=now)


@bp.route("/satisfaction", methods=["GET", "POST"])
def satisfaction() -> Response | str:
    """Import per-person customer-satisfaction figures: every row or none."""
    form = FlaskForm()
    rows, problem = None, None
    if form.validate_on_submit():
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise staff_import.ImportFileError(_("Choose a .csv or .xlsx file."))
            rows = evaluations.plan_satisfaction(upload.filename, upload.read())
        except staff_import.ImportFileError as error:
            problem = str(error)
        else:
            if not any(r.error for r in rows):
                count = evaluations.apply_satisfaction(rows, current_user, upload.filename)
                unit_of_work.commit()
                flash(ngettext("Imported %(num)d figure.", "Imported %(num)d figures.", count),
                      "success")
                return redirect(url_for(".satisfaction"))
    return render_template("hr/satisfaction.html", form=form, rows=rows, problem=problem)
