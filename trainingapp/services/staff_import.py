"""Bulk import of staff from CSV or XLSX: parse → plan (every row's outcome) → apply all
or nothing. Importing the same file again changes nothing.

People write what they see on the pages: a position or a team by its code or by its name
in either language, the column headers in either language (or the machine keys), case and
spacing as they come. Every outcome and error is worded for the reader, naming the row and
the column by its header as written in the file."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any

from babel.lists import format_list
from email_validator import EmailNotValidError, validate_email
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainingapp import uploads
from trainingapp.extensions import db
from trainingapp.models import ImportBatch, Position, Team, User
from trainingapp.models.user import NAME_LENGTH
from trainingapp.services import accounts, audit

MAX_ROWS = 20_000

# The columns, in their order, with the headers of the template in English and Chinese.
COLUMNS = {
    "employee_no": ("Employee number", "工号"),
    "full_name": ("Name", "姓名"),
    "email": ("Email", "邮箱"),
    "position": ("Position", "岗位"),
    "team": ("Team", "班组"),
    "supervisor": ("Team supervisor", "班组长"),
    "hire_date": ("Hire date", "入职日期"),
    "language": ("Language", "语言"),
}
# What each column takes, for the import page.
COLUMN_HELP = {
    "employee_no": _l("Required. Letters, digits and hyphens, at most 32."),
    "full_name": _l("Required. At most 120 characters."),
    "email": _l("Optional. An empty cell keeps the address the person has."),
    "position": _l("A position's name in English or Chinese, or its code."),
    "team": _l("A team's name in English or Chinese, or its code. A team not known yet is "
               "created when you import."),
    "supervisor": _l("The employee number of a supervisor of this row's team (the person of "
                     "this row or another)."),
    "hire_date": _l("A date such as %(example)s."),  # the example shown as code
    "language": _l("English or Chinese (en or zh); empty is English for new people."),
}
OTHER_NAMES = {  # more headers people use, besides the ones above and the machine keys
    "employee no": "employee_no", "employee": "employee_no",
    "full name": "full_name", "姓名全称": "full_name",
    "e-mail": "email", "电子邮箱": "email", "邮件": "email",
    "job": "position", "职位": "position",
    "班组名称": "team", "团队": "team",
    "supervisor": "supervisor", "班组长工号": "supervisor", "主管": "supervisor",
    "入职时间": "hire_date",
}
REQUIRED = ("employee_no", "full_name")
LANGUAGES = {"en": "en", "english": "en", "英文": "en", "英语": "en",
             "zh": "zh", "chinese": "zh", "中文": "zh", "简体中文": "zh", "zh-cn": "zh",
             "zh-hans": "zh"}
# The outcome of a row, as the preview and the command line say it.
OUTCOMES = {"create": _l("New"), "update": _l("Updated"), "unchanged": _l("Unchanged"),
            "error": _l("Error")}
_CJK = re.compile(r"[\u3400-\u9fff]")


def header_key(text: str) -> str:
    """A header or a name as compared: case, spacing and underscores ignored."""
    return " ".join(str(text).replace("_", " ").split()).casefold()


def _key(text: str) -> str:
    """A position or team as compared: case and spacing ignored."""
    return " ".join(str(text).split()).casefold()


HEADERS = {header_key(name): key for key, names in COLUMNS.items()
           for name in (key, *names)} | {header_key(k): v for k, v in OTHER_NAMES.items()}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (type, encoding, header)."""


@dataclass
class Sheet:
    """The rows of a file as {field: text, "_line": n}, and each field's header as the
    file wrote it."""

    rows: list[dict[str, Any]]
    columns: dict[str, str] = field(default_factory=dict)


# --- reading ------------------------------------------------------------------------------


def read_rows(filename: str, data: bytes) -> Sheet:
    """The staff rows of a .csv or .xlsx file."""
    return read_sheet(filename, data, HEADERS, REQUIRED, labels=_labels(None))


