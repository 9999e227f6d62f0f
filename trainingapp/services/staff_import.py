"""Bulk import of staff from CSV or XLSX: parse → plan (every row's outcome) → apply all
or nothing. Importing the same file again changes nothing."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any

from email_validator import EmailNotValidError, validate_email
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainingapp.extensions import db
from trainingapp.models import ImportBatch, Position, Team, User
from trainingapp.services import accounts, audit

MAX_ROWS = 20_000
# Column names people use, in both languages → the field they mean.
HEADERS = {
    "employee_no": "employee_no", "employee number": "employee_no", "工号": "employee_no",
    "full_name": "full_name", "name": "full_name", "姓名": "full_name",
    "email": "email", "e-mail": "email", "邮箱": "email",
    "position": "position", "岗位": "position",
    "team": "team", "班组": "team",
    "supervisor": "supervisor", "班组长": "supervisor",
    "hire_date": "hire_date", "hire date": "hire_date", "入职日期": "hire_date",
    "language": "language", "语言": "language",
}
REQUIRED = ("employee_no", "full_name")
LANGUAGES = {"en": "en", "english": "en", "zh": "zh", "中文": "zh", "chinese": "zh"}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (type, encoding, header)."""


@dataclass
class RowPlan:
    line: int  # the row's number in the file (the header is row 1)
    employee_no: str
    action: str  # create | update | unchanged | error
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


# --- reading ------------------------------------------------------------------------------


def read_rows(filename: str, data: bytes) -> list[dict[str, Any]]:
    """Staff rows as {field: text, "_line": n} from a .csv or .xlsx file."""
    return read_table(filename, data, HEADERS, REQUIRED)


