"""/audit: the audit log, for HR and admins: filtered, paged, exported."""

from flask import Blueprint, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from trainingapp import exports, unit_of_work
from trainingapp.auth.access import role_required
from trainingapp.models import Role
from trainingapp.queries import audit_log
from trainingapp.services import audit

bp = Blueprint("auditlog", __name__)
role_required(bp, Role.HR, Role.ADMIN)


@bp.get("/")
def index() -> Response | str:
    filters = audit_log.LogFilters.from_args(request.args)
    if request.args.get("export") == "csv":
        rows = audit_log.export_rows(filters)
        audit.record("audit_exported", actor=current_user, rows=len(rows) - 1,
                     event=filters.action, person=filters.person)
        unit_of_work.commit()
        return exports.download(rows, "audit-log")
    found, total = audit_log.search(filters)
    pages = max(1, -(-total // audit_log.PAGE_SIZE))
    return render_template("auditlog/index.html", rows=found, total=total, pages=pages,
                           filters=filters, actions=audit_log.actions())
