"""The form of a call turn: which turn it answers, and the choice made or the reply typed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from trainingapp.forms import as_text


def _position_or_none(value: str | None) -> int | None:
    """The choice as the page numbered it; None when none was sent or it is no number."""
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


class TurnForm(FlaskForm):
    node = StringField(filters=[as_text])
    choice = StringField(filters=[_position_or_none])
    reply = TextAreaField()
