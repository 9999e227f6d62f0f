"""/hr: certification status across the company."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from trainingapp import exports, unit_of_work
from trainingapp.auth.access import role_required
from trainingapp.forms import UploadForm
from trainingapp.hr.forms import GroupAssignForm
from trainingapp.i18n import current_language
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
    return render_template(
        "hr/index.html", overview=reports.overview(utcnow()), q=query,
        found=people.search_users(query, 1, per_page=20) if query else None)


@bp.route("/assign", methods=["GET", "POST"])
def assign() -> Response | str:
    """Assign company-wide: everyone in a position or a team. Teams are found by a search
    (``?team_q=``; the page's script asks ``find_teams`` as one types): a large operator
    has thousands."""
    form = GroupAssignForm(assignments.targets())
    if form.ready():
        done = form.apply(current_user)
        unit_of_work.commit()
        flash(form.assigned(done), "success")
        return redirect(url_for(".index"))
    group, _sep, code = (form.who.data or "").partition(":")
    found = people.find_teams(_team_query(), keep=code if group == "team" else "")
    return render_template("hr/assign.html", form=form, titles=form.titles,
                           positions=people.positions(offered=True), found=found,
                           teams=_team_choices(found), said=_teams_said(found), now=utcnow())


@bp.get("/assign/teams")
def find_teams() -> Response:
    """The teams matching ``?team_q=``, as the assign page's list shows them, and what the
    page says about them (JSON, for the page's script)."""
    found = people.find_teams(_team_query())
    return jsonify(options=_team_choices(found), status=_teams_said(found))


def _team_query() -> str:
    return request.args.get("team_q", "").strip()[:64]


def _team_choices(found: people.TeamsFound) -> list[dict[str, str]]:
    """The teams as the list offers them: ``who``'s value and the team's name."""
    language = current_language()
    return [{"value": f"team:{t.code}", "label": t.name_in(language)}
            for t in found.teams]


def _teams_said(found: people.TeamsFound) -> str:
    """What the search found, for the page to show and a screen reader to announce."""
    shown = min(found.total, people.TEAMS_FOUND)
    if not found.query:
        return (_("The list shows the first %(shown)d of %(num)d teams: search for the one "
                  "you want.", shown=shown, num=found.total)
                if found.total > shown else "")
    if not found.total:
        return _("No team matches “%(query)s”.", query=found.query)
    if found.total > shown:
        return _("%(num)d teams match “%(query)s”; the list shows the first %(shown)d: type "
                 "more to narrow it.", num=found.total, query=found.query, shown=shown)
    return ngettext("%(num)d team matches “%(query)s”: choose it in the list.",
                    "%(num)d teams match “%(query)s”: choose one in the list.",
                    found.total, query=found.query)


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
