"""Forms shared by several areas, and the fields and filters their forms are built from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import Field, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired

from trainingapp.services import assignments

if TYPE_CHECKING:
    from trainingapp.models import User


class ButtonForm(FlaskForm):
    """A form that is only a button (start, submit, mark as read, revoke a token…): it
    carries the CSRF token and nothing else."""


class UploadForm(FlaskForm):
    """A spreadsheet to import (staff, satisfaction figures)."""

    file = FileField(validators=[FileRequired(_l("Choose a .csv or .xlsx file."))])


def as_text(value: str | None) -> str:
    """A filter: the text as sent ("" when the field was not sent)."""
    return value or ""


def stripped(value: str | None) -> str:
    """A filter: the text without the spaces around it ("" when the field was not sent)."""
    return (value or "").strip()


def cut(length: int) -> Callable[[str | None], str]:
    """A filter: at most ``length`` characters; longer input is cut, as the input's
    ``maxlength`` does in the browser."""
    def _cut(value: str | None) -> str:
        return (value or "")[:length]
    return _cut


class AtMost:
    """A validator: at most ``limit`` characters. Longer text is refused with a message that
    names the limit and the length, and the form comes back with it to shorten; the page's
    ``maxlength`` is the same limit. Never cut: a cut loses words without a word."""

    def __init__(self, limit: int, name: Any) -> None:
        self.limit, self.name = limit, name  # name: what the text is ("The notes"), lazy

    def __call__(self, _form: Any, field: Field) -> None:
        length = len(field.data or "")
        if length > self.limit:
            raise ValidationError(_(
                "%(name)s can be at most %(limit)s characters long; yours has %(length)s. "
                "Shorten it and send it again.", name=str(self.name),
                limit=format_number(self.limit), length=format_number(length)))


class DayField(StringField):
    """A day typed as YYYY-MM-DD (the browser's date input): a ``date``, None when left
    empty; anything else is refused with ``message``."""

    def __init__(self, label: Any = None, validators: Any = None, *, message: Any, **kwargs: Any):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            try:
                self.data = date.fromisoformat(text)
            except ValueError:
                raise ValueError(self.message) from None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self.data.isoformat() if self.data else ""


DUE_DATE_FORMAT = _l("Give the due date as YYYY-MM-DD.")


class AssignForm(FlaskForm):
    """What to assign and by when: the fields the supervisor's and HR's assign forms share.
    Each adds its own way of choosing who gets it, and sets ``chosen``."""

    what = StringField()  # "kind:slug", one of ``titles``
    due = DayField(validators=[DataRequired(DUE_DATE_FORMAT)], message=DUE_DATE_FORMAT)
    note = TextAreaField(filters=[cut(1000)])

    chosen: list[User]

    def __init__(self, titles: dict[str, dict[str, Any]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.titles = titles  # what can be assigned, by kind (``assignments.targets()``)
        self.chosen = []

    @property
    def target(self) -> tuple[str, str]:
        """(kind, slug) of what is assigned."""
        kind, _sep, slug = (self.what.data or "").partition(":")
        return kind, slug

    @property
    def due_at(self) -> datetime:
        return assignments.due_at_end_of(self.due.data)

    @staticmethod
    def assigned(count: int) -> str:
        """What the page says once it is assigned."""
        return ngettext("Assigned to %(num)d person.", "Assigned to %(num)d people.", count)

    def validate_what(self, _field: Field) -> None:
        kind, slug = self.target
        if slug not in self.titles.get(kind, {}):
            raise ValidationError(_l("Choose what to assign."))
