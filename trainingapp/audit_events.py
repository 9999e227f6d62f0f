"""What each audit event is called and how its details read, in the reader's language: one
registry (``AUDIT_EVENTS``) for the audit log, its export and the training record. An
event's details are a sentence built from the row's ``detail`` and the names it mentions
(``queries.titles.Names``); an event the registry does not know still reads as words."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.lists import format_list
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_babel.speaklater import LazyString

from trainingapp.i18n import current_language, moment, text_in
from trainingapp.models import AuditEvent
from trainingapp.queries.titles import ASSIGNABLE, Names
from trainingapp.wording import ROLE_NAMES, assigned_what, certificate_name, stored_day

Detail = Mapping[str, Any]


def _nothing(detail: Detail, names: Names) -> str:
    return ""


@dataclass(frozen=True)
class EventWording:
    phrase: LazyString
    details: Callable[[Detail, Names], str] = _nothing


# Detail keys that name something, and the kind of name each is (``Names``).
REFERENCES = {"track": "track", "module": "module", "scenario": "call", "certificate":
              "certificate", "attempt": "attempt", "run": "run", "assignment": "assignment",
              "team": "team", "position": "position"}
# Events whose ``code`` is a team's or a position's.
CODE_NAMES = {"team_created": "team", "position_created": "position"}
# Events that list people by employee number.
PEOPLE_LISTS = ("added", "removed")


def wants(event: AuditEvent, names: Names) -> None:
    """Tell ``names`` what this event's wording will look up."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    names.want("person", event.actor_id)
    names.want("person", event.subject_user_id)
    for key, kind in REFERENCES.items():
        names.want(kind, detail.get(key))
    if event.action in ("assigned", "assignment_changed"):
        names.want(ASSIGNABLE.get(str(detail.get("kind")), "track"), detail.get("target"))
    for key in PEOPLE_LISTS:
        for number in detail.get(key) if isinstance(detail.get(key), list) else ():
            names.want("person_no", number)
    if event.action in CODE_NAMES:
        names.want(CODE_NAMES[event.action], detail.get("code"))


# -- pieces of sentences ------------------------------------------------------------------

def person(names: Names, user_id: int | None) -> str:
    """"Li Na (T0001)"; "the system" when nobody acted."""
    if user_id is None:
        return _("the system")
    found = names.get("person", user_id)
    if found is None:
        return _("a person no longer on record")
    return _("%(name)s (%(number)s)", name=found[0], number=found[1])


def _title(names: Names, kind: str, key: Any) -> str | None:
    found = names.get(kind, key)
    return text_in(found) if isinstance(found, dict) else None


def _percent(value: Any) -> str:
    return f"{float(value):.0f}%" if isinstance(value, int | float) else ""


def _outcome(detail: Detail) -> str:
    """"Passed with 85%" / "Not passed (62%)"."""
    score = _percent(detail.get("score"))
    passed = detail.get("passed")
    if passed is True:
        return _("Passed with %(score)s", score=score) if score else _("Passed")
    if passed is False:
        return _("Not passed (%(score)s)", score=score) if score else _("Not passed")
    return _("Scored %(score)s", score=score) if score else ""


def _about(what: str | None, sentence: str) -> str:
    """"Service etiquette: passed with 85%"; the sentence alone when there is no what."""
    if not what:
        return sentence
    if not sentence:
        return what
    return _("%(what)s: %(detail)s", what=what, detail=sentence)


def _joined(parts: Iterable[str]) -> str:
    return _("; ").join(p for p in parts if p)


def _listed(items: Iterable[str]) -> str:
    return format_list(list(items), locale=current_language())


def _module_of(detail: Detail, names: Names) -> str | None:
    slug = detail.get("module") or names.get("attempt", detail.get("attempt"))
    return _title(names, "module", slug)


def _call_of(detail: Detail, names: Names) -> str | None:
    slug = detail.get("scenario") or names.get("run", detail.get("run"))
    return _title(names, "call", slug)


def _certificate(detail: Detail, names: Names) -> str:
    """The certificate by its track's title and its code, from what the row holds."""
    found = names.get("certificate", detail.get("certificate"))
    code = detail.get("code") or (found[0] if found else None)
    slug = detail.get("track") or (found[1] if found else None)
    track = names.get("track", slug)
    if code:
        return certificate_name(code, track)
    return _title(names, "track", slug) or _("a certificate")


def _roles(values: Any) -> str:
    if not isinstance(values, list | tuple):
        return ""
    return _listed(str(ROLE_NAMES[v]) if v in ROLE_NAMES else _words(str(v))
                   for v in values)


# -- the details of each event ------------------------------------------------------------

