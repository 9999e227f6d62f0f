"""The training record's former addresses (under /quizzes, /certification/manage and
/admin/people). Each answers with a permanent redirect to its address under /people: 308,
so that a form still posted to an old address is posted again, token and all, to the new
one. The new address decides who may do what."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from trainingapp.auth.access import role_required
from trainingapp.records.routes import CERTIFICATE_MANAGERS
from trainingapp.services import certification

bp = Blueprint("moved", __name__)
role_required(bp)


def _to(endpoint: str, **values: int) -> Response:
    return redirect(url_for(endpoint, **values), 308)


@bp.get("/quizzes/people/<id:user_id>")
def record(user_id: int) -> Response:
    return _to("records.show", user_id=user_id)


@bp.post("/quizzes/people/<id:user_id>/assignments/<id:assignment_id>/extend")
def extend_assignment(user_id: int, assignment_id: int) -> Response:
    return _to("records.extend_assignment", user_id=user_id, assignment_id=assignment_id)


def _certificate(cert_id: int, endpoint: str) -> Response:
    """The old address names no person: only those who manage certificates learn whose
    a certificate is, as before."""
    if not current_user.has_role(*CERTIFICATE_MANAGERS):
        abort(403)
    cert = certification.get_certificate(cert_id) or abort(404)
    return _to(endpoint, user_id=cert.user_id, cert_id=cert.id)


@bp.post("/certification/manage/certificates/<id:cert_id>/revoke")
def revoke_certificate(cert_id: int) -> Response:
    return _certificate(cert_id, "records.revoke_certificate")


@bp.post("/certification/manage/certificates/<id:cert_id>/reinstate")
def reinstate_certificate(cert_id: int) -> Response:
    return _certificate(cert_id, "records.reinstate_certificate")


@bp.post("/admin/people/<id:user_id>/award")
def record_award(user_id: int) -> Response:
    return _to("records.record_award", user_id=user_id)
