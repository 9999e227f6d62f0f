"""Periodic evaluations by supervisors and customer-satisfaction figures imported by HR."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from trainingapp.extensions import db
from trainingapp.models import Evaluation, User
from trainingapp.services import audit
from trainingapp.services.staff_import import read_table

PERIOD = re.compile(r"^\d{4}-(Q[1-4]|\d{2})$")
SATISFACTION_HEADERS = {"employee_no": "employee_no", "工号": "employee_no",
                        "period": "period", "期间": "period",
                        "satisfaction": "satisfaction", "满意度": "satisfaction"}


class EvaluationError(ValueError):
    pass


def record(actor: User, person: User, period: str, colleague: int, performance: int,
           notes: str) -> Evaluation:
    """A supervisor's evaluation for a period (a second one for the period replaces it)."""
    if not PERIOD.match(period):
        raise EvaluationError("period")
    if not (1 <= colleague <= 5 and 1 <= performance <= 5):
        raise EvaluationError("scores")
    row = db.session.scalar(select(Evaluation).where(
        Evaluation.user_id == person.id, Evaluation.source == "supervisor",
        Evaluation.period == period)) or Evaluation(user_id=person.id, source="supervisor",
                                                    period=period)
    row.colleague, row.performance, row.notes = colleague, performance, notes.strip()
    row.recorded_by_id = actor.id
    db.session.add(row)
    audit.record("evaluation_recorded", actor=actor, subject=person, period=period,
                 colleague=colleague, performance=performance)
    return row


def of(user_ids: Sequence[int]) -> dict[int, list[Evaluation]]:
    found: dict[int, list[Evaluation]] = {i: [] for i in user_ids}
    for row in db.session.scalars(select(Evaluation).where(Evaluation.user_id.in_(user_ids))
                                  .order_by(Evaluation.period.desc())):
        found[row.user_id].append(row)
    return found


@dataclass
class SatisfactionRow:
    """A row of the file; ``error`` is what is wrong with it, as a code the page words
    (``not_a_number``, ``out_of_range``, ``bad_period``, ``unknown_employee``), with the
    text at fault in ``given``."""

    line: int
    employee_no: str
    period: str
    value: float | None
    error: str = ""
    given: str = ""


def plan_satisfaction(filename: str, data: bytes) -> list[SatisfactionRow]:
    rows = read_table(filename, data, SATISFACTION_HEADERS,
                      ("employee_no", "period", "satisfaction"))
    known = {u.employee_no: u.id for u in db.session.scalars(select(User).where(
        User.employee_no.in_({r.get("employee_no", "").upper() for r in rows})))}
    planned = []
    for row in rows:
        number = row.get("employee_no", "").strip().upper()
        item = SatisfactionRow(row["_line"], number, row.get("period", "").strip(), None)
        try:
            item.value = float(row.get("satisfaction", "").strip().rstrip("%"))
        except ValueError:
            item.error, item.given = "not_a_number", row.get("satisfaction", "")
        if item.value is not None and not 0 <= item.value <= 100:
            item.error, item.given = "out_of_range", row.get("satisfaction", "")
        if not PERIOD.match(item.period):
            item.error, item.given = "bad_period", item.period
        if number not in known:
            item.error, item.given = "unknown_employee", number
        planned.append(item)
    return planned


def apply_satisfaction(rows: Sequence[SatisfactionRow], actor: User, filename: str) -> int:
    """Store every row (a figure already there for the person and period is replaced);
    only for rows without errors, all of them or none."""
    if any(r.error for r in rows):
        raise EvaluationError("rows with errors")
    ids = {u.employee_no: u.id for u in db.session.scalars(select(User).where(
        User.employee_no.in_({r.employee_no for r in rows})))}
    for item in rows:
        row = db.session.scalar(select(Evaluation).where(
            Evaluation.user_id == ids[item.employee_no], Evaluation.source == "satisfaction",
            Evaluation.period == item.period)) or Evaluation(
                user_id=ids[item.employee_no], source="satisfaction", period=item.period)
        row.satisfaction, row.recorded_by_id = item.value, actor.id
        db.session.add(row)
    audit.record("satisfaction_imported", actor=actor, file=filename, rows=len(rows))
    return len(rows)
