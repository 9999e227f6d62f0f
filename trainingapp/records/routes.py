"""/people/<id>: a person's training record (certification, assignments, quizzes, calls,
evaluations, observed calls, audit trail) and what is done to it: moving a due date,
revoking and reinstating certificates, recording awards made elsewhere and exemptions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from trainingapp import unit_of_work
from trainingapp.auth.access import role_required
from trainingapp.extensions import db
from trainingapp.models import CertificateSource, Certification, Role, User, utcnow
from trainingapp.queries import people
from trainingapp.records.forms import (
    REASON_KEPT,
    AwardForm,
    CertificateReasonForm,
    ExtensionForm,
    RecordForm,
)
from trainingapp.services import (
    assignments,
    calls,
    certification,
    evaluations,
    observations,
    quizzes,
)

bp = Blueprint("records", __name__)
role_required(bp)  # seeing a record: the loader (queries.people.visible_person)

CERTIFICATE_MANAGERS = (Role.HR, Role.ADMIN)  # revoke and reinstate
AWARDING = (Role.ADMIN,)  # record awards made elsewhere and exemptions
ACTING = {"records.revoke_certificate": CERTIFICATE_MANAGERS,
          "records.reinstate_certificate": CERTIFICATE_MANAGERS,
          "records.record_award": AWARDING}


@bp.before_request
def _may_act() -> None:
    roles = ACTING.get(request.endpoint or "")
    if roles and not current_user.has_role(*roles):
        abort(403)


def _certificate(user_id: int, cert_id: int) -> Certification:
    cert = certification.get_certificate(cert_id)
    if cert is None or cert.user_id != user_id:
        abort(404)
    return cert


def _refused(form: RecordForm) -> None:
    """Tell the person what their form lacks; a request the page does not send: 400."""
    message = form.message()
    if message is None:
        abort(400)
    flash(message, "error")


def _back(user_id: int, section: str) -> Response:
    return redirect(url_for(".show", user_id=user_id, _anchor=section))


@bp.get("/<id:user_id>")
def show(user_id: int) -> str:
    person = people.visible_person(current_user, user_id) or abort(404)
    now = utcnow()
    return render_template(
        "records/show.html", person=person, attempts=quizzes.attempts_of(person.id),
        runs=calls.runs_of(person.id), observations=observations.observations_of(person.id),
        certification=certification.status_of(person, now),
        certificate_history=certification.history_of(person.id),
        certificate_actions=certification.CERTIFICATE_ACTIONS,
        all_tracks=certification.live_tracks(),
        can_revoke=current_user.has_role(*CERTIFICATE_MANAGERS),
        assigned=assignments.for_people([person], now)[person.id],
        titles=assignments.targets(),
        can_extend=person.id != current_user.id,
        evaluated=evaluations.of([person.id])[person.id],
        can_award=current_user.has_role(*AWARDING),
        extension=ExtensionForm(), change=CertificateReasonForm(), award=AwardForm())


@bp.post("/<id:user_id>/assignments/<id:assignment_id>/extend")
def extend_assignment(user_id: int, assignment_id: int) -> Response:
    """A supervisor of the person's team, or HR, moves a due date and says why."""
    form = ExtensionForm()
    person = people.visible_person(current_user, user_id)
    found = assignments.get(assignment_id)
    if person is None or person.id == current_user.id or found is None or found.user_id != person.id:
        abort(404)
    if not form.validate_on_submit():
        _refused(form)
    else:
        assignments.extend(current_user, found, form.due.data, form.reason.data)
        unit_of_work.commit()
        flash(_("Due date moved."), "success")
    return _back(person.id, "assignments")


def _change_certificate(user_id: int, cert_id: int, *, revoking: bool) -> Response:
    form = CertificateReasonForm()
    cert = _certificate(user_id, cert_id)
    if not form.validate_on_submit():
        _refused(form)
        return _back(user_id, "certification")
    try:
        if revoking:
            certification.revoke(current_user, cert, form.reason.data, utcnow())
        else:
            certification.reinstate(current_user, cert, form.reason.data)
    except certification.CertificationError:  # revoked already, or not revoked
        flash(str(REASON_KEPT), "error")
        return _back(user_id, "certification")
    unit_of_work.commit()
    flash(_("Certificate %(code)s revoked.", code=cert.code) if revoking
          else _("Certificate %(code)s reinstated.", code=cert.code), "success")
    return _back(user_id, "certification")


@bp.post("/<id:user_id>/certificates/<id:cert_id>/revoke")
def revoke_certificate(user_id: int, cert_id: int) -> Response:
    return _change_certificate(user_id, cert_id, revoking=True)


@bp.post("/<id:user_id>/certificates/<id:cert_id>/reinstate")
def reinstate_certificate(user_id: int, cert_id: int) -> Response:
    return _change_certificate(user_id, cert_id, revoking=False)


@bp.post("/<id:user_id>/awards")
def record_award(user_id: int) -> Response:
    """Record an award granted outside the platform, or an exemption (evidence required)."""
    form = AwardForm()
    person = db.session.get(User, user_id) or abort(404)
    track = certification.get_track(form.track.data) or abort(400)
    if not form.validate_on_submit():
        _refused(form)
    else:
        certification.record_outside_award(current_user, person, track,
                                           CertificateSource(form.source.data),
                                           form.note.data, utcnow())
        unit_of_work.commit()
        flash(_("Recorded."), "success")
    return _back(person.id, "certification")