def read_table(filename: str, data: bytes, headers: dict[str, str],
               required: Sequence[str]) -> list[dict[str, Any]]:
    """Rows as {field: text, "_line": n} from a .csv or .xlsx file whose first row names
    the columns (``headers`` maps the names people use to fields)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            table = [["" if cell is None else str(cell) for cell in row]
                     for row in sheet.iter_rows(values_only=True)]
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(f"{filename}: not a readable XLSX workbook ({error})") from None
    elif suffix in (".csv", ".txt"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError(f"{filename}: not UTF-8 or GB18030 text")
        table = list(csv.reader(io.StringIO(text)))
    else:
        raise ImportFileError(f"{filename}: upload a .csv or .xlsx file")
    if not table:
        raise ImportFileError(f"{filename}: the file is empty")
    header = [headers.get(h.strip().lower()) for h in table[0]]
    missing = [f for f in required if f not in header]
    if missing:
        raise ImportFileError(f"{filename}: row 1 needs the columns {', '.join(missing)} "
                              f"(found: {', '.join(h for h in table[0] if h)})")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        row = {name: cells[i].strip() for i, name in enumerate(header)
               if name and i < len(cells)}
        row["_line"] = number
        rows.append(row)
    if len(rows) > MAX_ROWS:
        raise ImportFileError(f"{filename}: {len(rows)} rows; at most {MAX_ROWS} at a time")
    return rows


# --- planning -----------------------------------------------------------------------------


def _parse_date(text: str) -> date:
    text = text.strip().split(" ")[0].replace("/", "-").replace(".", "-")
    return date.fromisoformat(text)


def plan(rows: Sequence[dict[str, Any]]) -> list[RowPlan]:
    """What importing the rows would do, row by row; nothing is written."""
    numbers = [r.get("employee_no", "").strip().upper() for r in rows]
    existing = {u.employee_no: u for u in db.session.scalars(
        select(User).where(User.employee_no.in_(set(numbers)))
        .options(selectinload(User.supervised_teams)))}
    positions = {p.code: p for p in db.session.scalars(select(Position))}
    teams = {t.code: t for t in db.session.scalars(select(Team))}
    supervisors = set(numbers) | {u for (u,) in db.session.execute(
        select(User.employee_no).where(User.employee_no.in_(
            {r.get("supervisor", "").strip().upper() for r in rows})))}
    seen: dict[str, int] = {}
    plans = []
    for row, number in zip(rows, numbers, strict=True):
        result = RowPlan(row["_line"], number, "error")
        values = _values(row, number, positions, supervisors, result.errors)
        if number in seen:
            result.errors.append(f"employee number {number} also on row {seen[number]}")
        seen.setdefault(number, row["_line"])
        if not result.errors:
            user = existing.get(number)
            result.values = values
            if user is None:
                result.action = "create"
            else:
                result.changes = _differences(user, values, teams)
                result.action = "update" if result.changes else "unchanged"
        plans.append(result)
    return plans


def _values(row: dict[str, Any], number: str, positions: dict[str, Position],
            supervisors: set[str], errors: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {"employee_no": number}
    if not re.fullmatch(r"[A-Z0-9-]{1,32}", number):
        errors.append("employee_no: letters, digits and hyphens, at most 32")
    name = row.get("full_name", "").strip()
    if not name or len(name) > 120:
        errors.append("full_name: required, at most 120 characters")
    values["full_name"] = name
    email = row.get("email", "").strip()
    if email:
        try:
            values["email"] = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors.append(f"email: {email!r} is not an email address")
    else:
        values["email"] = None
    position = row.get("position", "").strip()
    if position and position not in positions:
        errors.append(f"position: no position {position!r} (known: {', '.join(sorted(positions))})")
    values["position"] = position or None
    team = row.get("team", "").strip()
    if team and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", team):
        errors.append(f"team: {team!r} is not a team code (a-z, 0-9, hyphens)")
    values["team"] = team or None
    supervisor = row.get("supervisor", "").strip().upper()
    if supervisor and supervisor not in supervisors:
        errors.append(f"supervisor: no employee {supervisor}")
    if supervisor and not team:
        errors.append("supervisor: give the team they supervise")
    values["supervisor"] = supervisor or None
    hired = row.get("hire_date", "").strip()
    if hired:
        try:
            values["hire_date"] = _parse_date(hired).isoformat()
        except ValueError:
            errors.append(f"hire_date: {hired!r} is not a date (YYYY-MM-DD)")
    else:
        values["hire_date"] = None
    language = row.get("language", "").strip().lower()
    if language and language not in LANGUAGES:
        errors.append(f"language: {language!r}; use en or zh")
    values["language"] = LANGUAGES.get(language, "en") if language else None
    return values


def _differences(user: User, values: dict[str, Any], teams: dict[str, Team]) -> list[str]:
    changes = []
    if values["full_name"] != user.full_name:
        changes.append("full_name")
    if values["email"] and values["email"] != user.email:  # a blank cell keeps the address
        changes.append("email")
    if values["hire_date"] and values["hire_date"] != (user.hire_date and user.hire_date.isoformat()):
        changes.append("hire_date")
    if values["language"] and values["language"] != user.language:
        changes.append("language")
    team = teams.get(values["team"]) if values["team"] else None
    if values["team"] and (team is None or team.id != user.team_id):
        changes.append("team")
    if values["position"] and user.position_id != _position_id(values["position"]):
        changes.append("position")
    if values["supervisor"] and values["supervisor"] == user.employee_no and (
            team is None or team not in user.supervised_teams):
        changes.append("supervises")
    return changes


def _position_id(code: str) -> int | None:
    return db.session.scalar(select(Position.id).where(Position.code == code))


# --- applying -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def apply(plans: Sequence[RowPlan], actor: User | None, filename: str) -> ImportResult:
    """Apply a plan without errors; the caller commits once (all or nothing)."""
    if any(p.action == "error" for p in plans):
        raise ValueError("the plan has errors")
    positions = {p.code: p for p in db.session.scalars(select(Position))}
    teams = {t.code: t for t in db.session.scalars(select(Team))}

    def team_for(code: str | None) -> Team | None:
        if not code:
            return None
        if code not in teams:
            teams[code] = Team(code=code, name=code, site="")
            db.session.add(teams[code])
        return teams[code]

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
            accounts.add_supervised_team(boss, team_for(code))
    counts = ImportResult(*(sum(p.action == a for p in plans)
                            for a in ("create", "update", "unchanged")))
    audit.record("staff_imported", actor=actor, file=filename, created=counts.created,
                 updated=counts.updated, unchanged=counts.unchanged)
    return counts


def stage(actor: User, filename: str, rows: list[dict[str, Any]]) -> ImportBatch:
    batch = ImportBatch(created_by_id=actor.id, filename=filename[:255], rows=rows)
    db.session.add(batch)
    db.session.flush()
    return batch


def staged(actor: User, batch_id: int) -> ImportBatch | None:
    batch = db.session.get(ImportBatch, batch_id)
    return batch if batch and batch.created_by_id == actor.id and not batch.applied_at else None
