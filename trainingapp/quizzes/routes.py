"""/quizzes: take a module's quiz, see the result and review."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from trainingapp import unit_of_work
from trainingapp.auth.access import role_required
from trainingapp.converters import BadNumber, number
from trainingapp.forms import ButtonForm
from trainingapp.i18n import current_language
from trainingapp.models import AttemptQuestion, QuizAttempt, utcnow
from trainingapp.queries import learning
from trainingapp.quizzes import pages
from trainingapp.quizzes.answers import NotAnOption
from trainingapp.quizzes.forms import COMMENT_MAX, REPORT_KINDS, ReportForm
from trainingapp.rules.questions import is_answered
from trainingapp.rules.quiz import accepts_answers
from trainingapp.services import quizzes

bp = Blueprint("quizzes", __name__)
role_required(bp)


def _own(attempt_id: int, *, to_write: bool = False) -> QuizAttempt:
    return quizzes.get_attempt_for(current_user, attempt_id, to_write=to_write) or abort(404)


def _number(raw: str) -> int:
    """A page number or a question's position from the form or the query: 400 otherwise."""
    try:
        return number(raw)
    except BadNumber as bad:
        abort(400, description=pages.bad_number_message(bad))


def _answers(items: list[AttemptQuestion], form: MultiDict[str, str]) -> pages.Reading:
    """The form's answers to ``items``; 400 (nothing saved) when one names a choice the
    page does not offer: no page sends that, and it is never saved as "no answer"."""
    try:
        return pages.answers_from(items, form)
    except NotAnOption:
        abort(400, description=pages.not_an_option_message())


def _time_is_up(attempt: QuizAttempt) -> Response:
    flash(_("Time is up: the quiz was handed in with the answers saved before the deadline."),
          "warning")
    return redirect(url_for(".result", attempt_id=attempt.id))


@bp.get("/")
def index() -> str:
    return render_template("quizzes/index.html",
                           rows=pages.quiz_overview(current_user, utcnow()), form=ButtonForm())


@bp.post("/modules/<slug>/start")
def start(slug: str) -> Response:
    with unit_of_work.reads_without_lock():  # exam day: hundreds start together (see quizzes.start)
        module = learning.get_module(slug) or abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        attempt = quizzes.start(current_user, module, utcnow())
    except quizzes.QuizRefused as refused:
        # Kept: the overdue attempt closed while deciding (nothing else was written).
        unit_of_work.commit()
        flash(pages.refusal_message(refused.decision), "warning")
        return redirect(url_for(".index"))
    unit_of_work.commit()
    return redirect(url_for(".take", attempt_id=attempt.id))


@bp.get("/attempts/<id:attempt_id>")
def take(attempt_id: int) -> Response | str:
    attempt = _own(attempt_id)
    now = utcnow()
    if attempt.is_open and not accepts_answers(now, attempt.deadline_at, quizzes.grace()):
        unit_of_work.writing()  # a GET that closes the attempt it finds past its time
        quizzes.close(attempt, now)
        unit_of_work.commit()
        return _time_is_up(attempt)
    if not attempt.is_open:
        return redirect(url_for(".result", attempt_id=attempt.id))
    page = pages.take_page(attempt, _number(request.args.get("q", "1")), current_language())
    return render_template("quizzes/take.html", attempt=attempt, page=page, now=now,
                           form=ButtonForm())


@bp.post("/attempts/<id:attempt_id>")
def save(attempt_id: int) -> Response | tuple[str, int]:
    """Save the answers on the page (how the quiz works without JavaScript), then go on."""
    attempt = _own(attempt_id, to_write=True)
    if not ButtonForm().validate_on_submit():
        abort(400)
    shown = {_number(p) for p in request.form.getlist("shown")}  # all read before any is saved
    go = request.form.get("go", "")
    to = None if go in ("", "finish") else _number(go)
    items = [i for i in quizzes.questions_of(attempt) if i.position in shown]
    reading = _answers(items, request.form)
    try:
        quizzes.save_answers(attempt, reading.saved, utcnow())
    except quizzes.AttemptClosed:
        unit_of_work.commit()
        return _time_is_up(attempt)
    unit_of_work.commit()
    if reading.refused:  # the page again, what was typed kept, the others saved
        attempt = _own(attempt_id)
        page = pages.take_page(attempt, 1, current_language(), reading.refused)
        return render_template("quizzes/take.html", attempt=attempt, page=page, now=utcnow(),
                               form=ButtonForm()), 422
    if go == "finish":
        return redirect(url_for(".finish", attempt_id=attempt.id))
    return redirect(url_for(".take", attempt_id=attempt.id, q=to))


