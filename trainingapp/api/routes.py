"""/api/v1: JSON for rostering and other systems. Errors are JSON here too."""

from flask import Blueprint, jsonify
from flask_login import current_user
from werkzeug.wrappers import Response

from trainingapp.auth.access import role_required

bp = Blueprint("api", __name__)
role_required(bp)


@bp.get("/me")
def me() -> Response:
    """The signed-in person, as other systems see them."""
    return jsonify(
        employee_no=current_user.employee_no,
        full_name=current_user.full_name,
        roles=sorted(current_user.roles),
        language=current_user.language,
    )
