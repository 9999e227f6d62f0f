"""The supervisor's forms: assign to one's team, observe a call, evaluate, check a roster."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    Field,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import NumberRange, Regexp

from trainingapp.converters import BadNumber, number
from trainingapp.forms import AssignForm, AtMost, as_text, stripped
from trainingapp.models import User
from trainingapp.queries import rosters
from trainingapp.services import evaluations, observations

ROSTER_UPLOAD_LIMIT = 2_000_000  # bytes: a roster of thousands, as an Excel workbook


class TeamAssignForm(AssignForm):
    """Assign to the whole team or to the members ticked; anyone else is ignored."""

    whole_team = BooleanField(false_values=("",))
    people = SelectMultipleField(validate_choice=False)

    def __init__(self, members: Sequence[User], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members

    def validate_people(self, field: Field) -> None:
        ticked = set(field.data or ())
        self.chosen = [m for m in self.members if self.whole_team.data or str(m.id) in ticked]
        if not self.chosen:
            raise ValidationError(_l("Choose who gets it."))


NOTES_MAX = 4000  # characters of an evaluation's or an observation's notes
EVALUATION_PROBLEM = _l("Give the period (2026-Q4 or 2026-11) and both scores from 1 to 5.")


class EvaluationForm(FlaskForm):
    period = StringField(filters=[stripped],
                         validators=[Regexp(evaluations.PERIOD, message=EVALUATION_PROBLEM)])
    colleague = IntegerField(validators=[NumberRange(1, 5, message=EVALUATION_PROBLEM)])
    performance = IntegerField(validators=[NumberRange(1, 5, message=EVALUATION_PROBLEM)])
    notes = TextAreaField(_l("Notes"), filters=[as_text],
                          validators=[AtMost(NOTES_MAX, _l("The notes"))])


def _rating(value: str | None) -> int | None:
    """A rating on the scale, or None: not observed. Anything else is refused (a filter's
    ValueError is the field's error), never taken for "not observed"."""
    if not value:
        return None
    try:
        return number(value, high=observations.RATING_MAX)
    except BadNumber:
        raise ValueError(_l("Choose a rating on the scale, or “not observed”.")) from None


class ObservationForm(FlaskForm):
    """A rating per rubric dimension (``rating-<id>``), a box per critical error
    (``critical-<id>``) and coaching notes; built per rubric by ``observation_form``."""

    notes = TextAreaField(_l("Coaching notes"), filters=[as_text], validators=[AtMost(NOTES_MAX, _l("The coaching notes"))])

    def __init__(self, content: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.content = content

    @property
    def ratings(self) -> dict[str, int | None]:
        return {d["id"]: self[f"rating-{d['id']}"].data for d in self.content["dimensions"]}

    @property
    def critical(self) -> list[str]:
        return [c["id"] for c in self.content["critical_errors"] if self[f"critical-{c['id']}"].data]

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if all(v is None for v in self.ratings.values()):
            self.form_errors.append(_l("Rate at least one dimension you observed."))
            return False
        return True


def observation_form(content: dict[str, Any]) -> ObservationForm:
    """The observation form for a rubric's content, bound to the request."""

    class RubricObservationForm(ObservationForm):
        pass

    for dimension in content["dimensions"]:
        setattr(RubricObservationForm, f"rating-{dimension['id']}", StringField(filters=[_rating]))
    for error in content["critical_errors"]:
        setattr(RubricObservationForm, f"critical-{error['id']}", BooleanField(false_values=("",)))
    return RubricObservationForm(content)


class RosterForm(FlaskForm):
    """The employee numbers on a shift, typed or pasted, or in a roster file (CSV, text or
    XLSX: its employee-number column); ``format=csv`` to download the answer."""

    employee_nos = TextAreaField(filters=[as_text])
    file = FileField()
    format = StringField()

    numbers: list[str]

    def validate_file(self, field: Field) -> None:
        """The file's numbers are added to those typed (and shown again with the answer)."""
        if field.data is None or not field.data.filename:
            return
        sent = field.data.read(ROSTER_UPLOAD_LIMIT + 1)
        if len(sent) > ROSTER_UPLOAD_LIMIT:
            raise ValidationError(_l("The roster file may be at most %(n)d MB.",
                                     n=ROSTER_UPLOAD_LIMIT // 1_000_000))
        try:
            found = rosters.numbers_in_file(field.data.filename, sent)
        except rosters.RosterFileError as error:
            raise ValidationError(str(error)) from None
        typed = self.employee_nos.data.rstrip()
        self.employee_nos.data = "\n".join(([typed] if typed else []) + found)

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        self.numbers = rosters.parse_numbers(self.employee_nos.data)
        if len(self.numbers) > rosters.MAX_NUMBERS:
            self.employee_nos.errors = [_l(
                "At most %(max)d employee numbers at a time: these are %(n)d.",
                max=rosters.MAX_NUMBERS, n=len(self.numbers))]
            return False
        return True
