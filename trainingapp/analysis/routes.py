"""/analysis: item analysis and question reports, for content owners (admin, HR)."""

from flask import Blueprint, abort, render_template
from flask_login import current_user

from trainingapp.auth.access import role_required
from trainingapp.forms import ButtonForm
from trainingapp.models import Role
from trainingapp.queries import analysis, learning
from trainingapp.quizzes.answers import kind_label
from trainingapp.quizzes.forms import REPORT_KINDS
from trainingapp.services import calls, regrading

bp = Blueprint("analysis", __name__)
role_required(bp, Role.ADMIN, Role.HR)


@bp.get("/")
def index() -> str:
    counts = analysis.index_counts()
    return render_template("analysis/index.html", modules=counts.modules, calls=counts.calls)


@bp.get("/calls/<slug>")
def call(slug: str) -> str:
    found = calls.get_call(slug) or abort(404)
    content = analysis.current_call_content(found)
    return render_template("analysis/call.html", call=found, report=analysis.analyse_call(found),
                           content=content, turns=analysis.choice_turns(content))


@bp.get("/modules/<slug>")
def module(slug: str) -> str:
    found = learning.get_module(slug) or abort(404)
    return render_template("analysis/module.html", module=found,
                           report=analysis.analyse_module(found), kind_label=kind_label)


@bp.get("/questions/<bank_id>")
def question(bank_id: str) -> str:
    found = analysis.get_question(bank_id) or abort(404)
    return render_template(
        "analysis/question.html", question=found, stem=analysis.stem_of(found),
        kind_label=kind_label, versions=analysis.versions_of(found),
        reports=analysis.reports_for(found), report_statuses=analysis.REPORT_STATUSES,
        report_kinds=REPORT_KINDS, regrade=regrading.regrade_preview(found),
        can_edit=current_user.has_role(Role.ADMIN), form=ButtonForm(),
    )
