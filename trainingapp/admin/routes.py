"""/admin: people, teams and positions, content, API tokens."""

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
from trainingapp.admin.forms import (
    ActiveForm,
    NewPositionForm,
    NewTeamForm,
    PositionForm,
    RevokeTokenForm,
    SupervisorsForm,
    TeamForm,
    TokenForm,
)
from trainingapp.auth.access import role_required
from trainingapp.content.bank import load_bank
from trainingapp.converters import page_number
from trainingapp.forms import ButtonForm
from trainingapp.i18n import current_language
from trainingapp.models import Position, Role, Team, utcnow
from trainingapp.queries import analysis, content, people
from trainingapp.services import accounts, api_tokens, regrading

bp = Blueprint("admin", __name__)
role_required(bp, Role.ADMIN)


@bp.get("/")
def index() -> str:
    query = request.args.get("q", "")[:64]
    page = page_number(request.args)
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


@bp.post("/reports/<id:report_id>/resolve")
def resolve_report(report_id: int) -> Response:
    if not ButtonForm().validate_on_submit():
        abort(400)
    report = regrading.resolve_report(report_id, current_user) or abort(404)
    unit_of_work.commit()
    return redirect(url_for("analysis.question", bank_id=analysis.bank_id_of(report)))


@bp.route("/tokens", methods=["GET", "POST"])
def tokens() -> Response | tuple[str, int]:
    """API tokens for rostering systems: create (shown once), list, revoke."""
    revoking = RevokeTokenForm()
    if revoking.revoke.raw_data:  # a Revoke button of the list
        return _revoke_token(revoking)
    form = TokenForm()
    shown, status = None, 200
    if form.validate_on_submit():
        if api_tokens.named(form.name.data) is None:
            _token, shown = api_tokens.create(form.name.data, actor=current_user)
            unit_of_work.commit()
        else:
            form.name.errors.append(_("A token with this name exists already: choose another."))
    if form.errors:
        status = 422
    return render_template("admin/tokens.html", tokens=api_tokens.all_tokens(), shown=shown,
                           form=form), status


def _revoke_token(form: RevokeTokenForm) -> Response:
    if not form.validate():
        abort(400)
    if api_tokens.named(form.revoke.data) is None:
        abort(404)
    api_tokens.revoke(form.revoke.data, utcnow(), current_user)
    unit_of_work.commit()
    flash(_("Token revoked."), "success")
    return redirect(url_for(".tokens"))


# --- teams and positions: create, rename in both languages, deactivate, supervisors --------


def _organisation(**forms: object) -> str:
    shown = {"team_form": NewTeamForm(formdata=None, prefix="team"),
             "position_form": NewPositionForm(formdata=None, prefix="position"), **forms}
    groups = people.groups()
    return render_template("admin/organisation.html", teams=groups["team"],
                           positions=groups["position"], **shown)


@bp.get("/organisation")
def organisation() -> str:
    return _organisation()


@bp.post("/organisation/teams")
def add_team() -> Response | str:
    form = NewTeamForm(prefix="team")
    if form.validate_on_submit():
        try:
            team = accounts.create_team(form.code.data, form.name.data, form.name_zh.data,
                                        form.site.data, actor=current_user)
        except accounts.AccountError as error:
            form.code.errors.append(str(error))
        else:
            unit_of_work.commit()
            flash(_("Added the team %(name)s.", name=team.name_in(current_language())), "success")
            return redirect(url_for(".organisation"))
    return _organisation(team_form=form)


@bp.post("/organisation/positions")
def add_position() -> Response | str:
    form = NewPositionForm(prefix="position")
    if form.validate_on_submit():
        try:
            position = accounts.create_position(form.code.data, form.name_en.data,
                                                form.name_zh.data, actor=current_user)
        except accounts.AccountError as error:
            form.code.errors.append(str(error))
        else:
            unit_of_work.commit()
            flash(_("Added the position %(name)s.", name=position.name_in(current_language())),
                  "success")
            return redirect(url_for(".organisation"))
    return _organisation(position_form=form)


@bp.route("/organisation/teams/<id:team_id>", methods=["GET", "POST"])
def edit_team(team_id: int) -> Response | str:
    """Rename a team in both languages, move its site, choose its supervisors."""
    team = accounts.team_with_supervisors(team_id) or abort(404)
    candidates = accounts.supervisor_candidates(team)
    form = TeamForm(obj=team)
    supervisors = SupervisorsForm(candidates, data={"supervisors": [p.id for p in team.supervisors]}
                                  if not form.is_submitted() else None)
    if form.validate_on_submit() and supervisors.validate():
        accounts.update_team(team, name=form.name.data, name_zh=form.name_zh.data,
                             site=form.site.data, actor=current_user)
        accounts.set_team_supervisors(team, supervisors.chosen, actor=current_user)
        unit_of_work.commit()
        flash(_("Saved the team %(name)s.", name=team.name_in(current_language())), "success")
        return redirect(url_for(".edit_team", team_id=team.id))
    return render_template("admin/team.html", team=team, form=form, supervisors=supervisors,
                           candidates=candidates, active_form=ActiveForm())


@bp.route("/organisation/positions/<id:position_id>", methods=["GET", "POST"])
def edit_position(position_id: int) -> Response | str:
    position = accounts.get_position(position_id) or abort(404)
    form = PositionForm(obj=position)
    if form.validate_on_submit():
        accounts.update_position(position, name_en=form.name_en.data, name_zh=form.name_zh.data,
                                 actor=current_user)
        unit_of_work.commit()
        flash(_("Saved the position %(name)s.", name=position.name_in(current_language())),
              "success")
        return redirect(url_for(".edit_position", position_id=position.id))
    return render_template("admin/position.html", position=position, form=form,
                           active_form=ActiveForm())


@bp.post("/organisation/teams/<id:team_id>/active")
def set_team_active(team_id: int) -> Response:
    return _set_active(accounts.get_team(team_id), ".edit_team", "team_id")


@bp.post("/organisation/positions/<id:position_id>/active")
def set_position_active(position_id: int) -> Response:
    return _set_active(accounts.get_position(position_id), ".edit_position", "position_id")


def _set_active(unit: Team | Position | None, page: str, key: str) -> Response:
    """Deactivate or reactivate: no longer offered in forms and imports, or again."""
    form = ActiveForm()
    if unit is None:
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    accounts.set_unit_active(unit, bool(form.active.data), actor=current_user)
    unit_of_work.commit()
    flash(_("Reactivated.") if form.active.data else
          _("Deactivated: it is no longer offered; the people who have it keep it."), "success")
    return redirect(url_for(page, **{key: unit.id}))
