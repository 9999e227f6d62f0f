"""What the product says for its own codes, in the reader's language: shared by pages,
e-mails and commands, so that each is worded once."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from trainingapp.models import Notification
from trainingapp.rules.passwords import MAX_LENGTH, MIN_LENGTH, PolicyViolation

POLICY_MESSAGES = {
    PolicyViolation.TOO_SHORT: _l("The password must have at least %(n)d characters.", n=MIN_LENGTH),
    PolicyViolation.TOO_LONG: _l("The password may have at most %(n)d characters.", n=MAX_LENGTH),
    PolicyViolation.TOO_COMMON: _l(
        "This password is one of the most common ones and easy to guess. Choose another."
    ),
    PolicyViolation.SAME_AS_LOGIN: _l("The password must not contain your employee number."),
}


TEXTS = {
    "assigned": _l("New training assigned to you: %(what)s, due %(due)s."),
    "due_soon": _l("Due soon: %(what)s, by %(due)s."),
    "overdue": _l("Overdue: %(what)s was due %(due)s."),
    "window_open": _l("The renewal window of certificate %(code)s is open."),
    "expiring_30": _l("Certificate %(code)s expires within 30 days (%(expires)s)."),
    "expiring_7": _l("Certificate %(code)s expires within 7 days (%(expires)s)."),
    "expired": _l("Certificate %(code)s has expired: you are not cleared for that track."),
    "revoked": _l("Certificate %(code)s was revoked: %(reason)s"),
}


def text_for(note: Notification, language: str | None = None) -> str:
    """The message in ``language`` (the page's when None)."""
    detail = note.detail or {}
    values = {"what": f"{detail.get('kind', '')} {detail.get('target', '')}".strip(),
              "due": (detail.get("due") or "")[:10], "code": detail.get("certificate", ""),
              "expires": (detail.get("expires") or "")[:10], "reason": detail.get("reason", "")}
    template = TEXTS.get(note.kind)
    if template is None:
        return note.kind
    if language is None:
        return str(template) % values
    with force_locale(language):
        return str(template) % values