@bp.post("/attempts/<id:attempt_id>/autosave")
def autosave(attempt_id: int) -> tuple[Response, int]:
    """Save one question's answer as it is given (JavaScript); answers JSON."""
    try:
        position = number(request.form.get("position", ""))
    except BadNumber as bad:
        return jsonify(saved=False, error=pages.bad_number_message(bad)), 400
    item = quizzes.question_for_write(current_user, attempt_id, position) or abort(404)
    try:
        reading = pages.answers_from([item], request.form)
    except NotAnOption:  # nothing saved, the answer given before stays; 422: the page says
        unit_of_work.discard()  # why and does not send it again (as for one too long)
        return jsonify(saved=False, position=item.position,
                       error=pages.not_an_option_message()), 422
    if reading.refused:  # nothing saved; the page says why and keeps what was typed
        unit_of_work.discard()
        return jsonify(saved=False, position=item.position,
                       error=pages.too_long_message(reading.refused[item.position])), 422
    saved = reading.saved
    try:
        quizzes.save_answers(item.attempt, saved, utcnow())
    except quizzes.AttemptClosed:
        unit_of_work.commit()
        return jsonify(saved=False, closed=True,
                       result_url=url_for(".result", attempt_id=attempt_id)), 409
    unit_of_work.commit()
    return jsonify(saved=True, position=item.position, answered=is_answered(saved[0].answer)), 200


@bp.get("/attempts/<id:attempt_id>/finish")
def finish(attempt_id: int) -> Response | str:
    attempt = _own(attempt_id)
    if not attempt.is_open:
        return redirect(url_for(".result", attempt_id=attempt.id))
    return render_template("quizzes/finish.html", attempt=attempt,
                           items=quizzes.questions_of(attempt), now=utcnow(), form=ButtonForm())


@bp.post("/attempts/<id:attempt_id>/submit")
def submit(attempt_id: int) -> Response:
    attempt = _own(attempt_id, to_write=True)
    if not ButtonForm().validate_on_submit():
        abort(400)
    quizzes.submit(attempt, utcnow())  # a second submit finds it closed and changes nothing
    unit_of_work.commit()
    return redirect(url_for(".result", attempt_id=attempt.id))


@bp.get("/attempts/<id:attempt_id>/result")
def result(attempt_id: int) -> Response | str:
    attempt = _own(attempt_id)
    if attempt.is_open:
        return redirect(url_for(".take", attempt_id=attempt.id))
    return _result_page(attempt)


def _result_page(attempt: QuizAttempt, report: ReportForm | None = None) -> str:
    """The result and review; ``report``: a problem report refused, shown again as typed."""
    review = pages.review(attempt, current_language())
    return render_template("quizzes/result.html", attempt=attempt, review=review,
                           report_kinds=REPORT_KINDS, form=ButtonForm(), report=report,
                           comment_max=COMMENT_MAX,
                           retake=pages.retake(attempt, utcnow()))


@bp.post("/attempts/<id:attempt_id>/report")
def report(attempt_id: int) -> Response | tuple[str, int]:
    attempt = _own(attempt_id)
    form = ReportForm()
    if attempt.is_open:
        abort(400)
    if not form.validate_on_submit():
        if set(form.errors) == {"comment"}:  # too long: the page again, the text kept
            return _result_page(attempt, form), 422
        abort(400)
    if not quizzes.report_problem(current_user, attempt, form.position.data, form.kind.data,
                                  form.comment.data or ""):
        abort(404)
    unit_of_work.commit()
    flash(_("Thank you: the content owners will look at this question."), "success")
    return redirect(url_for(".result", attempt_id=attempt.id, _anchor=f"q{form.position.data}"))