def _quiz_started(d: Detail, names: Names) -> str:
    number = d.get("number")
    attempt = _("attempt %(number)s", number=number) if isinstance(number, int) else ""
    return _about(_module_of(d, names), attempt)


def _quiz_finished(d: Detail, names: Names) -> str:
    return _about(_module_of(d, names), _outcome(d))


def _quiz_regraded(d: Detail, names: Names) -> str:
    before, after = _percent(d.get("score_before")), _percent(d.get("score_after"))
    change = _("score %(before)s → %(after)s", before=before, after=after) if before else ""
    passed = ""
    if d.get("passed_before") is not True and d.get("passed_after") is True:
        passed = _("now passed")
    elif d.get("passed_before") is True and d.get("passed_after") is False:
        passed = _("no longer passed")
    return _about(_module_of(d, names), _joined((change, passed)))


def _call_finished(d: Detail, names: Names) -> str:
    critical = d.get("critical")
    errors = (ngettext("%(num)d critical error", "%(num)d critical errors", len(critical))
              if isinstance(critical, list) and critical else "")
    return _about(_call_of(d, names), _joined((_outcome(d), errors)))


ORIGINS = {"onboarding": _l("on hiring"), "position": _l("on a change of position")}


def _assigned(d: Detail, names: Names) -> str:
    what = assigned_what(d.get("kind"), d.get("target"), names)
    due = stored_day(d.get("due") or d.get("due_at") or d.get("due_on"))
    sentence = _("%(what)s, due %(due)s", what=what, due=due) if due else what
    origin = ORIGINS.get(str(d.get("origin")))
    return _("%(what)s (%(origin)s)", what=sentence, origin=origin) if origin else sentence


def _due_date_moved(d: Detail, names: Names) -> str:
    found = names.get("assignment", d.get("assignment"))
    what = assigned_what(found[0], found[1], names) if found else None
    before, after = stored_day(d.get("previous")), stored_day(d.get("new"))
    reason = str(d.get("reason") or "")
    moved = (_("Due date of %(what)s moved from %(before)s to %(after)s", what=what,
               before=before, after=after) if what else
             _("Due date moved from %(before)s to %(after)s", before=before, after=after))
    return _("%(change)s: %(reason)s", change=moved, reason=reason) if reason else moved


def _assignment_changed(d: Detail, names: Names) -> str:
    what = assigned_what(d.get("kind"), d.get("target"), names)
    before, after = stored_day(d.get("previous_due")), stored_day(d.get("due"))
    note, previous_note = str(d.get("note") or ""), str(d.get("previous_note") or "")
    return _about(what, _joined((
        _("due date moved from %(before)s to %(after)s", before=before, after=after)
        if before != after else "",
        (_("note: %(note)s", note=note) if note else _("note removed"))
        if note != previous_note else "")))


def _certificate_awarded(d: Detail, names: Names) -> str:
    start, end = stored_day(d.get("valid_from")), stored_day(d.get("expires_at"))
    if start and end:
        valid = _("valid %(start)s – %(end)s", start=start, end=end)
    elif start:
        valid = _("valid from %(start)s, no expiry", start=start)
    else:
        valid = ""
    return _about(_certificate(d, names), valid)


def _certificate_with_note(d: Detail, names: Names) -> str:
    return _about(_certificate(d, names), str(d.get("note") or d.get("reason") or ""))


def _roles_changed(d: Detail, names: Names) -> str:
    before = set(d.get("before") or ()) if isinstance(d.get("before"), list) else set()
    after = set(d.get("after") or ()) if isinstance(d.get("after"), list) else set()
    granted, withdrawn = sorted(after - before), sorted(before - after)
    return _joined((
        _("Roles granted: %(roles)s", roles=_roles(granted)) if granted else "",
        _("Roles withdrawn: %(roles)s", roles=_roles(withdrawn)) if withdrawn else "",
    )) or _("No change")


def _user_created(d: Detail, names: Names) -> str:
    roles = d.get("roles")
    return _joined((
        _("Roles: %(roles)s", roles=_roles(roles)) if isinstance(roles, list) and roles else "",
        _("Created with generated data") if d.get("generated") is True else "",
    ))


FIELDS = {"full_name": _l("name"), "email": _l("e-mail address"), "team": _l("team"),
          "position": _l("position"), "hire_date": _l("hire date"), "language": _l("language"),
          "site": _l("site")}


def _user_updated(d: Detail, names: Names) -> str:
    fields = d.get("fields")
    if not isinstance(fields, list) or not fields:
        return ""
    return _("Changed: %(fields)s", fields=_listed(
        str(FIELDS[f]) if f in FIELDS else _words(str(f)) for f in fields))


def _team(d: Detail, names: Names) -> str:
    return _unit_name("team", d, names) or _("a team no longer on record")


