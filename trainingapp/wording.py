"""What the product says for its own codes, in the reader's language: shared by pages,
e-mails and commands, so that each is worded once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from babel.lists import format_list
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainingapp.caches import process_cache
from trainingapp.extensions import db
from trainingapp.i18n import current_language, day, text_in
from trainingapp.models import Notification, Role
from trainingapp.queries.titles import ASSIGNABLE, Names
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


ROLE_NAMES = {
    Role.TRAINEE: _l("Trainee"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.HR: _l("HR"),
    Role.ADMIN: _l("Administrator"),
}

# What an assignment gives, by its kind: "Service etiquette (learning module)".
ASSIGNED_KINDS = {"module": _l("learning module"), "scenario": _l("practice call"),
                  "track": _l("certification track")}


def stored_day(value: object) -> str:
    """A day as stored in an event or a message: an ISO date ("2026-12-15") is that date,
    an ISO moment its local date; "" for anything else."""
    if isinstance(value, date):
        return day(value)
    if not isinstance(value, str):
        return ""
    try:
        return day(date.fromisoformat(value) if len(value) == 10
                   else datetime.fromisoformat(value))
    except ValueError:
        return ""


def assigned_what(kind: object, target: object, names: Names) -> str:
    """"Service etiquette (learning module)": the title and the kind, in this language."""
    title = names.get(ASSIGNABLE.get(str(kind), "track"), target)
    label = ASSIGNED_KINDS.get(str(kind))
    if title is None:
        return str(label) if label else _("training")
    text = text_in(title)
    return _("%(title)s (%(kind)s)", title=text, kind=label) if label else text


def certificate_name(code: object, track: dict[str, str] | None) -> str:
    """"Hotline agent certification (K7M2P9QX4TRW)": the track's title and the
    certificate's code ("certificate K7M2P9QX4TRW" when the track is not known)."""
    if track is None:
        return _("certificate %(number)s", number=code or "")
    return _("%(title)s (%(number)s)", title=text_in(track), number=code or "")


TEXTS = {
    "assigned": _l("New training assigned to you: %(what)s, due %(due)s."),
    "due_soon": _l("Due soon: %(what)s, by %(due)s."),
    "overdue": _l("Overdue: %(what)s was due %(due)s."),
    "window_open": _l("The renewal window of your %(certificate)s is open."),
    "expiring_30": _l("Your %(certificate)s expires within 30 days, on %(expires)s."),
    "expiring_7": _l("Your %(certificate)s expires within 7 days, on %(expires)s."),
    "expired": _l("Your %(certificate)s has expired: you are not cleared for that track."),
    "revoked": _l("Your %(certificate)s was revoked: %(reason)s"),
}
OTHER_NOTICE = _l("A message about your training.")


def names_for(notes: Iterable[Notification]) -> Names:
    """What these notifications mention, looked up together."""
    names = Names()
    for note in notes:
        detail = note.detail or {}
        names.want(ASSIGNABLE.get(str(detail.get("kind")), "track"), detail.get("target"))
        names.want("certificate_code", detail.get("certificate"))
    return names.load()


class _Values:
    """A message's values, worded when the message is formatted (so in its language)."""

    def __init__(self, note: Notification, names: Names) -> None:
        self.detail, self.names = note.detail or {}, names

    def __getitem__(self, key: str) -> str:
        detail, names = self.detail, self.names
        if key == "what":
            return assigned_what(detail.get("kind"), detail.get("target"), names)
        if key in ("due", "expires"):
            return stored_day(detail.get(key))
        if key == "certificate":
            code = detail.get("certificate")
            return certificate_name(code, names.get("track", names.get("certificate_code", code)))
        return str(detail.get(key) or "")


def text_for(note: Notification, language: str | None = None,
             names: Names | None = None) -> str:
    """The message in ``language`` (the page's when None), naming what it is about by its
    title; ``names`` from ``names_for`` when a list is shown (else looked up for this one)."""
    values = _Values(note, names if names is not None else names_for([note]))
    template = TEXTS.get(note.kind, OTHER_NOTICE)
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
        return _("Module quiz: %(title)s — not passed yet", title=_title(key, names))
    if kind == "scenario":
        return _("Practice call: %(title)s — not passed yet", title=_title(key, names))
    if kind == "scenarios":
        count, _sep, slugs = key.partition(" more of ")
        # Quoted: titles have commas and colons of their own.
        titles = format_list([_("“%(title)s”", title=_title(s, names))
                              for s in slugs.split(",") if s],
                             style="or", locale=current_language())
        return ngettext("Practice calls: %(num)d more of %(titles)s",
                        "Practice calls: %(num)d more of %(titles)s",
                        int(count) if count.isdigit() else 1, titles=titles)
    if kind == "observation":
        return _("An observed call by a supervisor")
    return _("Another requirement of the track")


def status_sentence(decision: Decision) -> str:
    """The status with the date that matters: "Expired on Dec 15, 2026", "Revoked"."""
    if decision.until is not None:
        if decision.status == Status.EXPIRED:
            return _("Expired on %(date)s", date=day(decision.until))
        if decision.status == Status.RENEWAL_DUE:
            return _("Renewal due: valid until %(date)s", date=day(decision.until))
        if decision.status == Status.CERTIFIED:
            return _("Certified until %(date)s", date=day(decision.until))
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
            sentences += [_("%(track)s: %(status)s", track=text_in(track.title),
                                  status=first), *missing]
    return sentences
