"""/learn: a trainee's "my training" home and, later, the learning modules."""

from flask import Blueprint, render_template
from flask_login import current_user

from trainingapp.auth.access import role_required
from trainingapp.services import people

bp = Blueprint("learning", __name__)
role_required(bp)


@bp.get("/")
def index() -> str:
    me = people.profile(current_user.id)
    return render_template("learning/index.html", position=me.position, team=me.team)