def _unit_name(kind: str, d: Detail, names: Names) -> str:
    """A team's or a position's name as it is now (else as the row recorded it), in the
    reader's language (a team without a Chinese name: its English one)."""
    found = names.get(kind, d.get(kind) or d.get("code"))
    en, zh = found if found else (d.get("name_en") or d.get("name"), d.get("name_zh"))
    return str((zh if current_language() == "zh" and zh else en) or "")


def _unit(kind: str) -> Callable[[Detail, Names], str]:
    def sentence(d: Detail, names: Names) -> str:
        return _unit_name(kind, d, names)
    return sentence


UNIT_FIELDS = {"name": _l("English name"), "name_en": _l("English name"),
               "name_zh": _l("Chinese name"), "site": _l("site")}


def _unit_changed(kind: str) -> Callable[[Detail, Names], str]:
    """"Hotline team 1: English name “Hotline 1” → “Hotline team 1”"."""
    def sentence(d: Detail, names: Names) -> str:
        before = d.get("before") if isinstance(d.get("before"), dict) else {}
        after = d.get("after") if isinstance(d.get("after"), dict) else {}
        return _about(_unit_name(kind, d, names), _joined(
            _("%(field)s “%(before)s” → “%(after)s”",
              field=UNIT_FIELDS[f] if f in UNIT_FIELDS else _words(f),
              before=before.get(f) or "", after=after.get(f) or "")
            for f in sorted(set(before) | set(after))))
    return sentence


def _people(names: Names, numbers: Any) -> str:
    if not isinstance(numbers, list):
        return ""
    return _listed(_("%(name)s (%(number)s)", name=found[0], number=found[1])
                   if (found := names.get("person_no", n)) else str(n) for n in numbers)


def _supervisors_changed(d: Detail, names: Names) -> str:
    added, removed = _people(names, d.get("added")), _people(names, d.get("removed"))
    return _about(_team(d, names), _joined((
        _("supervisors added: %(people)s", people=added) if added else "",
        _("supervisors removed: %(people)s", people=removed) if removed else "")))


def _login_failed(d: Detail, names: Names) -> str:
    number = d.get("employee_no")
    return _("Employee number entered: %(number)s", number=number) if number else ""


def _evaluation(d: Detail, names: Names) -> str:
    return _("%(period)s: colleague evaluation %(colleague)s/5, work performance "
             "%(performance)s/5", period=d.get("period", ""), colleague=d.get("colleague", "–"),
             performance=d.get("performance", "–"))


def _rows(d: Detail) -> int:
    rows = d.get("rows")
    return rows if isinstance(rows, int) else 0


def _file_rows(d: Detail, names: Names) -> str:
    return ngettext("%(num)d row from %(file)s", "%(num)d rows from %(file)s", _rows(d),
                    file=d.get("file") or _("a file"))


def _staff_imported(d: Detail, names: Names) -> str:
    counts = _("From %(file)s: %(created)s new, %(updated)s updated, %(unchanged)s unchanged",
               file=d.get("file") or _("a file"), created=d.get("created", 0),
               updated=d.get("updated", 0), unchanged=d.get("unchanged", 0))
    teams = d.get("new_teams")
    return _joined((counts, ngettext("%(num)d new team", "%(num)d new teams", teams)
                    if isinstance(teams, int) and teams else ""))


def _matrix_exported(d: Detail, names: Names) -> str:
    return ngettext("%(num)d row as %(format)s", "%(num)d rows as %(format)s", _rows(d),
                    format=str(d.get("format") or "csv").upper())


def _audit_exported(d: Detail, names: Names) -> str:
    event = d.get("event")
    return _joined((
        ngettext("%(num)d event", "%(num)d events", _rows(d)),
        _("event: %(event)s", event=phrase(event)) if event else "",
        _("employee number: %(number)s", number=d.get("person")) if d.get("person") else "",
    ))


SCOPES = {"clearance:read": _l("read clearance")}


def _token(d: Detail, names: Names) -> str:
    scopes = d.get("scopes")
    named = _("“%(name)s”", name=d.get("token", ""))
    if not isinstance(scopes, list) or not scopes:
        return named
    return _("%(token)s, may %(scopes)s", token=named, scopes=_listed(
        str(SCOPES[s]) if s in SCOPES else _words(str(s)) for s in scopes))