def read_table(filename: str, data: bytes, headers: dict[str, str],
               required: Sequence[str]) -> list[dict[str, Any]]:
    """Rows as {field: text, "_line": n} from a .csv or .xlsx file whose first row names
    the columns (``headers`` maps the names people use to fields)."""
    return read_sheet(filename, data, headers, required).rows


def read_sheet(filename: str, data: bytes, headers: dict[str, str], required: Sequence[str],
               labels: dict[str, str] | None = None) -> Sheet:
    """As ``read_table``, with the headers as written; headers are compared ignoring case
    and spacing. ``labels`` name the required columns in the messages."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        try:
            table = uploads.xlsx_rows(data)
        except uploads.Unreadable:
            raise ImportFileError(_("%(file)s cannot be read as an XLSX workbook.",
                                    file=filename)) from None
    elif suffix in (".csv", ".txt"):
        try:
            text = uploads.text_of(data)
        except uploads.Unreadable:
            raise ImportFileError(_("%(file)s is not text in UTF-8 or GB18030: save it as "
                                    "CSV (UTF-8) and upload it again.", file=filename)) from None
        table = list(csv.reader(io.StringIO(text)))
    else:
        raise ImportFileError(_("%(file)s is not a spreadsheet: upload a .csv or .xlsx file.",
                                file=filename))
    if not table:
        raise ImportFileError(_("%(file)s is empty.", file=filename))
    known = {header_key(name): key for name, key in headers.items()}
    header = [known.get(header_key(h)) for h in table[0]]
    missing = [f for f in required if f not in header]
    if missing:
        names = [str((labels or {}).get(f, f)) for f in missing]
        found = [h.strip() for h in table[0] if h.strip()]
        raise ImportFileError(_("Row 1 of %(file)s needs the columns %(needed)s (it has: "
                                "%(found)s).", file=filename, needed=_list(names),
                                found=_list(found) if found else "–"))
    columns: dict[str, str] = {}
    for name, key in zip(table[0], header, strict=False):
        if key:
            columns.setdefault(key, name.strip())
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        row = {name: cells[i].strip() for i, name in enumerate(header)
               if name and i < len(cells)}
        row["_line"] = number
        rows.append(row)
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("%(file)s has %(n)d rows; import at most %(max)d at a time.",
                                file=filename, n=len(rows), max=MAX_ROWS))
    return Sheet(rows, columns)


def _list(items: Sequence[str], language: str | None = None) -> str:
    return format_list(list(items), locale=language or str(get_locale() or "en"))


def _labels(language: str | None) -> dict[str, str]:
    """Each column's header in ``language`` (the reader's when None)."""
    if language is None:
        language = str(get_locale() or "en")
    index = 1 if language.startswith("zh") else 0
    return {key: names[index] for key, names in COLUMNS.items()}


def names_of(units: Iterable[Position | Team], language: str) -> str:
    """The active units' names in ``language``, as a list in words ("–" for none)."""
    names = sorted({unit.name_in(language) for unit in units if unit.is_active}, key=str.casefold)
    return _list(names, language) if names else "–"


def template(language: str) -> list[list[str]]:
    """The template to fill in: the header row in ``language``."""
    return [list(_labels(language).values())]


# --- planning -----------------------------------------------------------------------------


@dataclass
class RowPlan:
    line: int  # the row's number in the file (the header is row 1)
    employee_no: str
    action: str  # create | update | unchanged | error (the words: ``outcome``)
    changes: list[str] = field(default_factory=list)  # the fields an update changes
    errors: list[str] = field(default_factory=list)  # sentences naming row and column
    notes: list[str] = field(default_factory=list)  # sentences: what changes
    values: dict[str, Any] = field(default_factory=dict)
    position_name: str = ""  # in the reader's language
    team_name: str = ""
    new_team: bool = False  # the team is created when the file is imported

    @property
    def outcome(self) -> str:
        return str(OUTCOMES[self.action])

    @property
    def details(self) -> list[str]:
        return self.errors or self.notes


