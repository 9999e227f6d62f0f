"""The assign form, shared by supervisors (their team) and HR (a position or team)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import flash, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from trainingapp import unit_of_work
from trainingapp.models import User
from trainingapp.services import assignments


def assign_from_form(chosen: Sequence[User], nobody: str) -> list[str]:
    """Assign what the submitted form names to ``chosen``; commits and flashes on success.
    Returns the problems to show with the form (empty when it worked)."""
    kind, _sep, target = request.form.get("what", "").partition(":")
    due = assignments.parse_due(request.form.get("due", ""))
    errors = []
    if not chosen:
        errors.append(nobody)
    if due is None:
        errors.append(_("Give the due date as YYYY-MM-DD."))
    if errors:
        return errors
    try:
        count = assignments.assign(current_user, chosen, kind, target, due,
                                   request.form.get("note", "")[:1000])
    except assignments.AssignmentError:
        return [_("Choose what to assign.")]
    unit_of_work.commit()
    flash(ngettext("Assigned to %(num)d person.", "Assigned to %(num)d people.", count),
          "success")
    return []
