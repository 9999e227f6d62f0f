"""Sign-in and access control."""

from __future__ import annotations

from flask import Flask, flash, has_request_context, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from trainingapp import unit_of_work
from trainingapp.extensions import login_manager
from trainingapp.models import User
from trainingapp.rules.redirects import safe_next
from trainingapp.services import accounts, audit


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    audit.origin = _client_address


def _client_address() -> str | None:
    return request.remote_addr if has_request_context() else None


@login_manager.user_loader
def _load_user(cookie_id: str) -> User | None:
    user_id, _, rest = cookie_id.partition(":")
    token, _, key = rest.partition(":")
    if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 18 or not token or not key:
        return None
    with unit_of_work.reads_without_lock():  # who is asking: no write lock needed to know that
        # a page (GET) shows the unread count in its header: it comes with the user
        return accounts.load_for_session(int(user_id), token, key,
                                         with_unread=request.method == "GET")


@login_manager.unauthorized_handler
def _unauthorized():  # type: ignore[no-untyped-def]
    if request.path.startswith("/api/"):
        return jsonify(error="unauthorized", message="Sign in or present an API token."), 401
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for("auth.login", next=safe_next(request.full_path.rstrip("?"))))
