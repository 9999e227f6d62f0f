"""/certification: a person's certifications and whether they are cleared for duty."""

from flask import Blueprint, render_template

from trainingapp.auth.access import role_required

bp = Blueprint("certification", __name__)
role_required(bp)


@bp.get("/")
def index() -> str:
    return render_template("certification/index.html")
