"""The audit log's filters, read from the address: event, person, from and until."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField, ValidationError

from trainingapp.converters import page_number
from trainingapp.forms import DayField, cut, stripped
from trainingapp.queries.audit_log import LogFilters

NOT_A_DAY = _l("“%(value)s” is not a day of the calendar. Choose one, or leave the field "
              "empty.")
WRONG_WAY_ROUND = _l("“From” is after “Until”: no event can be both. Swap the dates or "
                     "change one of them.")


class LogFilterForm(FlaskForm):
    """Sent with GET: no CSRF token. A date that does not exist (30 February), is not a
    date, or a range that ends before it starts is refused with a message, and the page
    keeps what was typed."""

    class Meta:
        csrf = False

    action = StringField(filters=[stripped, cut(64)])
    person = StringField(filters=[stripped, cut(32)])
    since = DayField(_l("From"), message=NOT_A_DAY)  # worded with the value in validate
    until = DayField(_l("Until"), message=NOT_A_DAY)

    def __init__(self, args: Any) -> None:
        super().__init__(formdata=args)
        self.page = page_number(args)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in (self.since, self.until):
            if field.data is None and field.errors:  # say what was typed
                field.errors = [str(NOT_A_DAY) % {"value": field._value()}]
        return valid

    def validate_until(self, field: Field) -> None:
        if self.since.data and field.data and self.since.data > field.data:
            raise ValidationError(WRONG_WAY_ROUND)

    def filters(self, page: int | None = None) -> LogFilters:
        return LogFilters(action=self.action.data, person=self.person.data,
                          since=self.since.data, until=self.until.data,
                          page=page or self.page)

    def query(self) -> dict[str, str]:
        """The filters as typed, for the pager and the export link."""
        return {name: str(value) for name in ("action", "person", "since", "until")
                if (value := self[name]._value())}
