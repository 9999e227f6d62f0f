"""/supervisor: a supervisor's team, and observation scorecards of their calls."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from trainingapp import unit_of_work
from trainingapp.auth.access import role_required
from trainingapp.models import Role, utcnow
from trainingapp.queries import people, rosters
from trainingapp.services import assignments, certification, evaluations, observations
from trainingapp.workspace.assigning import assign_from_form

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

    shown = [m for m in members if show == "all"
             or (show == "not_cleared" and not statuses[m.id].clearance.cleared)
             or (show == "overdue" and overdue(m.id))]
    if sort == "name":
        shown.sort(key=lambda m: m.full_name)
    elif sort == "overdue":
        shown.sort(key=lambda m: (-overdue(m.id), m.full_name))
    return render_template("supervisor/index.html", members=shown, now=now, show=show,
                           sort=sort, team_size=len(members), statuses=statuses,
                           assigned=assigned,
                           titles=assignments.targets(),
                           recent=people.recent_scores([m.id for m in members]),
                           weakest=people.weakest_dimensions([m.id for m in members]),
                           dimensions=observations.dimension_titles(),
                           evaluated=evaluations.of([m.id for m in members]))


@bp.route("/assign", methods=["GET", "POST"])
def assign() -> Response | str:
    """Assign a module, a call or a track to members of one's own team."""
    members = people.team_members(current_user)
    form = FlaskForm()
    errors: list[str] = []
    if form.validate_on_submit():
        chosen = set(request.form.getlist("people"))
        picked = [m for m in members if request.form.get("whole_team") or str(m.id) in chosen]
        errors = assign_from_form(picked, _("Choose who gets it."))
        if not errors:
            return redirect(url_for(".index"))
    return render_template("supervisor/assign.html", members=members, form=form, errors=errors,
                           titles=assignments.targets())


@bp.route("/roster", methods=["GET", "POST"])
def roster() -> Response | str:
    """Roster check: the employee numbers on a shift → who is cleared, who is not and why."""
    form = FlaskForm()
    rows = None
    text = request.form.get("employee_nos", "")
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload and upload.filename:
            text += "\n" + upload.read(200_000).decode("utf-8-sig", errors="replace")
        rows = rosters.check(current_user, rosters.parse_numbers(text), utcnow())
        if request.form.get("format") == "csv":
            return rosters.csv_response(rows)
    return render_template("supervisor/roster.html", form=form, rows=rows, text=text)


@bp.route("/people/<int:user_id>/observe", methods=["GET", "POST"])
def observe(user_id: int) -> Response | str:
    """Score a real or shadowed call of a member of one's own team on the rubric."""
    person = people.team_member(current_user, user_id) or abort(404)
    rubric = next(iter(observations.rubrics()), None) or abort(404)
    form = FlaskForm()
    ratings, problems = _ratings(rubric.content), []
    if form.validate_on_submit():
        critical = [c["id"] for c in rubric.content["critical_errors"]
                    if request.form.get(f"critical-{c['id']}")]
        if all(v is None for v in ratings.values()):
            problems.append(_("Rate at least one dimension you observed."))
        else:
            observations.record(current_user, person, rubric, ratings, critical,
                                request.form.get("notes", "")[:4000], utcnow())
            unit_of_work.commit()
            flash(_("The observation of %(name)s was saved.", name=person.full_name), "success")
            return redirect(url_for("quizzes.history", user_id=person.id))
    return render_template("supervisor/observe.html", person=person, rubric=rubric.content,
                           ratings=ratings, problems=problems, form=form,
                           scale=range(observations.RATING_MAX + 1))


def _ratings(content: dict) -> dict[str, int | None]:  # type: ignore[type-arg]
    """The ratings on the submitted form (kept to show again), None where not observed."""
    ratings: dict[str, int | None] = {}
    for dimension in content["dimensions"]:
        raw = request.form.get(f"rating-{dimension['id']}", "")
        ratings[dimension["id"]] = (int(raw) if raw.isdigit()
                                    and int(raw) <= observations.RATING_MAX else None)
    return ratings


@bp.route("/people/<int:user_id>/evaluate", methods=["GET", "POST"])
def evaluate(user_id: int) -> Response | str:
    """A periodic evaluation of a team member: colleague evaluation and work performance."""
    person = people.team_member(current_user, user_id) or abort(404)
    form = FlaskForm()
    problem = None
    if form.validate_on_submit():
        try:
            evaluations.record(current_user, person, request.form.get("period", "").strip(),
                               request.form.get("colleague", 0, type=int),
                               request.form.get("performance", 0, type=int),
                               request.form.get("notes", "")[:4000])
        except evaluations.EvaluationError:
            problem = _("Give the period (2026-Q4 or 2026-11) and both scores from 1 to 5.")
        else:
            unit_of_work.commit()
            flash(_("The evaluation of %(name)s was saved.", name=person.full_name), "success")
            return redirect(url_for("quizzes.history", user_id=person.id))
    return render_template("supervisor/evaluate.html", person=person, form=form, problem=problem)
