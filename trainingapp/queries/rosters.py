"""The supervisor's roster check: for a shift's employee numbers, who is cleared for duty.
Only the supervisor's own team is answered in detail."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from trainingapp.models import User
from trainingapp.queries import people
from trainingapp.services import certification

MAX_NUMBERS = 1000


def parse_numbers(text: str) -> list[str]:
    """Employee numbers from pasted text or a CSV/TXT file: separated by spaces, commas,
    semicolons, tabs or lines; duplicates dropped; order kept."""
    seen: dict[str, None] = {}
    for token in re.split(r"[\s,;]+", text):
        token = token.strip().strip('"').upper()
        if token and re.fullmatch(r"[A-Z0-9-]{1,32}", token):
            seen.setdefault(token, None)
    return list(seen)[:MAX_NUMBERS]


@dataclass(frozen=True)
class RosterRow:
    employee_no: str
    person: User | None  # None: not in the supervisor's team (or unknown)
    cleared: bool | None
    reasons: list[str]


def check(supervisor: User, numbers: Sequence[str], now: datetime) -> list[RosterRow]:
    team = {m.employee_no: m for m in people.team_members(supervisor)}
    mine = [team[n] for n in numbers if n in team]
    by_id = {s.user.id: s for s in certification.statuses(mine, now)}
    rows = []
    for number in numbers:
        person = team.get(number)
        if person is None:
            rows.append(RosterRow(number, None, None, []))
            continue
        clearance = by_id[person.id].clearance
        reasons = [f"{slug}: {d.status.value}" + (f" ({', '.join(d.missing)})" if d.missing else "")
                   for slug, d in sorted(clearance.tracks.items()) if not d.is_valid]
        rows.append(RosterRow(number, person, clearance.cleared, reasons))
    return rows


def export_rows(rows: Sequence[RosterRow]) -> list[list[str]]:
    table = [["employee_no", "name", "cleared", "reasons"]]
    for row in rows:
        if row.person is None:
            table.append([row.employee_no, "", "not in your team", ""])
        else:
            table.append([row.employee_no, row.person.full_name,
                          "yes" if row.cleared else "no", "; ".join(row.reasons)])
    return table
