"""The quiz pages' form with fields: reporting a problem with a question."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired

from trainingapp.forms import AtMost

REPORT_KINDS = {
    "wrong_key": _l("The marked answer is wrong"),
    "unclear": _l("The question is unclear"),
    "outdated": _l("It contradicts the current standard"),
    "other": _l("Something else"),
}


COMMENT_MAX = 2000  # characters of a problem report's details


class ReportForm(FlaskForm):
    position = IntegerField(validators=[DataRequired()])
    kind = StringField(_l("What is wrong?"), validators=[AnyOf(list(REPORT_KINDS))])
    comment = TextAreaField(_l("Details (optional)"), validators=[AtMost(COMMENT_MAX, _l("The details"))])
