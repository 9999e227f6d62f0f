"""The front door and the probes load balancers and benchmarks use."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from trainingapp import database
from trainingapp.auth.access import home_endpoint

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index() -> Response:
    return redirect(url_for(home_endpoint(current_user.roles)))


@bp.get("/healthz")
def healthz() -> Response:
    """Alive: answers without touching the database."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Ready to serve: the database answers."""
    try:
        database.ping()
    except SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200
