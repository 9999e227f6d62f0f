"""Error pages in one place: HTML for pages, JSON under /api/. No traces leave the server:
an unhandled exception reaches the 500 handler (Flask wraps it) and is logged by Flask."""

from __future__ import annotations

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import BadRequest, HTTPException, ServiceUnavailable

from trainingapp import unit_of_work
from trainingapp.converters import BadNumber, bad_number_message
from trainingapp.extensions import db, login_manager

PAGES = {400, 403, 404, 413, 429, 500, 503}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(error: HTTPException):  # type: ignore[no-untyped-def]
    code = error.code or 500
    if _wants_json():
        return jsonify(error=error.name.lower().replace(" ", "_"), message=error.description), code
    template = f"errors/{code}.html" if code in PAGES else "errors/generic.html"
    return render_template(template, error=error), code


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        return _render(error)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_unavailable(error: Exception):  # type: ignore[no-untyped-def]
        """The database went away mid-request: nothing of the request is kept (its
        transaction is rolled back), the page says so, and the quiz page's autosave,
        which sees the 503, keeps the answers and sends them again."""
        try:
            unit_of_work.discard()
        except Exception:  # noqa: BLE001 - the connection may be gone; drop it instead
            db.session.remove()
        app.logger.error("database unavailable during %s %s: %s", request.method,
                         request.path, type(getattr(error, "orig", error)).__name__)
        g.database_unavailable = True  # the page is drawn without asking the database again
        if "_login_user" not in g:
            g._login_user = login_manager.anonymous_user()
        response, code = _render(ServiceUnavailable())
        return response, code, {"Retry-After": "5"}

    @app.errorhandler(BadNumber)
    def _bad_number(error: BadNumber):  # type: ignore[no-untyped-def]
        return _render(BadRequest(description=bad_number_message(error)))

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        error.description = _(
            "The form had expired or did not come from this site. Go back, reload the page "
            "and try again; nothing was changed."
        )
        return _render(error)