@dataclass(frozen=True)
class NewTeam:
    code: str
    name: str
    name_zh: str


@dataclass
class _Organisation:
    """Positions and teams by code and by name in either language (case and spacing
    ignored); and the teams a plan would create."""

    language: str
    positions: dict[str, Position]
    teams: dict[str, Team]
    new_teams: dict[str, NewTeam] = field(default_factory=dict)

    @classmethod
    def load(cls, language: str) -> _Organisation:
        def index(units: Sequence[Any], names: Sequence[str]) -> dict[str, Any]:
            found = {}
            for unit in units:  # names first: a code wins over another unit's name
                for name in names:
                    if getattr(unit, name):
                        found.setdefault(_key(getattr(unit, name)), unit)
            return found | {unit.code: unit for unit in units}

        positions = db.session.scalars(select(Position)).all()
        teams = db.session.scalars(select(Team)).all()
        return cls(language, index(positions, ("name_en", "name_zh")),
                   index(teams, ("name", "name_zh")))

    def valid_names(self, units: dict[str, Any]) -> str:
        return names_of(units.values(), self.language)

    def new_team(self, written: str) -> NewTeam:
        key = _key(written)
        if key not in self.new_teams:
            taken = {unit.code for unit in self.teams.values()} | {
                team.code for team in self.new_teams.values()}
            base = key if accounts.is_code(key) else (
                re.sub(r"[^a-z0-9]+", "-", key).strip("-")[:56] or "team")
            code, n = base, 1
            while code in taken:
                n += 1
                code = f"{base}-{n}"
            name = " ".join(written.split())
            self.new_teams[key] = NewTeam(code, name, name if _CJK.search(name) else "")
        return self.new_teams[key]


def plan(sheet: Sheet, language: str = "en") -> list[RowPlan]:
    """What importing the rows would do, row by row, worded in ``language`` (names) and the
    reader's language (sentences); nothing is written."""
    rows = sheet.rows
    columns = _labels(None) | sheet.columns
    numbers = [r.get("employee_no", "").strip().upper() for r in rows]
    existing = {u.employee_no: u for u in db.session.scalars(
        select(User).where(User.employee_no.in_(set(numbers)))
        .options(selectinload(User.supervised_teams)))}
    organisation = _Organisation.load(language)
    supervisors = set(numbers) | {u for (u,) in db.session.execute(
        select(User.employee_no).where(User.employee_no.in_(
            {r.get("supervisor", "").strip().upper() for r in rows})))}
    seen: dict[str, int] = {}
    plans = []
    for row, number in zip(rows, numbers, strict=True):
        result = RowPlan(row["_line"], number, "error")
        user = existing.get(number)
        result.values = _values(row, number, user, organisation, supervisors, columns, result)
        if number and number in seen:
            result.errors.append(_("Row %(row)d, %(column)s: the employee number %(number)s "
                                   "is also on row %(other)d.", row=result.line,
                                   column=columns["employee_no"], number=number,
                                   other=seen[number]))
        seen.setdefault(number, row["_line"])
        if not result.errors:
            if user is None:
                result.action = "create"
            else:
                result.changes = _differences(user, result.values, organisation)
                result.action = "update" if result.changes else "unchanged"
                if result.changes:
                    result.notes.insert(0, _("Changes: %(columns)s.", columns=_list(
                        [columns[f] for f in result.changes])))
        plans.append(result)
    return plans


