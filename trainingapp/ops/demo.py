"""Demo organisation and one account per role, for trying the product. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainingapp.extensions import db
from trainingapp.models import Position, Role, Team, User
from trainingapp.services import accounts

DEMO_PASSWORD = "demo-pass-2026"

POSITIONS = [
    ("hotline-agent", "Hotline agent", "热线客服代表"),
    ("online-agent", "Online service agent", "在线客服代表"),
    ("business-hall-associate", "Business-hall associate", "营业厅服务代表"),
    ("technical-support", "Technical support engineer", "技术支持工程师"),
    ("team-leader", "Service team leader", "服务班组长"),
    ("hr-specialist", "HR specialist", "人力资源专员"),
    ("training-admin", "Training administrator", "培训管理员"),
]

TEAMS = [
    ("hotline-1", "Hotline team 1", "Contact centre East"),
    ("hall-central", "Central business hall", "Central business hall"),
]


@dataclass(frozen=True)
class DemoAccount:
    employee_no: str
    full_name: str
    role: Role
    position: str
    team: str | None


DEMO_ACCOUNTS = [
    DemoAccount("T0001", "Li Na (demo trainee)", Role.TRAINEE, "hotline-agent", "hotline-1"),
    DemoAccount("S0001", "Wang Qiang (demo supervisor)", Role.SUPERVISOR, "team-leader",
                "hotline-1"),
    DemoAccount("H0001", "Zhao Min (demo HR)", Role.HR, "hr-specialist", None),
    DemoAccount("A0001", "Chen Jie (demo admin)", Role.ADMIN, "training-admin", None),
]


def _upsert_by_code(model: type[Position] | type[Team], code: str, **values: str):  # type: ignore[no-untyped-def]
    row = db.session.scalar(select(model).where(model.code == code))
    if row is None:
        row = model(code=code, **values)
        db.session.add(row)
    return row


def seed() -> list[tuple[DemoAccount, bool]]:
    """Create what is missing; returns each demo account and whether it was created now.
    Existing rows are left as they are, so running it again loses nothing."""
    positions = {
        code: _upsert_by_code(Position, code, name_en=en, name_zh=zh)
        for code, en, zh in POSITIONS
    }
    teams = {code: _upsert_by_code(Team, code, name=name, site=site)
             for code, name, site in TEAMS}
    db.session.flush()
    outcome = []
    for account in DEMO_ACCOUNTS:
        created = accounts.get_by_employee_no(account.employee_no) is None
        if created:
            accounts.create_user(
                employee_no=account.employee_no,
                full_name=account.full_name,
                password=DEMO_PASSWORD,
                email=f"{account.employee_no.lower()}@demo.invalid",
                roles=[account.role],
                team=teams[account.team] if account.team else None,
                position=positions[account.position],
                hire_date=date(2026, 1, 5),
            )
        outcome.append((account, created))
    supervisor = db.session.scalar(
        select(User).where(User.employee_no == "S0001").options(
            selectinload(User.supervised_teams))
    )
    if supervisor is not None and teams["hotline-1"] not in supervisor.supervised_teams:
        supervisor.supervised_teams.append(teams["hotline-1"])
    db.session.flush()
    return outcome
