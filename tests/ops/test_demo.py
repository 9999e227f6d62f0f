"""`flask demo seed`: dates follow the day of seeding, so the demo trainee starts with
training under way, never overdue; names read in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from tests.conftest import login, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import Assignment, Team, User
from trainingapp.ops import demo
from trainingapp.rules.assignments import Progress
from trainingapp.services import accounts, assignments

pytestmark = pytest.mark.db

TODAY = date(2027, 3, 10)  # a "today" long after the code was written
NOW = datetime(2027, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
BANK = Path(__file__).parents[2] / "question_bank"


def _seed(app, today=TODAY):
    sync_fixture_bank(app, "cert_bank")
    with app.app_context():
        demo.seed(today)
        db.session.commit()


def test_the_demo_trainee_has_nothing_overdue_on_a_frozen_today(app):
    _seed(app)
    with app.app_context():
        trainee = accounts.get_by_employee_no("T0001")
        assert trainee.hire_date == TODAY - timedelta(days=7)
        views = assignments.for_people([trainee], NOW)[trainee.id]
        assert views, "the trainee is onboarded"
        for days in (0, 7, 20):  # not overdue today, nor in the first weeks
            assert Progress.OVERDUE not in {
                v.progress for v in assignments.for_people([trainee], NOW + timedelta(days=days))[
                    trainee.id]}


def test_the_demo_trainee_s_home_page_says_nothing_is_overdue(app, client, monkeypatch):
    _seed(app)
    import trainingapp.learning.routes as learning_routes

    monkeypatch.setattr(learning_routes, "utcnow", lambda: NOW)
    assert login(client, "T0001", demo.DEMO_PASSWORD).status_code == 302
    page = client.get("/learn/").get_data(as_text=True)
    assert "Assigned to me" in page and "Overdue" not in page


def test_every_shipped_track_gives_the_demo_trainee_more_time_than_since_hiring():
    trainee = next(a for a in demo.DEMO_ACCOUNTS if a.employee_no == "T0001")
    for path in sorted((BANK / "tracks").glob("*.yaml")):
        track = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert track.get("due_days", 30) > trainee.hired_days_ago + 14, path.name


def test_demo_people_and_teams_have_chinese_names_too(app):
    _seed(app)
    with app.app_context():
        names = db.session.scalars(select(User.full_name).order_by(User.employee_no)).all()
        teams = {t.code: (t.name_in("en"), t.name_in("zh")) for t in db.session.scalars(
            select(Team))}
    assert teams == {"hotline-1": ("Hotline team 1", "热线一组"),
                     "hall-central": ("Central business hall", "中心营业厅")}
    assert len(names) == 4
    for name in names:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in name), name
        assert any("a" <= ch.lower() <= "z" for ch in name), name  # and in pinyin
        assert "demo" not in name  # no English words in the Chinese pages


def test_seeding_again_keeps_the_first_dates(app):
    _seed(app)
    with app.app_context():
        first = db.session.scalars(select(Assignment.id)).all()
        demo.seed(TODAY + timedelta(days=100))
        db.session.commit()
        assert db.session.scalars(select(Assignment.id)).all() == first  # none added
        assert accounts.get_by_employee_no("T0001").hire_date == TODAY - timedelta(days=7)


def test_the_default_today_is_the_organisation_s(app, monkeypatch):
    monkeypatch.setattr(demo, "utcnow", lambda: datetime(2027, 3, 9, 17, 0, tzinfo=UTC))
    with app.app_context():
        demo.seed()  # at 01:00 on the 10th in Shanghai: the trainee was hired on the 3rd
        assert accounts.get_by_employee_no("T0001").hire_date == date(2027, 3, 3)
