"""/supervisor: a supervisor's team, and observation scorecards of their calls."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from trainingapp import exports, unit_of_work, wording
from trainingapp.auth.access import role_required
from trainingapp.models import Role, utcnow
from trainingapp.queries import people, rosters
from trainingapp.services import assignments, certification, evaluations, observations
from trainingapp.supervisor.forms import (
    NOTES_MAX,
    EvaluationForm,
    RosterForm,
    TeamAssignForm,
    observation_form,
)

bp = Blueprint("supervisor", __name__)
role_required(bp, Role.SUPERVISOR)


SHOW = ("all", "not_cleared", "overdue")
SORT = ("team", "name", "overdue")


@bp.get("/")
def index() -> str:
    members = people.team_members(current_user)
    now = utcnow()
    statuses = {s.user.id: s for s in certification.statuses(members, now)}
    assigned = assignments.for_people(members, now)
    show = request.args.get("show", "all") if request.args.get("show") in SHOW else "all"
    sort = request.args.get("sort", "team") if request.args.get("sort") in SORT else "team"

    def overdue(member_id: int) -> int:
        return sum(v.progress == "overdue" for v in assigned[member_id])

    def waited_on(member_id: int) -> bool:  # not cleared, and their position needs it
        clearance = statuses[member_id].clearance
        return clearance.needs_certification and not clearance.cleared

    shown = [m for m in members if show == "all"
             or (show == "not_cleared" and waited_on(m.id))
             or (show == "overdue" and overdue(m.id))]
    if sort == "name":
        shown.sort(key=lambda m: m.full_name)
    elif sort == "overdue":
        shown.sort(key=lambda m: (-overdue(m.id), m.full_name))
    names = wording.requirement_titles()  # read once for the page's reasons
    return render_template("supervisor/index.html", members=shown, now=now, show=show,
                           sort=sort, team_size=len(members), statuses=statuses,
                           assigned=assigned,
                           why_not={m.id: wording.why_not(statuses[m.id], names) for m in shown},
                           titles=assignments.targets(),
                           recent=people.recent_scores([m.id for m in members]),
                           weakest=people.weakest_dimensions([m.id for m in members]),
                           dimensions=observations.dimension_titles(),
                           evaluated=evaluations.of([m.id for m in members]))


@bp.route("/assign", methods=["GET", "POST"])
def assign() -> Response | str:
    """Assign a module, a call or a track to members of one's own team."""
    members = people.team_members(current_user)
    form = TeamAssignForm(members, assignments.targets())
    if form.ready():
        done = form.apply(current_user)
        unit_of_work.commit()
        flash(form.assigned(done), "success")
        return redirect(url_for(".index"))
    return render_template("supervisor/assign.html", members=members, form=form,
                           titles=form.titles)


@bp.route("/roster", methods=["GET", "POST"])
def roster() -> Response | str:
    """Roster check: the employee numbers on a shift → who is cleared, who is not and why."""
    form = RosterForm()
    rows = None
    if form.validate_on_submit():
        rows = rosters.check(current_user, form.numbers, utcnow())
        if form.format.data == "csv":
            return exports.download(rosters.export_rows(rows), "roster-check")
    return render_template("supervisor/roster.html", form=form, rows=rows)


@bp.route("/people/<id:user_id>/observe", methods=["GET", "POST"])
def observe(user_id: int) -> Response | tuple[str, int]:
    """Score a real or shadowed call of a member of one's own team on the rubric."""
    person = people.team_member(current_user, user_id) or abort(404)
    rubric = next(iter(observations.rubrics()), None) or abort(404)
    form = observation_form(rubric.content)
    if form.validate_on_submit():
        observations.record(current_user, person, rubric, form.ratings, form.critical,
                            form.notes.data, utcnow())
        unit_of_work.commit()
        flash(_("The observation of %(name)s was saved.", name=person.full_name), "success")
        return redirect(url_for("records.show", user_id=person.id))
    return render_template("supervisor/observe.html", person=person, rubric=rubric.content,
                           form=form, scale=range(observations.RATING_MAX + 1),
                           notes_max=NOTES_MAX), 422 if form.is_submitted() else 200


@bp.route("/people/<id:user_id>/evaluate", methods=["GET", "POST"])
def evaluate(user_id: int) -> Response | str:
    """A periodic evaluation of a team member: colleague evaluation and work performance."""
    person = people.team_member(current_user, user_id) or abort(404)
    form = EvaluationForm()
    if form.validate_on_submit():
        evaluations.record(current_user, person, form.period.data, form.colleague.data,
                           form.performance.data, form.notes.data)
        unit_of_work.commit()
        flash(_("The evaluation of %(name)s was saved.", name=person.full_name), "success")
        return redirect(url_for("records.show", user_id=person.id))
    return render_template("supervisor/evaluate.html", person=person, form=form,
                           notes_max=NOTES_MAX)