def _values(row: dict[str, Any], number: str, user: User | None, organisation: _Organisation,
            supervisors: set[str], columns: dict[str, str], result: RowPlan) -> dict[str, Any]:
    errors = result.errors

    def problem(key: str, text: str) -> None:
        errors.append(_("Row %(row)d, %(column)s: %(problem)s", row=result.line,
                        column=columns[key], problem=text))

    values: dict[str, Any] = {"employee_no": number}
    if not number:
        problem("employee_no", _("the employee number is missing."))
    elif not re.fullmatch(r"[A-Z0-9-]{1,32}", number):
        problem("employee_no", _("“%(value)s” is not an employee number (letters, digits and "
                "hyphens, at most 32).", value=number))
    name = " ".join(row.get("full_name", "").split())
    if not name:
        problem("full_name", _("the name is missing."))
    elif len(name) > NAME_LENGTH:
        problem("full_name", _("the name has %(length)d characters; at most %(max)d.",
                length=len(name), max=NAME_LENGTH))
    values["full_name"] = name
    email = row.get("email", "").strip()
    values["email"] = None
    if email:
        try:
            values["email"] = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            problem("email", _("“%(value)s” is not an email address.", value=email))
    values["position"] = None
    written = row.get("position", "").strip()
    if written:
        position = organisation.positions.get(_key(written))
        if position is None:
            problem("position", _("there is no position “%(value)s”. The positions are: "
                    "%(names)s.", value=written,
                    names=organisation.valid_names(organisation.positions)))
        elif not position.is_active and (user is None or user.position_id != position.id):
            problem("position", _("the position “%(value)s” is no longer in use. The "
                    "positions are: %(names)s.", value=written,
                    names=organisation.valid_names(organisation.positions)))
        else:
            values["position"] = position.code
            result.position_name = position.name_in(organisation.language)
    values["team"] = None
    written = row.get("team", "").strip()
    if written:
        team = organisation.teams.get(_key(written))
        if team is None:
            if len(" ".join(written.split())) > NAME_LENGTH:
                problem("team", _("a team's name has at most %(max)d characters.",
                        max=NAME_LENGTH))
            else:
                new = organisation.new_team(written)
                values["team"] = new.code
                values["new_team"] = {"name": new.name, "name_zh": new.name_zh}
                result.team_name, result.new_team = new.name, True
                result.notes.append(_("“%(team)s” is a new team: it is created when you "
                                      "import.", team=new.name))
        elif not team.is_active and (user is None or user.team_id != team.id):
            problem("team", _("the team “%(value)s” is deactivated. The teams are: %(names)s.",
                    value=written, names=organisation.valid_names(organisation.teams)))
        else:
            values["team"] = team.code
            result.team_name = team.name_in(organisation.language)
    supervisor = row.get("supervisor", "").strip().upper()
    if supervisor and supervisor not in supervisors:
        problem("supervisor", _("there is no employee %(value)s.", value=supervisor))
    if supervisor and not written:
        problem("supervisor", _("give the team they supervise in the column %(team)s.",
                team=columns["team"]))
    values["supervisor"] = supervisor or None
    hired = row.get("hire_date", "").strip()
    values["hire_date"] = None
    if hired:
        try:
            values["hire_date"] = _parse_date(hired).isoformat()
        except ValueError:
            problem("hire_date", _("“%(value)s” is not a date; write it as 2026-11-01.",
                    value=hired))
    language = _key(row.get("language", ""))
    if language and language not in LANGUAGES:
        problem("language", _("“%(value)s” is not a language; write English or Chinese (en "
                "or zh).", value=row.get("language", "").strip()))
    values["language"] = LANGUAGES.get(language)
    return values


def _parse_date(text: str) -> date:
    text = text.strip().split(" ")[0].replace("/", "-").replace(".", "-")
    return date.fromisoformat(text)


