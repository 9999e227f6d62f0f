"""/supervisor: a supervisor's team."""

from flask import Blueprint, render_template
from flask_login import current_user

from trainingapp.auth.access import role_required
from trainingapp.models import Role
from trainingapp.services import people

bp = Blueprint("supervisor", __name__)
role_required(bp, Role.SUPERVISOR)


@bp.get("/")
def index() -> str:
    return render_template("supervisor/index.html", members=people.team_members(current_user))
