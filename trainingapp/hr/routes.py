"""/hr: certification status across the company."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from trainingapp import exports, unit_of_work
from trainingapp.auth.access import role_required
from trainingapp.forms import UploadForm
from trainingapp.hr.forms import GroupAssignForm
from trainingapp.models import Role, utcnow
from trainingapp.queries import matrix, people, reports
from trainingapp.services import assignments, audit, evaluations, staff_import

bp = Blueprint("hr", __name__)
role_required(bp, Role.HR)

SATISFACTION_ERRORS = {  # what is wrong with a row of a satisfaction file, by its code
    "not_a_number": _l("The satisfaction “%(given)s” is not a number."),
    "out_of_range": _l("The satisfaction “%(given)s” is not a percentage from 0 to 100."),
    "bad_period": _l("The period “%(given)s” is neither a quarter nor a month: write "
                     "2026-Q4 or 2026-11."),
    "unknown_employee": _l("No employee has the number %(given)s."),
}


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
    form = GroupAssignForm(assignments.targets())
    if form.ready():
        done = form.apply(current_user)
        unit_of_work.commit()
        flash(form.assigned(done), "success")
        return redirect(url_for(".index"))
    return render_template("hr/assign.html", form=form, titles=form.titles,
                           groups=people.groups(offered=True), now=utcnow())


@bp.get("/matrix")
def matrix_page() -> Response | str:
    """People × tracks, filtered, counted and paged in SQL; export any filtered view."""
    filters = matrix.Filters.from_args(request.args)
    now = utcnow()
    export = request.args.get("export")
    if export in ("csv", "xlsx"):
        table = matrix.export(filters, now)  # counted now, read while it is written
        unit_of_work.writing()
        audit.record("matrix_exported", actor=current_user, format=export, rows=table.count)
        unit_of_work.commit()
        return exports.download(table.rows, "certification-matrix", export,
                                sheet=_("Certification matrix"))
    return render_template("hr/matrix.html", matrix=matrix.build(filters, now),
                           groups=people.groups(team_limit=people.TEAMS_LISTED),
                           statuses=matrix.STATUSES, labels=matrix.STATUS_LABELS, now=now)


@bp.route("/satisfaction", methods=["GET", "POST"])
def satisfaction() -> Response | str:
    """Import per-person customer-satisfaction figures: every row or none."""
    form = UploadForm()
    rows = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            rows = evaluations.plan_satisfaction(upload.filename, upload.read())
        except staff_import.ImportFileError as error:
            form.file.errors.append(str(error))
        else:
            if not any(r.error for r in rows):
                count = evaluations.apply_satisfaction(rows, current_user, upload.filename)
                unit_of_work.commit()
                flash(ngettext("Imported %(num)d figure.", "Imported %(num)d figures.", count),
                      "success")
                return redirect(url_for(".satisfaction"))
    return render_template("hr/satisfaction.html", form=form, rows=rows,
                           errors=SATISFACTION_ERRORS)