def _differences(user: User, values: dict[str, Any], organisation: _Organisation) -> list[str]:
    changes = []
    if values["full_name"] != user.full_name:
        changes.append("full_name")
    if values["email"] and values["email"] != user.email:  # a blank cell keeps the address
        changes.append("email")
    if values["position"] and user.position_id != organisation.positions[values["position"]].id:
        changes.append("position")
    team = organisation.teams.get(values["team"]) if values["team"] else None
    if values["team"] and (team is None or team.id != user.team_id):
        changes.append("team")
    if values["supervisor"] and values["supervisor"] == user.employee_no and (
            team is None or team not in user.supervised_teams):
        changes.append("supervisor")
    if values["hire_date"] and values["hire_date"] != (user.hire_date and user.hire_date.isoformat()):
        changes.append("hire_date")
    if values["language"] and values["language"] != user.language:
        changes.append("language")
    return changes


# --- applying -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    new_teams: int = 0


def apply(plans: Sequence[RowPlan], actor: User | None, filename: str) -> ImportResult:
    """Apply a plan without errors, creating the new teams it names; the caller commits
    once (all or nothing)."""
    if any(p.action == "error" for p in plans):
        raise ValueError("the plan has errors")
    positions = {p.code: p for p in db.session.scalars(select(Position))}
    teams = {t.code: t for t in db.session.scalars(select(Team))}
    created_teams = 0
    for item in plans:
        code = item.values["team"]
        if item.new_team and code not in teams:
            names = item.values["new_team"]
            teams[code] = accounts.create_team(code, names["name"], names["name_zh"],
                                               actor=actor)
            created_teams += 1

    def team_for(code: str | None) -> Team | None:
        return teams[code] if code else None

    people: dict[str, User] = {}
    for item in plans:
        values = item.values
        if item.action == "create":
            people[item.employee_no] = accounts.create_user(
                employee_no=item.employee_no, full_name=values["full_name"],
                password=None, email=values["email"],
                team=team_for(values["team"]), position=positions.get(values["position"] or ""),
                hire_date=date.fromisoformat(values["hire_date"]) if values["hire_date"] else None,
                language=values["language"] or "en", actor=actor)
        elif item.action == "update":
            changes: dict[str, Any] = {"full_name": values["full_name"]}
            if values["email"]:
                changes["email"] = values["email"]
            if values["team"]:
                changes["team"] = team_for(values["team"])
            if values["position"]:
                changes["position"] = positions[values["position"]]
            if values["hire_date"]:
                changes["hire_date"] = date.fromisoformat(values["hire_date"])
            if values["language"]:
                changes["language"] = values["language"]
            accounts.update_profile(accounts.require_by_employee_no(item.employee_no), changes,
                                 actor=actor)
    for item in plans:
        supervisor, code = item.values.get("supervisor"), item.values.get("team")
        if supervisor and code:
            boss = people.get(supervisor) or accounts.require_by_employee_no(supervisor)
            accounts.add_supervised_team(boss, teams[code], actor=actor)
    counts = ImportResult(*(sum(p.action == a for p in plans)
                            for a in ("create", "update", "unchanged")), new_teams=created_teams)
    audit.record("staff_imported", actor=actor, file=filename, created=counts.created,
                 updated=counts.updated, unchanged=counts.unchanged, new_teams=created_teams)
    return counts


# --- staging: the preview is a page of its own --------------------------------------------


def stage(actor: User, filename: str, sheet: Sheet) -> ImportBatch:
    """Keep the parsed file until the admin confirms it (the preview page reads it)."""
    batch = ImportBatch(created_by_id=actor.id, filename=filename[:255],
                        rows=[{"_columns": sheet.columns}, *sheet.rows])
    db.session.add(batch)
    db.session.flush()
    return batch


def staged(actor: User, batch_id: int) -> ImportBatch | None:
    """A batch ``actor`` uploaded (applied or not), or None."""
    batch = db.session.get(ImportBatch, batch_id)
    return batch if batch and batch.created_by_id == actor.id else None


def sheet_of(batch: ImportBatch) -> Sheet:
    rows = list(batch.rows)
    columns = rows.pop(0)["_columns"] if rows and "_columns" in rows[0] else {}
    return Sheet(rows, columns)
