"""/api/v1: JSON for rostering and workforce-management systems. Errors are JSON here too.

Clearance answers need a bearer token with the clearance:read scope; every call is logged
with the token's name (never the token)."""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import Blueprint, current_app, g, jsonify, request
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from trainingapp import wording
from trainingapp.api.openapi import DOCUMENT
from trainingapp.extensions import csrf
from trainingapp.i18n import DEFAULT_LANGUAGE, LANGUAGES
from trainingapp.models import User, utcnow
from trainingapp.rules.certification import Clearance
from trainingapp.services import api_tokens, certification

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # no cookies here: every state-free call carries a bearer token
MAX_BULK = 1000


def token_required(scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            scheme, _, presented = header.partition(" ")
            token = api_tokens.find(presented.strip()) if scheme.lower() == "bearer" else None
            if token is None:
                current_app.logger.warning("api: refused %s %s (no valid token)",
                                           request.method, request.path)
                return jsonify(error="unauthorized", message="A valid bearer token is required."), 401
            if scope not in token.scopes:
                return jsonify(error="forbidden", message=f"The token lacks the {scope} scope."), 403
            g.api_token = token.name
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _language() -> str:
    """The language of the ``reasons``: as ``Accept-Language`` asks, English by default."""
    return request.accept_languages.best_match(LANGUAGES.keys(), DEFAULT_LANGUAGE)


def _answer(user: User, status_clearance: Clearance, as_of: str,
            names: dict[str, dict[str, str]], language: str) -> dict[str, Any]:
    return {
        "employee_no": user.employee_no,
        "cleared": status_clearance.cleared,
        "certification_required": status_clearance.needs_certification,
        "as_of": as_of,
        "tracks": [
            {"track": slug, "status": decision.status.value,
             "expires_at": decision.until.isoformat() if decision.until else None,
             "missing": list(decision.missing),
             "reasons": wording.reasons(decision, names, language)}
            for slug, decision in sorted(status_clearance.tracks.items())
        ],
    }


def _in_language(response: Response, language: str) -> Response:
    response.headers["Content-Language"] = language
    response.vary.add("Accept-Language")
    return response


@bp.get("/clearance/<employee_no>")
@token_required("clearance:read")
def clearance(employee_no: str) -> tuple[Response, int]:
    known = certification.people_for_clearance([employee_no])
    person = known.by_employee_no.get(employee_no)
    if person is None:
        return jsonify(error="not_found", message=f"No employee {employee_no}."), 404
    now = utcnow()
    status = certification.statuses([person], now, known)[0]
    current_app.logger.info("api: %s asked clearance of 1 person", g.api_token)
    language = _language()
    return _in_language(jsonify(_answer(person, status.clearance, now.isoformat(),
                                        wording.requirement_titles(), language)), language), 200


@bp.post("/clearance")
@token_required("clearance:read")
def clearance_bulk() -> tuple[Response, int]:
    body = request.get_json(silent=True)
    numbers = body.get("employee_nos") if isinstance(body, dict) else None
    if (not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers)
            or not 0 < len(numbers) <= MAX_BULK):
        return jsonify(error="bad_request", message="Send {\"employee_nos\": [...]} with 1 to "
                       f"{MAX_BULK} employee numbers."), 400
    known = certification.people_for_clearance(numbers)
    found = known.by_employee_no
    now = utcnow()
    by_id = {s.user.id: s for s in certification.statuses(list(found.values()), now, known)}
    current_app.logger.info("api: %s asked clearance of %d people", g.api_token, len(numbers))
    names, language = wording.requirement_titles(), _language()
    return _in_language(jsonify(
        as_of=now.isoformat(),
        results=[_answer(found[n], by_id[found[n].id].clearance, now.isoformat(), names,
                         language) for n in numbers if n in found],
        unknown=[n for n in numbers if n not in found],
    ), language), 200


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(DOCUMENT)


@bp.get("/me")
@login_required
def me() -> Response:
    """The signed-in person, as other systems see them."""
    return jsonify(
        employee_no=current_user.employee_no,
        full_name=current_user.full_name,
        roles=sorted(current_user.roles),
        language=current_user.language,
    )
