"""Demo organisation and one account per role, for trying the product. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainingapp.extensions import db
from trainingapp.models import Position, Role, Team, User, utcnow
from trainingapp.services import accounts, assignments

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

TEAMS = [  # code, name in English and in Chinese, site
    ("hotline-1", "Hotline team 1", "热线一组", "Contact centre East"),
    ("hall-central", "Central business hall", "中心营业厅", "Central business hall"),
]


@dataclass(frozen=True)
class DemoAccount:
    employee_no: str
    full_name: str  # in Chinese characters and in pinyin, read in either language
    role: Role
    position: str
    team: str | None
    hired_days_ago: int  # the hire date follows the day of seeding


# The trainee was hired a week before the seed: their onboarding (due a month after the
# hire date) is under way, not overdue, whenever the demo is set up.
DEMO_ACCOUNTS = [
    DemoAccount("T0001", "李娜 Li Na", Role.TRAINEE, "hotline-agent", "hotline-1", 7),
    DemoAccount("S0001", "王强 Wang Qiang", Role.SUPERVISOR, "team-leader", "hotline-1", 1461),
    DemoAccount("H0001", "赵敏 Zhao Min", Role.HR, "hr-specialist", None, 1096),
    DemoAccount("A0001", "陈杰 Chen Jie", Role.ADMIN, "training-admin", None, 730),
]


def _upsert_by_code(model: type[Position] | type[Team], code: str, **values: str):  # type: ignore[no-untyped-def]
    row = db.session.scalar(select(model).where(model.code == code))
    if row is None:
        row = model(code=code, **values)
        db.session.add(row)
    return row


def seed(today: date | None = None) -> list[tuple[DemoAccount, bool]]:
    """Create what is missing; returns each demo account and whether it was created now.
    Dates count back from ``today`` (the organisation's, by default). Existing rows are
    left as they are, so running it again loses nothing."""
    today = today or assignments.today(utcnow())
    positions = {
        code: _upsert_by_code(Position, code, name_en=en, name_zh=zh)
        for code, en, zh in POSITIONS
    }
    teams = {code: _upsert_by_code(Team, code, name=name, name_zh=name_zh, site=site)
             for code, name, name_zh, site in TEAMS}
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
                hire_date=today - timedelta(days=account.hired_days_ago),
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
