"""/learn: a trainee's "my training" home, the learning modules and their lessons."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from trainingapp import unit_of_work
from trainingapp.auth.access import role_required
from trainingapp.forms import ButtonForm
from trainingapp.i18n import current_language
from trainingapp.models import Module, utcnow
from trainingapp.queries import learning, people
from trainingapp.quizzes import pages as quiz_pages
from trainingapp.services import assignments, reading

bp = Blueprint("learning", __name__)
SEARCH_MAX = 100  # characters of a search
role_required(bp)


def _locate(slug: str, lesson_slug: str) -> tuple[Module, list[learning.LessonEntry], int]:
    """The module, its lessons with read marks, and where the lesson is among them; 404."""
    module = learning.get_module(slug) or abort(404)
    entries = learning.lessons_of(module, current_user)
    for index, entry in enumerate(entries):
        if entry.lesson.slug == lesson_slug:
            return module, entries, index
    abort(404)


@bp.get("/")
def index() -> str:
    me = people.profile(current_user.id)
    assigned = assignments.for_people([current_user], utcnow())[current_user.id]
    return render_template("learning/index.html", position=me.position, team=me.team,
                           modules=learning.catalogue(current_user), assigned=assigned,
                           titles=assignments.targets() if assigned else {})


@bp.get("/modules/<slug>")
def module(slug: str) -> str:
    found = learning.get_module(slug) or abort(404)
    return render_template("learning/module.html", module=found,
                           lessons=learning.lessons_of(found, current_user), form=ButtonForm(),
                           chance=quiz_pages.chance(current_user.id, found, utcnow()))


@bp.get("/modules/<slug>/lessons/<lesson_slug>")
def lesson(slug: str, lesson_slug: str) -> str:
    found, entries, index = _locate(slug, lesson_slug)
    return render_template(
        "learning/lesson.html", module=found, entry=entries[index], position=index + 1,
        total=len(entries), previous=entries[index - 1].lesson if index else None,
        next=entries[index + 1].lesson if index + 1 < len(entries) else None,
        form=ButtonForm(),
    )


@bp.post("/modules/<slug>/lessons/<lesson_slug>/read")
def mark_read(slug: str, lesson_slug: str) -> Response:
    _module, entries, index = _locate(slug, lesson_slug)
    if not ButtonForm().validate_on_submit():
        abort(400)
    reading.mark_read(current_user, entries[index].lesson)
    unit_of_work.commit()
    if index + 1 < len(entries):
        return redirect(url_for(".lesson", slug=slug, lesson_slug=entries[index + 1].lesson.slug))
    flash(_("You have read every lesson of this module."), "success")
    return redirect(url_for(".module", slug=slug))


@bp.get("/search")
def search() -> str:
    query = request.args.get("q", "").strip()
    too_long = len(query) > SEARCH_MAX  # said, not cut
    results = learning.search(query, current_language()) if 2 <= len(query) <= SEARCH_MAX else []
    return render_template("learning/search.html", query=query, results=results,
                           snippet=learning.snippet, search_max=SEARCH_MAX, too_long=too_long)
