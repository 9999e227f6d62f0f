"""The administrators' forms: people, teams and positions, API tokens."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    SelectMultipleField,
    StringField,
    ValidationError,
)
from wtforms.validators import DataRequired, Optional, Regexp

from trainingapp.forms import AtMost, DayField, stripped
from trainingapp.i18n import DEFAULT_LANGUAGE, LANGUAGES
from trainingapp.models import GRANTED_ROLES, Position, Team, User
from trainingapp.models.user import NAME_LENGTH


def _known_language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def _granted_roles(values: list[str] | None) -> list[str]:
    granted = {role.value for role in GRANTED_ROLES}
    return [value for value in values or () if value in granted]


class PersonForm(FlaskForm):
    """A person's details; the team and position are one of ``units`` (the active ones and
    the person's own), an unknown language is English, roles other than the granted ones
    are ignored. Too long a text is refused with a message."""

    full_name = StringField(filters=[stripped],
                            validators=[DataRequired(_l("Enter the person's name.")),
                                        AtMost(NAME_LENGTH, _l("The name"))])
    email = StringField(filters=[stripped, lambda value: value or None],
                        validators=[Optional(), AtMost(254, _l("The email address"))])
    team = StringField()
    position = StringField()
    hire_date = DayField(message=_l("Give the hire date as a day, for example %(example)s."))
    language = StringField(filters=[_known_language])
    roles = SelectMultipleField(validate_choice=False, filters=[_granted_roles])

    def __init__(self, units: dict[str, Any] | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "team" and "position": what may be chosen (``units_for``); without, nothing
        self.units = units or {"team": [], "position": []}

    def validate_team(self, field: Field) -> None:
        if field.data and _by_code(self.units["team"], field.data) is None:
            raise ValidationError(_l("Choose a team from the list."))

    def validate_position(self, field: Field) -> None:
        if field.data and _by_code(self.units["position"], field.data) is None:
            raise ValidationError(_l("Choose a position from the list."))

    def profile(self) -> dict[str, Any]:
        """The details as ``accounts.update_profile`` takes them."""
        return {"full_name": self.full_name.data, "email": self.email.data,
                "team": _by_code(self.units["team"], self.team.data),
                "position": _by_code(self.units["position"], self.position.data),
                "hire_date": self.hire_date.data, "language": self.language.data}


class NewPersonForm(PersonForm):
    employee_no = StringField(filters=[stripped, str.upper], validators=[
        DataRequired(_l("Enter the employee number.")), AtMost(32, _l("The employee number")),
        Regexp(r"^[A-Z0-9-]+$", message=_l("An employee number has letters, digits and "
                                           "hyphens only."))])


def _by_code(units: Sequence[Team] | Sequence[Position], code: str | None) -> Any:
    return next((unit for unit in units if unit.code == code), None)


def _code_of(units: Sequence[Team] | Sequence[Position], unit_id: int | None) -> str | None:
    return next((unit.code for unit in units if unit.id == unit_id), None)


def units_for(groups: dict[str, Any], person: User | None = None) -> dict[str, list[Any]]:
    """The teams and positions a form offers: the active ones, and the person's own even
    when deactivated (people keep theirs)."""
    mine = {"team": person.team_id if person else None,
            "position": person.position_id if person else None}
    return {kind: [unit for unit in groups[kind] if unit.is_active or unit.id == mine[kind]]
            for kind in ("team", "position")}


def person_form(person: User, units: dict[str, Any]) -> PersonForm:
    """The form to edit ``person``: what was submitted, or the person's details."""
    if request.method == "POST":
        return PersonForm(units)
    return PersonForm(units, data={
        "full_name": person.full_name, "email": person.email,
        "team": _code_of(units["team"], person.team_id),
        "position": _code_of(units["position"], person.position_id),
        "hire_date": person.hire_date, "language": person.language,
        "roles": [role.value for role in person.roles if role in GRANTED_ROLES]})


class ActiveForm(FlaskForm):
    """Deactivate (``active=0``) or reactivate (``active=1``) a person."""

    active = BooleanField(false_values=("0", ""))


CODE_MESSAGE = _l("A code has lowercase letters, digits and hyphens, such as hotline-2.")


class _UnitCode:
    code = StringField(_l("Code"), filters=[stripped, str.lower],
                       description=_l("Lowercase letters, digits and hyphens; it cannot be "
                                      "changed later. At most 64 characters."),
                       validators=[DataRequired(_l("Enter a code.")), AtMost(64, _l("The code")),
                                   Regexp(r"^[a-z0-9][a-z0-9-]*$", message=CODE_MESSAGE)])


class TeamForm(FlaskForm):
    """A team's names and site (a new team also has a code: ``NewTeamForm``)."""

    name = StringField(_l("Name in English"), filters=[stripped],
                       description=_l("At most 120 characters."),
                       validators=[DataRequired(_l("Enter the team's name in English.")),
                                   AtMost(NAME_LENGTH, _l("The name in English"))])
    name_zh = StringField(_l("Name in Chinese"), filters=[stripped],
                          description=_l("At most 120 characters. Without it, Chinese pages "
                                         "show the English name."),
                          validators=[AtMost(NAME_LENGTH, _l("The name in Chinese"))])
    site = StringField(_l("Site"), filters=[stripped], description=_l("At most 120 characters."),
                       validators=[AtMost(NAME_LENGTH, _l("The site"))])


class NewTeamForm(TeamForm, _UnitCode):
    pass


class PositionForm(FlaskForm):
    """A position's names (a new position also has a code: ``NewPositionForm``)."""

    name_en = StringField(_l("Name in English"), filters=[stripped],
                          description=_l("At most 120 characters."),
                          validators=[DataRequired(_l("Enter the position's name in English.")),
                                      AtMost(NAME_LENGTH, _l("The name in English"))])
    name_zh = StringField(_l("Name in Chinese"), filters=[stripped],
                          description=_l("At most 120 characters."),
                          validators=[DataRequired(_l("Enter the position's name in Chinese.")),
                                      AtMost(NAME_LENGTH, _l("The name in Chinese"))])


class NewPositionForm(PositionForm, _UnitCode):
    pass


class SupervisorsForm(FlaskForm):
    """Who supervises a team: ids among ``candidates`` (people with the supervisor role)."""

    supervisors = SelectMultipleField(coerce=int, validate_choice=False)

    def __init__(self, candidates: Sequence[User], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates

    def validate_supervisors(self, field: Field) -> None:
        known = {person.id for person in self.candidates}
        if not set(field.data or ()) <= known:
            raise ValidationError(_l("Choose supervisors from the list."))

    @property
    def chosen(self) -> list[User]:
        wanted = set(self.supervisors.data or ())
        return [person for person in self.candidates if person.id in wanted]


class TokenForm(FlaskForm):
    """Create a token for a system, by its name."""

    name = StringField(filters=[stripped], validators=[
        DataRequired(_l("Name the system that will use the token.")),
        AtMost(64, _l("The token’s name"))])


class RevokeTokenForm(FlaskForm):
    """Revoke a token, by its name."""

    revoke = StringField(validators=[DataRequired(), AtMost(64, _l("The token’s name"))])
