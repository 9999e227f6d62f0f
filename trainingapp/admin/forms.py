"""The administrators' forms: people, teams and positions, API tokens."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.validators import AnyOf, DataRequired

from trainingapp.forms import DayField, as_text, cut, stripped
from trainingapp.i18n import DEFAULT_LANGUAGE, LANGUAGES
from trainingapp.models import GRANTED_ROLES, Position, Team, User


def _known_language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def _granted_roles(values: list[str] | None) -> list[str]:
    granted = {role.value for role in GRANTED_ROLES}
    return [value for value in values or () if value in granted]


class PersonForm(FlaskForm):
    """A person's details; a team or position code that names none leaves it empty, an
    unknown language is English, roles other than the granted ones are ignored."""

    full_name = StringField(filters=[stripped, cut(120)],
                            validators=[DataRequired(_l("Enter the person's name."))])
    email = StringField(filters=[stripped, cut(254), lambda value: value or None])
    team = StringField()
    position = StringField()
    hire_date = DayField(message=_l("Enter the date as YYYY-MM-DD."))
    language = StringField(filters=[_known_language])
    roles = SelectMultipleField(validate_choice=False, filters=[_granted_roles])

    def profile(self, groups: dict[str, Any]) -> dict[str, Any]:
        """The details as ``accounts.update_profile`` takes them; ``groups`` are the
        positions and teams (``people.groups()``)."""
        return {"full_name": self.full_name.data, "email": self.email.data,
                "team": _by_code(groups["team"], self.team.data),
                "position": _by_code(groups["position"], self.position.data),
                "hire_date": self.hire_date.data, "language": self.language.data}


class NewPersonForm(PersonForm):
    employee_no = StringField(filters=[stripped, str.upper],
                              validators=[DataRequired(_l("Enter the employee number."))])


def _by_code(units: Sequence[Team] | Sequence[Position], code: str | None) -> Any:
    return next((unit for unit in units if unit.code == code), None)


def _code_of(units: Sequence[Team] | Sequence[Position], unit_id: int | None) -> str | None:
    return next((unit.code for unit in units if unit.id == unit_id), None)


def person_form(person: User, groups: dict[str, Any]) -> PersonForm:
    """The form to edit ``person``: what was submitted, or the person's details."""
    if request.method == "POST":
        return PersonForm()
    return PersonForm(data={
        "full_name": person.full_name, "email": person.email,
        "team": _code_of(groups["team"], person.team_id),
        "position": _code_of(groups["position"], person.position_id),
        "hire_date": person.hire_date, "language": person.language,
        "roles": [role.value for role in person.roles if role in GRANTED_ROLES]})


class ActiveForm(FlaskForm):
    """Deactivate (``active=0``) or reactivate (``active=1``) a person."""

    active = BooleanField(false_values=("0", ""))


class OrganisationUnitForm(FlaskForm):
    """A new team (code, name, site) or position (code, names in English and Chinese);
    ``accounts.add_organisation_unit`` checks the code and names."""

    kind = StringField(validators=[AnyOf(["team", "position"])])
    code = StringField(filters=[as_text])
    name = StringField(filters=[as_text])
    site = StringField(filters=[as_text])
    name_en = StringField(filters=[as_text])
    name_zh = StringField(filters=[as_text])


class TokenForm(FlaskForm):
    """Create a token for a system (``name``), or revoke one (``revoke``: its name)."""

    name = StringField(filters=[cut(64)])
    revoke = StringField()