AUDIT_EVENTS: dict[str, EventWording] = {
    "login": EventWording(_l("Signed in")),
    "login_failed": EventWording(_l("Sign-in refused"), _login_failed),
    "logout": EventWording(_l("Signed out")),
    "logout_everywhere": EventWording(_l("Signed out on every device")),
    "password_changed": EventWording(_l("Password changed")),
    "password_reset_link": EventWording(_l("One-time password link made")),
    "user_created": EventWording(_l("Person added"), _user_created),
    "user_updated": EventWording(_l("Person's details changed"), _user_updated),
    "user_deactivated": EventWording(_l("Person deactivated")),
    "user_reactivated": EventWording(_l("Person reactivated")),
    "roles_changed": EventWording(_l("Roles changed"), _roles_changed),
    "supervisor_assigned": EventWording(_l("Made supervisor of a team"), _team),
    "team_created": EventWording(_l("Team created"), _unit("team")),
    "team_updated": EventWording(_l("Team renamed or moved"), _unit_changed("team")),
    "team_deactivated": EventWording(_l("Team deactivated"), _unit("team")),
    "team_reactivated": EventWording(_l("Team reactivated"), _unit("team")),
    "team_supervisors_changed": EventWording(_l("Team's supervisors changed"),
                                             _supervisors_changed),
    "position_created": EventWording(_l("Position created"), _unit("position")),
    "position_updated": EventWording(_l("Position renamed"), _unit_changed("position")),
    "position_deactivated": EventWording(_l("Position deactivated"), _unit("position")),
    "position_reactivated": EventWording(_l("Position reactivated"), _unit("position")),
    "staff_imported": EventWording(_l("Staff imported"), _staff_imported),
    "quiz_started": EventWording(_l("Quiz started"), _quiz_started),
    "quiz_submitted": EventWording(_l("Quiz handed in"), _quiz_finished),
    "quiz_expired": EventWording(_l("Quiz closed when time ran out"), _quiz_finished),
    "quiz_regraded": EventWording(_l("Quiz regraded"), _quiz_regraded),
    "question_report_resolved": EventWording(_l("Report on a question resolved")),
    "call_started": EventWording(_l("Practice call started"),
                                 lambda d, names: _call_of(d, names) or ""),
    "call_finished": EventWording(_l("Practice call finished"), _call_finished),
    "observation_recorded": EventWording(_l("Call observed"),
                                         lambda d, names: _outcome(d)),
    "evaluation_recorded": EventWording(_l("Evaluation recorded"), _evaluation),
    "satisfaction_imported": EventWording(_l("Customer satisfaction imported"), _file_rows),
    "assigned": EventWording(_l("Training assigned"), _assigned),
    "due_date_extended": EventWording(_l("Due date moved"), _due_date_moved),
    "assignment_changed": EventWording(_l("Assignment changed"), _assignment_changed),
    "certificate_awarded": EventWording(_l("Certificate awarded"), _certificate_awarded),
    "certificate_renewed": EventWording(_l("Certificate renewed"), _certificate_awarded),
    "certificate_external": EventWording(_l("Award made elsewhere recorded"),
                                         _certificate_with_note),
    "certificate_exemption": EventWording(_l("Exemption recorded"), _certificate_with_note),
    "certificate_revoked": EventWording(_l("Certificate revoked"), _certificate_with_note),
    "certificate_reinstated": EventWording(_l("Certificate reinstated"),
                                           _certificate_with_note),
    "matrix_exported": EventWording(_l("Certification matrix exported"), _matrix_exported),
    "audit_exported": EventWording(_l("Audit log exported"), _audit_exported),
    "api_token_created": EventWording(_l("API token created"), _token),
    "api_token_revoked": EventWording(_l("API token revoked"), _token),
}
OTHER_EVENT = _l("Other event")


def phrase(action: Any) -> str:
    wording = AUDIT_EVENTS.get(action) if isinstance(action, str) else None
    return str(wording.phrase if wording else OTHER_EVENT)


def details(event: AuditEvent, names: Names) -> str:
    """The event's details as a sentence; an event the registry does not know lists its
    values in words (never a repr, a key with underscores or a UTC timestamp)."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    wording = AUDIT_EVENTS.get(event.action)
    if wording is not None:
        try:
            return wording.details(detail, names)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # a row written in an older shape: its values, in words
    return _joined(_("%(what)s: %(value)s", what=_words(str(k)), value=_value(v))
                   for k, v in sorted(detail.items()) if _value(v))


def _words(key: str) -> str:
    return key.replace("_", " ").replace(":", " ").strip()


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None:
        return ""
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, list | tuple):
        return _listed(v for v in map(_value, value) if v)
    if isinstance(value, dict):
        return _joined(_("%(what)s: %(value)s", what=_words(str(k)), value=_value(v))
                       for k, v in sorted(value.items()) if _value(v))
    text = str(value)
    if len(text) >= 19 and text[4:5] == "-" and text[10:11] == "T":
        try:
            return moment(datetime.fromisoformat(text))
        except ValueError:
            return text
    if len(text) == 10 and text[4:5] == "-":
        try:
            return stored_day(date.fromisoformat(text))
        except ValueError:
            return text
    return text
