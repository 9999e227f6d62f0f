"""/certification/manage: HR and admins revoke and reinstate certificates (reason required)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from trainingapp import unit_of_work
from trainingapp.auth.access import role_required
from trainingapp.models import Role, utcnow
from trainingapp.services import certification

bp = Blueprint("certmanage", __name__)
role_required(bp, Role.HR, Role.ADMIN)


def _change(cert_id: int, action: str) -> Response:
    cert = certification.get_certificate(cert_id) or abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    reason = request.form.get("reason", "")[:2000]
    try:
        if action == "revoke":
            certification.revoke(current_user, cert, reason, utcnow())
        else:
            certification.reinstate(current_user, cert, reason)
    except certification.CertificationError:
        flash(_("Give the reason: it is kept in the person's history."), "error")
        return redirect(url_for("quizzes.history", user_id=cert.user_id, _anchor="certification"))
    unit_of_work.commit()
    flash(_("Certificate %(code)s revoked.", code=cert.code) if action == "revoke"
          else _("Certificate %(code)s reinstated.", code=cert.code), "success")
    return redirect(url_for("quizzes.history", user_id=cert.user_id, _anchor="certification"))


@bp.post("/certificates/<int:cert_id>/revoke")
def revoke(cert_id: int) -> Response:
    return _change(cert_id, "revoke")


@bp.post("/certificates/<int:cert_id>/reinstate")
def reinstate(cert_id: int) -> Response:
    return _change(cert_id, "reinstate")
