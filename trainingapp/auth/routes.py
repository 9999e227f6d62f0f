"""Sign-in, sign-out, password change and the language switch."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from trainingapp import unit_of_work
from trainingapp.auth.access import home_endpoint
from trainingapp.auth.forms import (
    ChangePasswordForm,
    LanguageForm,
    LoginForm,
    ResetPasswordForm,
)
from trainingapp.extensions import limiter
from trainingapp.models import User, utcnow
from trainingapp.rules.passwords import verify_password
from trainingapp.rules.redirects import safe_next
from trainingapp.services import accounts, audit
from trainingapp.wording import POLICY_MESSAGES

bp = Blueprint("auth", __name__)


def _login_throttle() -> str:
    return current_app.config["LOGIN_THROTTLE"]


def _login_throttle_key() -> str:
    # Account + address: a whole cohort shares one office address, so the address alone
    # would lock everyone out; the account alone would let anyone lock a colleague out
    # from anywhere.
    employee_no = (LoginForm(meta={"csrf": False}).employee_no.data or "").strip().lower()[:32]
    return f"login:{employee_no}:{request.remote_addr}"


def _login_failed(response: Response) -> bool:
    return response.status_code == 200  # the form came back: the sign-in did not succeed


def _start_session(user: User) -> None:
    """A fresh session for ``user``: nothing of the anonymous session is carried over."""
    session.clear()
    login_user(user)
    session.permanent = True


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_throttle, key_func=_login_throttle_key, methods=["POST"], deduct_when=_login_failed
)
def login() -> Response | str:
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user.roles)))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.employee_no.data, form.password.data)
        if user is not None:
            accounts.open_session(user, utcnow())
        unit_of_work.commit()
        if user is not None:
            _start_session(user)
            return redirect(
                safe_next(request.args.get("next")) or url_for(home_endpoint(user.roles))
            )
        form.password.errors.append(_("Unknown employee number or wrong password."))
    return render_template("auth/login.html", form=form)


def _signed_out(user: User, message: str) -> Response:
    logout_user()
    session.clear()
    session["language"] = user.language  # the sign-in page stays in the person's language
    flash(message, "info")
    return redirect(url_for("auth.login"))


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Sign out here; the person's sessions on other devices go on."""
    user = current_user._get_current_object()
    accounts.end_session(user, utcnow())  # a copied cookie of this session stops working too
    audit.record("logout", actor=user, subject=user)
    unit_of_work.commit()
    return _signed_out(user, _("You have signed out."))


@bp.post("/account/sessions/end")
@login_required
def logout_everywhere() -> Response:
    """Sign out on every device, this one included."""
    user = current_user._get_current_object()
    accounts.end_all_sessions(user, utcnow())
    audit.record("logout_everywhere", actor=user, subject=user)
    unit_of_work.commit()
    return _signed_out(user, _("You have signed out on every device."))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Response | str:
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(
            user.password_hash, form.current_password.data, accounts.password_cost()
        ).ok:
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            try:
                accounts.set_password(user, form.new_password.data)
            except accounts.PasswordRejected as rejected:
                form.new_password.errors.append(str(POLICY_MESSAGES[rejected.violation]))
            else:
                accounts.open_session(user, utcnow())  # this device goes on, in a new session
                unit_of_work.commit()
                _start_session(user)  # every other session has ended
                flash(_("Your password has been changed. Other sessions were signed out."),
                      "success")
                return redirect(url_for(home_endpoint(user.roles)))
    return render_template("auth/change_password.html", form=form)


@bp.post("/language")
def set_language() -> Response:
    form = LanguageForm()
    if form.validate_on_submit():
        session["language"] = form.language.data
        if current_user.is_authenticated:
            accounts.set_language(current_user._get_current_object(), form.language.data)
            unit_of_work.commit()
    return redirect(safe_next(form.next.data) or url_for("main.index"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Response | str:
    """Set a password through a one-time link from an administrator."""
    now = utcnow()
    reset = accounts.reset_for(token, now)
    if reset is None:
        return render_template("auth/reset.html", form=None), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.use_reset(reset, form.new_password.data, now)
        except accounts.PasswordRejected as rejected:
            form.new_password.errors.append(str(POLICY_MESSAGES[rejected.violation]))
        else:
            unit_of_work.commit()
            flash(_("Your password is set. Sign in with it."), "success")
            session["language"] = user.language
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)
