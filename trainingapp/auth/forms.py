from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length

from trainingapp.i18n import LANGUAGES
from trainingapp.rules.passwords import MAX_LENGTH


class LoginForm(FlaskForm):
    employee_no = StringField(
        _l("Employee number"),
        validators=[DataRequired(), Length(max=32)],
        render_kw={"autocomplete": "username", "autocapitalize": "characters"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired()],
        description=_l("At least 8 characters. A long passphrase is best."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two entries differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class LanguageForm(FlaskForm):
    language = StringField(_l("Language"), validators=[AnyOf(list(LANGUAGES))])
    next = HiddenField()
