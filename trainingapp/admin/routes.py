"""/admin: people and content management."""

from pathlib import Path

from flask import Blueprint, current_app, render_template, request
from flask_wtf import FlaskForm

from trainingapp.auth.access import role_required
from trainingapp.content.bank import load_bank
from trainingapp.models import Role
from trainingapp.services import content, people

bp = Blueprint("admin", __name__)
role_required(bp, Role.ADMIN)


@bp.get("/")
def index() -> str:
    query = request.args.get("q", "")[:64]
    page = request.args.get("page", 1, type=int)
    return render_template("admin/index.html", users=people.search_users(query, page), q=query)


@bp.route("/content", methods=["GET", "POST"])
def content_status() -> str:
    """The bank's status; the button runs the check (it reads files, it changes nothing)."""
    form = FlaskForm()
    checked = load_bank(Path(current_app.config["QUESTION_BANK"])) if form.validate_on_submit() else None
    return render_template("admin/content.html", form=form, checked=checked,
                           release=content.latest_release(), loaded=content.loaded_counts())
