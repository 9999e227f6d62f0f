"""/calls: simulated customer calls, scored on the call-quality rubric."""

from flask import Blueprint, render_template

from trainingapp.auth.access import role_required

bp = Blueprint("calls", __name__)
role_required(bp)


@bp.get("/")
def index() -> str:
    return render_template("calls/index.html")
