"""Why someone is not cleared reads the same on the team page, the training record and the
command line as on the roster: sentences naming what is missing by its title; a position
that needs no certification is shown as such, not as a failure."""

import pytest
from sqlalchemy import select

from tests.conftest import login, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import Position, Role, User


@pytest.fixture
def team(app, make_user):
    """Supervisor of t1 with a trainee (W0001) and a coordinator whose position needs no
    certification (W0002)."""
    sync_fixture_bank(app, "cert_bank")
    trainee = make_user("W0001", team="t1")
    coordinator = make_user("W0002", team="t1")
    boss = make_user("WS001", roles=(Role.SUPERVISOR,), supervises="t1")
    with app.app_context():
        position = Position(code="coordinator", name_en="Coordinator", name_zh="协调员")
        db.session.add(position)
        db.session.flush()
        db.session.get(User, coordinator.id).position_id = position.id
        db.session.commit()
    return boss, trainee, coordinator


def _speak(app, employee_no, language):
    with app.app_context():
        db.session.scalar(select(User).filter_by(employee_no=employee_no)).language = language
        db.session.commit()


def test_the_team_page_says_why_not_and_what_needs_no_certification(app, client, team):
    boss, trainee, coordinator = team
    login(client, boss.employee_no)
    page = client.get("/supervisor/").get_data(as_text=True)
    assert "<li>Hotline agent certification: Not started</li>" in page
    assert "<li>Module quiz: Greeting the caller — not passed yet</li>" in page
    assert '<span class="muted">No certification needed</span>' in page
    assert "module:greeting" not in page and "not_started" not in page
    waiting = client.get("/supervisor/?show=not_cleared").get_data(as_text=True)
    assert trainee.full_name in waiting and coordinator.full_name not in waiting
    _speak(app, boss.employee_no, "zh")
    page = client.get("/supervisor/").get_data(as_text=True)
    assert "<li>模块测验：问候来电客户——尚未通过</li>" in page and "无需认证" in page


def test_the_record_names_what_is_missing_by_title(app, client, team):
    boss, trainee, _ = team
    login(client, boss.employee_no)
    page = client.get(f"/people/{trainee.id}").get_data(as_text=True)
    assert ("Missing: Module quiz: Greeting the caller — not passed yet; "
            "Practice call: Slow Wi-Fi — not passed yet</p>") in page
    _speak(app, boss.employee_no, "zh")
    page = client.get(f"/people/{trainee.id}").get_data(as_text=True)
    assert "模块测验：问候来电客户——尚未通过；模拟通话：无线网络慢——尚未通过</p>" in page


def test_the_command_line_names_what_is_missing(runner, team):
    result = runner.invoke(args=["clearance", "check", "W0001"])
    assert result.exit_code == 0, result.output
    assert "missing: Module quiz: Greeting the caller — not passed yet" in result.output
    assert "missing: Practice call: Slow Wi-Fi — not passed yet" in result.output
