"""Forms shared by several areas, and the fields and filters their forms are built from."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from babel.dates import format_date, parse_date
from flask_babel import format_number, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import Field, StringField, TextAreaField, ValidationError
from wtforms.validators import StopValidation

from trainingapp.i18n import current_language, day, text_in
from trainingapp.models import utcnow
from trainingapp.services import assignments

if TYPE_CHECKING:
    from trainingapp.models import User
    from trainingapp.services.assignments import Assigned, Held


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


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


def parse_day(text: str) -> date | None:
    """A day as the browser's date input sends it (YYYY-MM-DD), or typed as the reader's
    language writes a short date (12/15/2026, 2026/12/15): the numbers in that order,
    nothing guessed. None when it is neither."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        found = parse_date(text, locale=get_locale(), format="short")
    except (ValueError, IndexError, OverflowError):  # a year past 2**31 overflows
        return None

    def same(numbers: list[int]) -> list[int]:  # the year written with 2 or 4 digits
        return [n % 100 if n == found.year else n for n in numbers]

    written = format_date(found, "short", locale=get_locale())
    return found if same(_numbers(text)) == same(_numbers(written)) else None


def example_day() -> str:
    """A day (the organisation's today) written as the date field shows it in the reader's
    language, with the year in full (12/16/2026, 2026/12/16), and as ``parse_day`` reads
    it: for messages that say how to give a date."""
    locale = get_locale()
    pattern = str(locale.date_formats["short"].pattern)
    if "yyy" not in pattern:
        pattern = re.sub(r"y+", "yyyy", pattern)
    return format_date(assignments.today(utcnow()), pattern, locale=locale)


class DayField(StringField):
    """A day (the browser's date input sends YYYY-MM-DD; ``parse_day``): a ``date``, None
    when left empty (refused with ``required`` when given); anything else is refused with
    ``message``, which may name ``%(value)s``, what was typed, and ``%(example)s``, a day
    written in the reader's language."""

    def __init__(self, label: Any = None, validators: Any = None, *, message: Any,
                 required: Any = None, **kwargs: Any):
        super().__init__(label, validators, **kwargs)
        self.message, self.required = message, required

    def pre_validate(self, form: Any) -> None:
        if self.required and self.data is None and not self.process_errors:
            raise StopValidation(str(self.required))

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            self.data = parse_day(text)
            if self.data is None:
                raise ValueError(str(self.message) % {"example": example_day(), "value": text})

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self.data.isoformat() if self.data else ""


DUE_DATE_FORMAT = _l("Give the due date as a day, for example %(example)s.")
DUE_DATE_MISSING = _l("Give the due date.")
PAST_DUE = _l("The due date, %(due)s, is already past: it would be overdue from the start.")


class AssignForm(FlaskForm):
    """What to assign and by when: the fields the supervisor's and HR's assign forms share.
    Each adds its own way of choosing who gets it, and sets ``chosen``.

    Before anything is assigned the form warns, and waits for confirmation, when the due
    date is past or some of the people have this already (``warn``): the page shows their
    due date and note; the confirm button carries ``warned_about``, so a confirmation
    counts only for what it was shown."""

    what = StringField()  # "kind:slug", one of ``titles``
    due = DayField(required=DUE_DATE_MISSING, message=DUE_DATE_FORMAT)
    note = TextAreaField(filters=[stripped], validators=[AtMost(1000, _l("The note"))])
    confirm = StringField()

    chosen: list[User]

    def __init__(self, titles: dict[str, dict[str, Any]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.titles = titles  # what can be assigned, by kind (``assignments.targets()``)
        self.chosen = []
        self.past_due: str | None = None
        self.existing: list[Held] = []

    @property
    def target(self) -> tuple[str, str]:
        """(kind, slug) of what is assigned."""
        kind, _sep, slug = (self.what.data or "").partition(":")
        return kind, slug

    @property
    def title(self) -> str:
        """What is assigned, by its title in the reader's language."""
        kind, slug = self.target
        return text_in(self.titles[kind][slug])

    def ready(self) -> bool:
        """Sent, valid, and nothing to warn about, or the warnings shown were confirmed: a
        past due date, people who have the same thing already (kept in ``existing`` and
        ``past_due`` for the page when it comes back)."""
        if not self.validate_on_submit():
            return False
        self.existing = assignments.already_assigned(self.chosen, *self.target)
        today = assignments.today(utcnow())
        self.past_due = str(PAST_DUE % {"due": day(self.due.data)}) if self.due.data < today else None
        return not (self.past_due or self.existing) or self.confirm.data == self.warned_about

    def apply(self, actor: User) -> Assigned:
        """Assign as shown: to those who have it already, the new date (they were shown
        and it was confirmed)."""
        return assignments.assign(actor, self.chosen, *self.target, self.due.data,
                                  self.note.data, replace=True)

    @property
    def existing_people(self) -> list[tuple[User, Held]]:
        """Who has it already, with their assignment."""
        by_id = {p.id: p for p in self.chosen}
        return [(by_id[a.user_id], a) for a in self.existing if a.user_id in by_id]

    @property
    def warned_about(self) -> str:
        """A short fingerprint of what the warnings show: what, when, for whom, and each
        existing assignment's due date and note."""
        seen = [self.what.data, self.due.data.isoformat() if self.due.data else "",
                self.note.data or "", *sorted(str(p.id) for p in self.chosen),
                *(f"{a.id}:{a.due_on.isoformat()}:{a.note}" for a in self.existing)]
        return hashlib.sha256("\x1f".join(seen).encode()).hexdigest()[:16]

    def assigned(self, done: Assigned) -> str:
        """What the page says once it is assigned: what, to how many, due when."""
        said = ngettext("Assigned %(what)s to %(num)d person, due %(due)s.",
                        "Assigned %(what)s to %(num)d people, due %(due)s.", done.reached,
                        what=self.title, due=day(self.due.data))
        if done.changed:
            said += ("" if current_language() == "zh" else " ") + ngettext("%(num)d of them had it already: their assignment was changed.",
                                   "%(num)d of them had it already: their assignments were changed.",
                                   done.changed)
        return said

    def validate_what(self, _field: Field) -> None:
        kind, slug = self.target
        if slug not in self.titles.get(kind, {}):
            raise ValidationError(_l("Choose what to assign."))
