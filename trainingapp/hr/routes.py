"""/hr: certification status across the company."""

from flask import Blueprint, render_template, request

from trainingapp.auth.access import role_required
from trainingapp.models import Role
from trainingapp.services import people

bp = Blueprint("hr", __name__)
role_required(bp, Role.HR)


@bp.get("/")
def index() -> str:
    query = request.args.get("q", "").strip()[:64]
    return render_template(
        "hr/index.html", headcount=people.headcount_by_position(), teams=people.teams_count(),
        q=query, found=people.search_users(query, 1, per_page=20) if query else None,
    )
