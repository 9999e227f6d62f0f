"""/audit: the audit log, for HR and admins: filtered, paged, exported, in words."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from trainingapp import exports, unit_of_work
from trainingapp.auditlog.forms import LogFilterForm
from trainingapp.auth.access import role_required
from trainingapp.models import AuditEvent, Role
from trainingapp.queries import audit_log
from trainingapp.services import audit

bp = Blueprint("auditlog", __name__)
role_required(bp, Role.HR, Role.ADMIN)


@bp.get("/")
def index() -> Response | str:
    form = LogFilterForm(request.args)
    if not form.validate():  # impossible dates: the message, the input kept, no list
        return render_template("auditlog/index.html", form=form, rows=[], total=None,
                               pages=1, page=1, actions=audit_log.actions())
    filters = form.filters()
    if request.args.get("export") == "csv":
        table = audit_log.export(filters)  # counted now, read while it is sent
        unit_of_work.writing()
        audit.record("audit_exported", actor=current_user, rows=table.count,
                     event=filters.action, person=filters.person)
        unit_of_work.commit()
        return exports.download(table.rows, "audit-log")
    total = audit_log.count(filters)
    pages = max(1, -(-total // audit_log.PAGE_SIZE))
    if filters.page > pages:  # a page past the last (an old link): the last one
        return redirect(url_for(".index", page=pages, **form.query()))
    return render_template("auditlog/index.html", form=form, page=filters.page, pages=pages,
                           rows=audit_log.describe(audit_log.search(filters)), total=total,
                           actions=audit_log.actions())


@bp.app_template_global("audit_trail")
def audit_trail(events: list[AuditEvent]) -> list[audit_log.LogRow]:
    """A person's history on their training record, in the same words as the log."""
    return audit_log.describe(events)
