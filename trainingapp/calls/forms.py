"""The form of a call turn: which turn it answers, and the choice made or the reply typed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from trainingapp.converters import number
from trainingapp.forms import as_text


def _position_or_none(value: str | None) -> int | None:
    """The choice as the page numbered it (ASCII digits, in range); None when none was
    sent. Anything else is the form's error (a ValueError from a filter)."""
    return None if value in (None, "") else number(value)


class TurnForm(FlaskForm):
    node = StringField(filters=[as_text])
    choice = StringField(filters=[_position_or_none])
    reply = TextAreaField()
