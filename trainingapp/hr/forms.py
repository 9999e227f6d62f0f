"""HR's forms: assign company-wide (the satisfaction import is an ``UploadForm``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Field, StringField, ValidationError

from trainingapp.forms import AssignForm
from trainingapp.queries import people


class GroupAssignForm(AssignForm):
    """Assign to everyone in a position or a team: ``who`` is ``position:<code>`` or
    ``team:<code>``."""

    who = StringField()

    def validate_who(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose who gets it."))
        group, _sep, code = field.data.partition(":")
        self.chosen = people.in_group(group, code)
        if not self.chosen:
            raise ValidationError(_l("Nobody is in that position or team."))

