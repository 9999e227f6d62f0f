"""The forms of the training record: moving a due date, revoking or reinstating a
certificate, recording an award made elsewhere or an exemption."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from trainingapp.forms import AtMost, DayField, as_text
from trainingapp.models import CertificateSource

DUE_AND_REASON = _l("Give the new due date and the reason.")
REASON_KEPT = _l("Give the reason: it is kept in the person's history.")
EVIDENCE = _l("Give the evidence: where and when it was granted, or why the person is exempt.")


class RecordForm(FlaskForm):
    """A form on the training record. The fields named in ``filled_in`` are the ones the
    person types; their messages say what is missing. Any other error (the CSRF token, a
    choice the page does not offer) means the request did not come from the page."""

    filled_in: tuple[str, ...] = ()

    def message(self) -> str | None:
        """After a failed validation: what to tell the person, or None when the request is
        not one the page sends (the view answers 400)."""
        if not self.errors or set(self.errors) - set(self.filled_in):
            return None
        return str(next(iter(self.errors.values()))[0])


class ExtensionForm(RecordForm):
    filled_in = ("due", "reason")
    due = DayField(_l("New due date"), validators=[DataRequired(DUE_AND_REASON)],
                   message=DUE_AND_REASON)
    reason = StringField(_l("Reason"), validators=[DataRequired(DUE_AND_REASON),
                                                   AtMost(1000, _l("The reason"))])


class CertificateReasonForm(RecordForm):
    """Revoking or reinstating a certificate: the reason goes into the person's history."""

    filled_in = ("reason",)
    reason = StringField(_l("Reason"), validators=[DataRequired(REASON_KEPT),
                                                   AtMost(2000, _l("The reason"))])


class AwardForm(RecordForm):
    """An award granted outside the platform, or an exemption, with its evidence."""

    filled_in = ("note",)
    track = StringField(_l("Track"), filters=[as_text])  # any track's slug: the view loads it (400 when unknown)
    source = SelectField(_l("Kind"), choices=[
        SelectChoice(CertificateSource.EXTERNAL.value, _l("Granted outside the platform")),
        SelectChoice(CertificateSource.EXEMPTION.value, _l("Exemption"))])
    note = TextAreaField(_l("Evidence"), validators=[DataRequired(EVIDENCE),
                                                     AtMost(2000, _l("The evidence"))])
