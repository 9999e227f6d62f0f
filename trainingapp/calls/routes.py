"""/calls: simulated customer calls, scored on the call-quality rubric."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from trainingapp import unit_of_work
from trainingapp.auth.access import role_required
from trainingapp.calls import pages
from trainingapp.calls.forms import TurnForm
from trainingapp.forms import ButtonForm
from trainingapp.i18n import current_language
from trainingapp.models import CallRun, utcnow
from trainingapp.queries import people
from trainingapp.rules.calls import REPLY_MAX
from trainingapp.services import calls

bp = Blueprint("calls", __name__)
role_required(bp)


def _own(run_id: int, *, to_write: bool = False) -> CallRun:
    return calls.get_run_for(current_user, run_id, to_write=to_write) or abort(404)


@bp.get("/")
def index() -> str:
    runs = calls.runs_of(current_user.id)
    return render_template("calls/index.html", calls=calls.live_calls(), runs=runs,
                           form=ButtonForm())


@bp.post("/<slug>/start")
def start(slug: str) -> Response:
    call = calls.get_call(slug) or abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        run = calls.start(current_user, call, utcnow())
    except calls.CallRefused:
        unit_of_work.discard()
        flash(_("You have used every attempt at this call."), "warning")
        return redirect(url_for(".index"))
    unit_of_work.commit()
    return redirect(url_for(".call", run_id=run.id))


def _call_page(run: CallRun, *, reply: str = "", error: str | None = None) -> str:
    language, now = current_language(), utcnow()
    return render_template(
        "calls/call.html", run=run, script=run.version.content["call"],
        lines=pages.transcript(run, calls.turns_of(run), language),
        turn=pages.current_turn(run, now, language), now=now, form=ButtonForm(),
        reply=reply, error=error, reply_max=REPLY_MAX)


def _choice_refused() -> str:
    return _("That answer is not one of this turn's choices: nothing was said. Pick one of "
             "the answers shown.")


@bp.get("/runs/<id:run_id>")
def call(run_id: int) -> Response | str:
    run = _own(run_id)
    if not run.is_open:
        return redirect(url_for(".debrief", run_id=run.id))
    return _call_page(run)


@bp.post("/runs/<id:run_id>/turn")
def turn(run_id: int) -> Response | tuple[str, int]:
    run = _own(run_id, to_write=True)
    form = TurnForm()
    if not form.validate_on_submit():
        abort(400, description=_choice_refused() if "choice" in form.errors else None)
    try:
        result = calls.take_turn(run, form.node.data, utcnow(), choice=form.choice.data,
                                 reply=form.reply.data)
    except calls.TurnRejected as rejected:
        unit_of_work.discard()
        if str(rejected) == "long":  # the page again, the reply kept, so it can be shortened
            return _call_page(_own(run_id), reply=form.reply.data or "", error=_(
                "A reply can be at most %(limit)s characters long; yours has %(length)s. "
                "Shorten it and say it again.", limit=format_number(REPLY_MAX),
                length=format_number(len((form.reply.data or "").strip())))), 422
        if str(rejected) == "reply":
            flash(_("Type what you say to the customer."), "warning")
        elif str(rejected) == "choice":
            flash(_choice_refused(), "warning")
        return redirect(url_for(".call", run_id=run_id))
    unit_of_work.commit()
    if result.hung_up:
        flash(_("The customer waited too long and hung up."), "warning")
    elif result.late:
        flash(_("That answer came after the turn's time limit: the customer was kept waiting."),
              "warning")
    return redirect(url_for(".call", run_id=run_id, _anchor="turn"))


def _readable(run_id: int) -> CallRun:
    """The run if it is the user's own, or a finished run of someone whose training record
    the user may see (their supervisor, HR); 404 otherwise."""
    run = calls.get_run_for(current_user, run_id)
    if run is None:
        run = calls.get_run(run_id)
        if run is None or run.is_open or people.visible_person(current_user, run.user_id) is None:
            abort(404)
    return run


@bp.get("/runs/<id:run_id>/debrief")
def debrief(run_id: int) -> Response | str:
    run = _readable(run_id)
    if run.is_open:
        return redirect(url_for(".call", run_id=run.id))
    turns = calls.turns_of(run)
    language = current_language()
    return render_template(
        "calls/debrief.html", run=run, script=run.version.content["call"],
        rubric=run.version.content["rubric"], lines=pages.transcript(run, turns, language),
        coaching=pages.debrief(run, turns, language), form=ButtonForm(),
        person=None if run.user_id == current_user.id else people.profile(run.user_id))
