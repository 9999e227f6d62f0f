"""What the product says for its own codes, in the reader's language: shared by pages,
e-mails and commands, so that each is worded once."""

from __future__ import annotations

from collections.abc import Mapping

from babel.lists import format_list
from flask_babel import force_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from trainingapp.caches import process_cache
from trainingapp.extensions import db
from trainingapp.i18n import current_language, day, text_in
from trainingapp.models import Notification
from trainingapp.rules.certification import Decision, Status
from trainingapp.rules.passwords import MAX_LENGTH, MIN_LENGTH, PolicyViolation
from trainingapp.services import certification

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


# --- why someone is not cleared, in words -----------------------------------------------------
# A decision's status and the codes of what it still misses ("module:<slug>",
# "scenario:<slug>", "scenarios:<n> more of <slugs>", "observation") as sentences, each
# requirement named by its title: the roster and its export, the training record, the team
# page, the certification page, the API and the command line all say them the same way.

STATUS_LABELS = {
    Status.NOT_STARTED: _l("Not started"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.CERTIFIED: _l("Certified"),
    Status.RENEWAL_DUE: _l("Renewal due"),
    Status.EXPIRED: _l("Expired"),
    Status.REVOKED: _l("Revoked"),
}


def status_label(status: Status | str) -> str:
    """A track status in a word or two: "Renewal due"."""
    return str(STATUS_LABELS[Status(status)])


def requirement_titles() -> dict[str, dict[str, str]]:
    """The bilingual titles of modules and calls by slug. Content changes only at a sync,
    so each process keeps them as long as it keeps the tracks that name them."""
    return process_cache.get(str(db.engine.url), ("requirement_titles", None),
                             certification.requirement_names,
                             max_age=certification.TRACK_CACHE_SECONDS)


def _title(slug: str, names: Mapping[str, dict[str, str]]) -> str:
    # A requirement whose content is gone (retired since) still reads as words.
    return text_in(names.get(slug)) or slug.replace("-", " ").capitalize()


def requirement_sentence(code: str, names: Mapping[str, dict[str, str]] | None = None) -> str:
    """What one missing code asks for: "Module quiz: Service etiquette — not passed yet"."""
    names = requirement_titles() if names is None else names
    kind, _sep, key = code.partition(":")
    if kind == "module":
        return gettext("Module quiz: %(title)s — not passed yet", title=_title(key, names))
    if kind == "scenario":
        return gettext("Practice call: %(title)s — not passed yet", title=_title(key, names))
    if kind == "scenarios":
        count, _sep, slugs = key.partition(" more of ")
        # Quoted: titles have commas and colons of their own.
        titles = format_list([gettext("“%(title)s”", title=_title(s, names))
                              for s in slugs.split(",") if s],
                             style="or", locale=current_language())
        return ngettext("Practice calls: %(num)d more of %(titles)s",
                        "Practice calls: %(num)d more of %(titles)s",
                        int(count) if count.isdigit() else 1, titles=titles)
    if kind == "observation":
        return gettext("An observed call by a supervisor")
    return gettext("Another requirement of the track")


def status_sentence(decision: Decision) -> str:
    """The status with the date that matters: "Expired on Dec 15, 2026", "Revoked"."""
    if decision.until is not None:
        if decision.status == Status.EXPIRED:
            return gettext("Expired on %(date)s", date=day(decision.until))
        if decision.status == Status.RENEWAL_DUE:
            return gettext("Renewal due: valid until %(date)s", date=day(decision.until))
        if decision.status == Status.CERTIFIED:
            return gettext("Certified until %(date)s", date=day(decision.until))
    return status_label(decision.status)


def reasons(decision: Decision, names: Mapping[str, dict[str, str]] | None = None,
            language: str | None = None) -> list[str]:
    """A track's decision as sentences in ``language`` (the page's when None): its status
    in words, then each requirement still missing, named by its title."""
    if language is not None:
        with force_locale(language):
            return reasons(decision, names)
    if decision.missing and names is None:
        names = requirement_titles()
    return [status_sentence(decision),
            *(requirement_sentence(code, names) for code in decision.missing)]


def why_not(status: certification.PersonStatus,
            names: Mapping[str, dict[str, str]] | None = None) -> list[str]:
    """Why a person is not cleared: for each required track not valid, its title and
    status, then what it still misses (``reasons``)."""
    sentences = []
    for slug, track in sorted(status.tracks.items(), key=lambda item: text_in(item[1].title)):
        decision = status.clearance.tracks[slug]
        if not decision.is_valid:
            first, *missing = reasons(decision, names)
            sentences += [gettext("%(track)s: %(status)s", track=text_in(track.title),
                                  status=first), *missing]
    return sentences
