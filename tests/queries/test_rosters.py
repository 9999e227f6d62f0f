"""The roster check: which numbers a roster file holds (the employee-number column, by its
header in either language, else the first column), and who on it is the supervisor's team."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from tests.conftest import sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import Position, Role, Team, User, utcnow
from trainingapp.queries import rosters
from trainingapp.queries.rosters import RosterFileError, numbers_in_file


def _csv(text, encoding="utf-8"):
    return text.encode(encoding)


@pytest.mark.parametrize("header", ["employee_no", "Employee number", "Employee No.",
                                    "EMPLOYEE  NUMBER", " employee-no ", "工号", "员工编号",
                                    "Staff ID"])
def test_the_number_column_is_found_by_its_header_wherever_it_is(header):
    data = _csv(f"Name,{header},Shift\nLi Na,T0001,early\nWang Qiang,s0001,late\n")
    assert numbers_in_file("roster.csv", data) == ["T0001", "S0001"]


def test_names_and_other_cells_never_become_rows():
    data = _csv("Employee number,Name,Team\nT0001,Li Na,Hotline 1\nT0002,Zhang Wei,HOTLINE\n")
    assert numbers_in_file("roster.csv", data) == ["T0001", "T0002"]


def test_without_a_known_header_the_first_column_is_read():
    assert numbers_in_file("r.csv", _csv("T0001,Li Na\nT0002,Zhang Wei\n")) == ["T0001", "T0002"]
    assert numbers_in_file("r.csv", _csv("Staff,Name\nT0001,Li Na\n")) == ["T0001"]
    assert numbers_in_file("r.txt", _csv("T0001\nT0002\n\nT0001\n")) == ["T0001", "T0002"]


def test_other_separators_encodings_and_a_title_line_are_read():
    semicolons = _csv("Shift roster, 1 December\nName;工号\n李娜;T0001\n王强;T0002\n")
    assert numbers_in_file("r.csv", semicolons) == ["T0001", "T0002"]
    tabs = _csv("姓名\t工号\n李娜\tT0003\n", "gb18030")
    assert numbers_in_file("r.txt", tabs) == ["T0003"]


def test_an_excel_roster_is_read_by_its_header_with_numbers_as_text():
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "员工编号"])
    sheet.append(["李娜", "T0001"])
    sheet.append(["王强", 10023])
    sheet.append(["张伟", 10024.0])
    buffer = io.BytesIO()
    book.save(buffer)
    assert numbers_in_file("roster.xlsx", buffer.getvalue()) == ["T0001", "10023", "10024"]


@pytest.mark.parametrize(("name", "data"), [("roster.xlsx", b"not a workbook"),
                                            ("roster.pdf", b"%PDF-1.4"),
                                            ("roster.csv", b"\xff\xfe\x00\xd8\x00")])
def test_a_file_that_cannot_be_read_is_refused_with_a_reason(app, name, data):
    with app.test_request_context(), pytest.raises(RosterFileError) as refused:
        numbers_in_file(name, data)
    assert str(refused.value)


@pytest.fixture
def team(app, make_user):
    """A supervisor of teams t1 and t2 (and a member of t1), their people, a colleague of
    another team, HR whose position needs no certification, a deactivated member."""
    sync_fixture_bank(app, "cert_bank")
    make_user("R0001", team="t1")
    make_user("R0002", team="t2")
    make_user("R0003", team="t3")
    make_user("R0004", team="t1")
    supervisor = make_user("RS001", roles=(Role.SUPERVISOR,), team="t1", supervises="t1")
    make_user("RS002", roles=(Role.SUPERVISOR,), supervises="t2")
    with app.app_context():
        boss = db.session.get(User, supervisor.id)
        db.session.refresh(boss, ["supervised_teams"])
        boss.supervised_teams.append(
            db.session.scalar(select(Team).filter_by(code="t2")))
        leader = Position(code="team-leader-x", name_en="Team leader", name_zh="班组长")
        db.session.add(leader)
        db.session.flush()
        boss.position_id = leader.id
        db.session.scalar(select(User).filter_by(employee_no="R0004")).is_active = False
        db.session.commit()
    return supervisor


def _answers(app, supervisor, numbers):
    with app.test_request_context():
        boss = db.session.get(User, supervisor.id)
        return {row.employee_no: (row.answer, row.reasons)
                for row in rosters.check(boss, numbers, utcnow())}


def test_the_team_is_the_supervisor_and_everyone_in_the_teams_they_supervise(app, team):
    answers = _answers(app, team, ["R0001", "R0002", "RS001", "R0003", "NOBODY", "R0004"])
    assert answers["R0001"][0] == answers["R0002"][0] == "not_cleared"
    assert answers["R0001"][1] == ["Hotline agent certification: Not started",
                                   "Module quiz: Greeting the caller — not passed yet",
                                   "Practice call: Slow Wi-Fi — not passed yet"]
    assert answers["RS001"] == ("no_certification", [])  # themself, in a position without one
    assert answers["R0003"] == ("not_in_team", [])  # exists, in a team they do not supervise
    assert answers["NOBODY"] == ("unknown", [])
    assert answers["R0004"] == ("unknown", [])  # deactivated: nobody active has the number
    assert list(_answers(app, team, ["R0003", "R0001"])) == ["R0003", "R0001"]  # order kept


def test_another_supervisor_sees_their_own_team_only(app, team):
    with app.app_context():
        other = db.session.scalar(select(User).filter_by(employee_no="RS002"))
    answers = _answers(app, other, ["R0001", "R0002", "RS001", "RS002"])
    assert answers["R0001"][0] == answers["RS001"][0] == "not_in_team"
    assert answers["R0002"][0] == "not_cleared"
    assert answers["RS002"][0] == "not_cleared"  # a hotline agent by the fixture's position


def test_pasted_numbers_and_pasted_spreadsheet_cells():
    assert rosters.parse_numbers('T0001, t0002\nT0003 "T0004";T0001') == [
        "T0001", "T0002", "T0003", "T0004"]
    assert rosters.parse_numbers("T0001\tT0002\tT0003") == ["T0001", "T0002", "T0003"]
    pasted = "Employee number\tName\nT0001\tLi Na\nT0002\tZhang Wei\n"
    assert rosters.parse_numbers(pasted) == ["T0001", "T0002"]
