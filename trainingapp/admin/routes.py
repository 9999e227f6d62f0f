"""/admin: people and content management."""

from flask import Blueprint, render_template, request

from trainingapp.auth.access import role_required
from trainingapp.models import Role
from trainingapp.services import people

bp = Blueprint("admin", __name__)
role_required(bp, Role.ADMIN)


@bp.get("/")
def index() -> str:
    query = request.args.get("q", "")[:64]
    page = request.args.get("page", 1, type=int)
    return render_template("admin/index.html", users=people.search_users(query, page), q=query)
