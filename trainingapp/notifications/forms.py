"""The notifications page's form: whether to be e-mailed too."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField


class EmailChoiceForm(FlaskForm):
    """``wants_email=1`` to be e-mailed too, ``0`` to stop."""

    wants_email = BooleanField(false_values=("0", ""))
