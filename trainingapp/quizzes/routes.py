"""/quizzes: timed, server-scored module quizzes."""

from flask import Blueprint, render_template

from trainingapp.auth.access import role_required

bp = Blueprint("quizzes", __name__)
role_required(bp)


@bp.get("/")
def index() -> str:
    return render_template("quizzes/index.html")
