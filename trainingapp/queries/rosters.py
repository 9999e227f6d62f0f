"""The supervisor's roster check: for a shift's employee numbers, who is cleared for duty.
Only the supervisor's own team (the supervisor and everyone in the teams they supervise)
is answered in detail; anyone else is "not in your team", a number nobody active has is
"no such employee"."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from trainingapp import uploads, wording
from trainingapp.extensions import db
from trainingapp.models import User
from trainingapp.models.user import team_supervisor
from trainingapp.services import certification

MAX_NUMBERS = 1000
NUMBER = re.compile(r"[A-Z0-9-]{1,32}")
# Headers of the employee-number column, as people write them (compared without case,
# spaces or punctuation): "employee_no", "Employee No.", "工号"…
NUMBER_HEADERS = {"employeeno", "employeenumber", "employeeid", "empno", "staffno",
                  "staffnumber", "staffid", "工号", "员工编号", "员工号", "职工编号", "职工号"}
HEADER_ROWS = 5  # a title line or two may come before the header


def parse_numbers(text: str) -> list[str]:
    """Employee numbers from pasted text: separated by spaces, commas, semicolons, tabs or
    lines; duplicates dropped; order kept. Cells pasted from a spreadsheet with the
    employee-number header give that column only."""
    column = _header_column(_text_tables(text))
    if column is not None:
        return column
    return _unique(token.strip().strip('"') for token in re.split(r"[\s,;]+", text))


def _unique(tokens: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for token in tokens:
        token = token.strip().upper()
        if NUMBER.fullmatch(token):
            seen.setdefault(token, None)
    return list(seen)


class RosterFileError(ValueError):
    """The roster file cannot be read; the message says why, in the reader's language."""


def numbers_in_file(filename: str, data: bytes) -> list[str]:
    """The employee numbers of a roster file (CSV, text or XLSX): the column whose header
    names the employee number in either language, else the first column. Names and other
    cells are never read as numbers, nor a header row."""
    tables = _tables(filename, data)
    column = _header_column(tables)
    if column is not None:
        return column
    first = [row[0] for row in tables[0] if row]
    if first and not any(ch.isdigit() for ch in first[0]):
        first = first[1:]  # a header of words the list above does not know ("Staff")
    return _unique(first)


def _header_column(tables: list[list[list[str]]]) -> list[str] | None:
    """The numbers under the employee-number header, trying each way of splitting the
    text (the likeliest first); None when no table has that header."""
    for table in tables:
        for index, row in enumerate(table[:HEADER_ROWS]):
            column = next((i for i, cell in enumerate(row) if _header(cell) in NUMBER_HEADERS),
                          None)
            if column is not None:
                return _unique(row[column] for row in table[index + 1:] if column < len(row))
    return None


def _header(cell: str) -> str:
    return re.sub(r"[\s_.\-#:：]+", "", cell).casefold()


DELIMITERS = ",;\t|"


def _tables(filename: str, data: bytes) -> list[list[list[str]]]:
    """The file's cells: a workbook's first sheet, or its text split into cells."""
    suffix = PurePath(filename).suffix.lower()
    try:
        if suffix == ".xlsx":
            return [uploads.xlsx_rows(data)]
    except uploads.Unreadable:
        raise RosterFileError(gettext("%(file)s is not a readable Excel workbook.",
                                      file=filename)) from None
    if suffix not in (".csv", ".txt", ""):
        raise RosterFileError(gettext("Upload the roster as a CSV, text or Excel (.xlsx) file."))
    try:
        text = uploads.text_of(data)
    except uploads.Unreadable:
        raise RosterFileError(gettext("%(file)s is not text in UTF-8 or GB18030.",
                                      file=filename)) from None
    return _text_tables(text)


def _text_tables(text: str) -> list[list[list[str]]]:
    """Text split by the delimiter it seems to use, then by each of the others (a title
    line may mislead the guess)."""
    try:
        guess = csv.Sniffer().sniff(text[:4096], DELIMITERS).delimiter
    except csv.Error:  # one column, or no delimiter the sniffer trusts
        guess = ","
    return [list(csv.reader(io.StringIO(text), delimiter=delimiter))
            for delimiter in dict.fromkeys(guess + DELIMITERS)]


# --- the answer ---------------------------------------------------------------------------

ANSWERS = {
    "cleared": _l("Cleared"),
    "not_cleared": _l("Not cleared"),
    "no_certification": _l("No certification needed"),
    "not_in_team": _l("Not in your team"),
    "unknown": _l("No such employee"),
}


@dataclass(frozen=True)
class RosterRow:
    employee_no: str
    person: User | None  # None: not in the supervisor's team, or nobody active has the number
    answer: str  # a key of ANSWERS
    reasons: list[str]  # why not cleared, in sentences

    @property
    def cleared(self) -> bool:
        return self.answer == "cleared"

    @property
    def answer_words(self) -> str:
        return str(ANSWERS[self.answer])


def supervised_team_ids(supervisor: User) -> set[int]:
    return set(db.session.scalars(select(team_supervisor.c.team_id)
                                  .where(team_supervisor.c.user_id == supervisor.id)))


def check(supervisor: User, numbers: Sequence[str], now: datetime) -> list[RosterRow]:
    """One row per number, in the order given: in a constant number of queries."""
    known = certification.people_for_clearance(numbers)
    teams = supervised_team_ids(supervisor)
    found = known.by_employee_no
    mine = {n: p for n, p in found.items() if p.id == supervisor.id or p.team_id in teams}
    by_id = {s.user.id: s for s in certification.statuses(list(mine.values()), now, known)}
    names = wording.requirement_titles()
    rows = []
    for number in numbers:
        person = mine.get(number)
        if person is None:
            rows.append(RosterRow(number, None, "not_in_team" if number in found else "unknown",
                                  []))
            continue
        status = by_id[person.id]
        clearance = status.clearance
        if clearance.cleared:
            rows.append(RosterRow(number, person, "cleared", []))
        elif not clearance.needs_certification:
            rows.append(RosterRow(number, person, "no_certification", []))
        else:
            rows.append(RosterRow(number, person, "not_cleared", wording.why_not(status, names)))
    return rows


def export_rows(rows: Sequence[RosterRow]) -> list[list[str]]:
    """The answer as a table in the reader's language; the employee number as sent."""
    table = [[gettext("Employee number"), gettext("Name"), gettext("Cleared for duty"),
              gettext("Why not")]]
    for row in rows:
        if row.person is None:
            table.append([row.employee_no, "", "", row.answer_words])
            continue
        cleared = {"cleared": gettext("Yes"), "not_cleared": gettext("No")}.get(
            row.answer, row.answer_words)
        table.append([row.employee_no, row.person.full_name, cleared,
                      gettext("; ").join(row.reasons)])
    return table
