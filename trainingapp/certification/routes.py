"""/certification: a person's certification and whether they are cleared for duty;
/verify/<code>: the public check of a certificate."""

from __future__ import annotations

import io

import segno
from flask import Blueprint, Flask, abort, g, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from trainingapp import wording
from trainingapp.auth.access import role_required
from trainingapp.models import Role, utcnow
from trainingapp.services import certification

bp = Blueprint("certification", __name__)
role_required(bp)
public_bp = Blueprint("verify", __name__)

# Pages where the banner would distract from the task at hand or cost the exam its speed.
NO_BANNER = {"quizzes.take", "quizzes.finish", "calls.call", "verify.certificate",
             "auth.reset_password"}


@bp.get("/")
def index() -> str:
    now = utcnow()
    return render_template("certification/index.html", status=certification.status_of(
        current_user, now), now=now, names=wording.requirement_titles())


@bp.get("/certificates/<id:cert_id>")
def certificate(cert_id: int) -> str:
    cert = certification.get_certificate(cert_id)
    if cert is None or (cert.user_id != current_user.id and not current_user.has_role(Role.HR)):
        abort(404)
    url = url_for("verify.certificate", code=cert.code, _external=True)
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False,
                                    title="QR code", dark="#1b2430")
    return render_template("certification/certificate.html", cert=cert,
                           track=certification.get_track_by_id(cert.track_id),
                           person=certification.holder(cert), verify_url=url,
                           qr=Markup(buffer.getvalue().decode()), now=utcnow())


@public_bp.get("/verify/<code>", endpoint="certificate")
def public_certificate(code: str) -> str:
    cert = certification.by_code(code[:16])
    if cert is None:
        abort(404)
    return render_template("certification/verify.html", cert=cert,
                           holder=certification.holder(cert), now=utcnow())


def init_banner(app: Flask) -> None:
    """The banner on every page while not cleared, and the words every page uses for why
    someone is not (``reasons``, ``requirement_sentence``, ``status_label``)."""
    app.add_template_global(wording.reasons, "reasons")
    app.add_template_global(wording.requirement_sentence, "requirement_sentence")
    app.add_template_global(wording.status_label, "status_label")
    app.add_template_global(wording.status_sentence, "status_sentence")

    @app.context_processor
    def _clearance_banner() -> dict[str, object]:
        if (g.get("database_unavailable") or not current_user.is_authenticated
                or request.endpoint in NO_BANNER
                or (request.blueprint or "") == "api"):
            return {}
        status = certification.status_of(current_user, utcnow())
        return {"clearance": status.clearance}
