"""Bulk staff import: good files (CSV and XLSX), bad rows, the same file twice."""

import io
import re
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from trainingapp.extensions import db
from trainingapp.models import AuditEvent, Position, Team, User
from trainingapp.rules.passwords import is_usable
from trainingapp.ops import demo
from trainingapp.services import accounts, staff_import

GOOD = (
    "employee_no,name,email,position,team,supervisor,hire_date,language\n"
    "T2001,Zhou Xin,zx@example.com,hotline-agent,hotline-2,S2001,2026-11-01,zh\n"
    "S2001,Sun Hao,sh@example.com,team-leader,hotline-2,,2020-03-01,en\n"
    "T0001,李娜 Li Na,,hotline-agent,hotline-1,,2026/01/05,\n"
)


@pytest.fixture
def seeded(app):
    with app.app_context():
        demo.seed(date(2026, 1, 12))  # the demo trainee hired on 2026-01-05
        db.session.commit()
        yield


def _import(text, name="staff.csv"):
    plans = staff_import.plan(staff_import.read_rows(name, text.encode()))
    return plans


def test_a_good_file_creates_updates_and_assigns_supervisors(seeded):
    plans = _import(GOOD)
    assert [(p.employee_no, p.outcome) for p in plans] == [
        ("T2001", "New"), ("S2001", "New"), ("T0001", "Unchanged")]
    result = staff_import.apply(plans, None, "staff.csv")
    db.session.commit()
    assert (result.created, result.updated, result.unchanged, result.new_teams) == (2, 0, 1, 1)
    sun = accounts.get_by_employee_no("S2001")
    db.session.refresh(sun, ["supervised_teams"])
    assert [t.code for t in sun.supervised_teams] == ["hotline-2"]
    assert db.session.scalar(select(Team).where(Team.code == "hotline-2")) is not None
    zhou = accounts.get_by_employee_no("T2001")
    assert zhou.language == "zh"
    # No one knows an imported person's password: none is hashed; a one-time link sets it.
    assert not is_usable(zhou.password_hash)
    assert accounts.authenticate("T2001", zhou.password_hash) is None
    assert db.session.scalar(select(AuditEvent.detail).where(
        AuditEvent.action == "staff_imported")) == {"file": "staff.csv", "created": 2,
                                                    "updated": 0, "unchanged": 1,
                                                    "new_teams": 1}


def test_the_same_file_twice_changes_nothing(seeded):
    staff_import.apply(_import(GOOD), None, "staff.csv")
    db.session.commit()
    assert {p.action for p in _import(GOOD)} == {"unchanged"}


def test_a_changed_row_is_an_update_naming_the_fields(seeded):
    staff_import.apply(_import(GOOD), None, "staff.csv")
    db.session.commit()
    changed = GOOD.replace("Zhou Xin,zx@example.com", "Zhou Xinyi,zx@example.com")
    plan = {p.employee_no: p for p in _import(changed)}
    assert plan["T2001"].outcome == "Updated" and plan["T2001"].changes == ["full_name"]
    assert plan["T2001"].details == ["Changes: name."]


def test_bad_rows_are_all_named_and_nothing_is_applied(seeded):
    bad = ("employee_no,name,email,position,team,supervisor,hire_date,language\n"
           "T3001,Good Row,,hotline-agent,hotline-1,,,\n"
           "T3002,,,hotline-agent,,,,\n"
           "T3003,Bad Email,not-an-email,,,,,\n"
           "T3004,Bad Position,,astronaut,,,,\n"
           "T3005,Bad Date,,,,,31/02/2026,\n"
           "T3001,Duplicate,,,,,,\n"
           "T3006,Bad Boss,,,hotline-1,X9999,,\n"
           "T3007,Bad Lang,,,,,,fr\n")
    plans = _import(bad)
    errors = {p.line: p.errors for p in plans if p.action == "error"}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9]
    assert {p.outcome for p in plans if p.errors} == {"Error"}
    # In words, naming the row and the column by its header as the file wrote it.
    assert errors[3] == ["Row 3, name: the name is missing."]
    assert errors[4] == ["Row 4, email: “not-an-email” is not an email address."]
    assert errors[5] == [("Row 5, position: there is no position “astronaut”. The positions "
                          "are: Business-hall associate, Hotline agent, HR specialist, Online "
                          "service agent, Service team leader, Technical support engineer, "
                          "and Training administrator.")]
    assert errors[6] == ["Row 6, hire_date: “31/02/2026” is not a date; write it as 2026-11-01."]
    assert errors[7] == ["Row 7, employee_no: the employee number T3001 is also on row 2."]
    assert errors[8] == ["Row 8, supervisor: there is no employee X9999."]
    assert errors[9] == [("Row 9, language: “fr” is not a language; write English or "
                          "Chinese (en or zh).")]
    with pytest.raises(ValueError):
        staff_import.apply(plans, None, "bad.csv")
    assert db.session.scalar(select(func.count()).select_from(User)) == 4  # the demo four


def test_xlsx_with_chinese_headers(seeded):
    book = Workbook()
    sheet = book.active
    sheet.append(["工号", "姓名", "岗位", "班组", "入职日期"])
    sheet.append(["T4001", "王芳", "hotline-agent", "hotline-1", "2026-10-08"])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = staff_import.read_rows("员工.xlsx", buffer.getvalue())
    plans = staff_import.plan(rows)
    assert [(p.employee_no, p.action) for p in plans] == [("T4001", "create")]
    assert (plans[0].position_name, plans[0].team_name) == ("Hotline agent", "Hotline team 1")
    assert plans[0].values["hire_date"] == "2026-10-08"


@pytest.mark.parametrize(("name", "data", "message"), [
    ("staff.pdf", b"%PDF", "staff.pdf is not a spreadsheet: upload a .csv or .xlsx file."),
    ("staff.xlsx", b"not a zip", "staff.xlsx cannot be read as an XLSX workbook."),
    ("staff.csv", b"", "staff.csv is empty."),
    ("staff.csv", b"id,who\n1,2\n",
     "Row 1 of staff.csv needs the columns Employee number and Name (it has: id and who)."),
    ("staff.csv", b"\xff\xfe\x00\x00garbage\x81", "staff.csv is not text in UTF-8 or GB18030"),
])
def test_an_unreadable_file_is_named_with_the_reason(app, name, data, message):
    with app.app_context(), pytest.raises(staff_import.ImportFileError, match=re.escape(message)):
        staff_import.read_rows(name, data)


def test_gb18030_csv_from_excel_is_read(app):
    text = "工号,姓名\nT5001,陈静\n".encode("gb18030")
    with app.app_context():
        assert staff_import.read_rows("staff.csv", text).rows[0]["full_name"] == "陈静"


def test_cli_dry_run_and_import(app, runner, tmp_path, seeded):
    path = tmp_path / "staff.csv"
    path.write_text(GOOD)
    dry = runner.invoke(args=["users", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "Dry run: nothing was changed." in dry.output
    assert "row     2  T2001        New       “hotline-2” is a new team" in dry.output
    assert accounts.get_by_employee_no("T2001") is None
    done = runner.invoke(args=["users", "import", str(path)])
    assert done.exit_code == 0 and (
        "Imported: 2 new, 0 updated, 1 unchanged, 1 new team(s)." in done.output)
    bad = tmp_path / "bad.csv"
    bad.write_text("employee_no,name\nT6001,\n")
    failed = runner.invoke(args=["users", "import", str(bad)])
    assert failed.exit_code == 1 and "nothing was imported" in failed.output
    assert "row     2  T6001        Error     Row 2, name: the name is missing." in failed.output


# --- the names people see, not codes (issue 14) -------------------------------------------


def _position(code):
    return db.session.scalar(select(Position).where(Position.code == code))


def _team(code):
    return db.session.scalar(select(Team).where(Team.code == code))


def test_positions_and_teams_by_code_or_by_name_in_either_language(seeded):
    _team("hotline-1").name_zh = "热线一组"
    db.session.commit()
    chinese = _position("hotline-agent").name_zh
    text = ("Employee number,Name,Position,Team\n"
            "T8001,One,Hotline agent,Hotline team 1\n"
            "T8002,Two,hotline  AGENT, hotline TEAM  1 \n"
            f"T8003,Three,{chinese},热线一组\n"
            "T8004,Four,hotline-agent,hotline-1\n")
    plans = _import(text)
    assert [(p.outcome, p.position_name, p.team_name, p.new_team) for p in plans] == [
        ("New", "Hotline agent", "Hotline team 1", False)] * 4
    staff_import.apply(plans, None, "staff.csv")
    db.session.commit()
    hotline = _team("hotline-1")
    assert {u.team_id for u in db.session.scalars(select(User).where(
        User.employee_no.in_(["T8001", "T8002", "T8003", "T8004"])))} == {hotline.id}
    assert db.session.scalar(select(func.count()).select_from(Team)) == 2  # no team added


def test_names_are_shown_in_the_readers_language(seeded):
    _team("hotline-1").name_zh = "热线一组"
    db.session.commit()
    [row] = staff_import.plan(staff_import.read_rows(
        "staff.csv", "工号,姓名,岗位,班组\nT8101,王芳,Hotline agent,hotline-1\n".encode()), "zh")
    assert (row.position_name, row.team_name) == (_position("hotline-agent").name_zh, "热线一组")


def test_headers_in_either_language_or_machine_keys_case_and_spacing_ignored(seeded):
    for header in ("employee_no,full_name,position", " EMPLOYEE  number ,NAME,Position",
                   "工号,姓名,岗位", "Employee_No,Full Name,岗位"):
        [row] = _import(f"{header}\nT8201,Ma Lin,Hotline agent\n")
        assert (row.outcome, row.values["full_name"], row.position_name) == (
            "New", "Ma Lin", "Hotline agent"), header


def test_an_error_names_the_column_by_the_header_the_file_wrote(seeded):
    [row] = _import("工号,姓名,岗位\nT8301,Ma Lin,astronaut\n")
    assert row.errors[0].startswith("Row 2, 岗位: there is no position “astronaut”.")


def test_a_team_not_yet_known_is_a_new_team_created_on_confirm(seeded):
    text = ("Employee number,Name,Team\n"
            "T8401,One,Hotline team 2\n"
            "T8402,Two,hotline  TEAM 2\n"
            "T8403,Three,热线三组\n")
    plans = _import(text)
    assert [(p.outcome, p.team_name, p.new_team) for p in plans] == [
        ("New", "Hotline team 2", True), ("New", "Hotline team 2", True),
        ("New", "热线三组", True)]
    assert plans[0].details == ["“Hotline team 2” is a new team: it is created when you import."]
    assert _team("hotline-team-2") is None  # nothing written by the preview
    result = staff_import.apply(plans, None, "staff.csv")
    db.session.commit()
    assert result.new_teams == 2
    second, third = _team("hotline-team-2"), _team("team")
    assert (second.name, second.name_zh) == ("Hotline team 2", "")
    assert (third.name, third.name_zh, third.name_in("zh")) == ("热线三组", "热线三组", "热线三组")
    assert accounts.get_by_employee_no("T8402").team_id == second.id
    assert db.session.scalar(select(AuditEvent.detail).where(
        AuditEvent.action == "team_created").order_by(AuditEvent.id)) == {
        "team": "hotline-team-2", "name": "Hotline team 2", "name_zh": ""}
    assert {p.action for p in _import(text)} == {"unchanged"}  # the same file again


def test_a_new_team_is_not_created_when_another_row_has_an_error(seeded):
    plans = _import("Employee number,Name,Team\nT8501,One,Night team\nT8502,,Night team\n")
    assert [p.outcome for p in plans] == ["New", "Error"]
    with pytest.raises(ValueError):
        staff_import.apply(plans, None, "staff.csv")
    db.session.rollback()
    assert _team("night-team") is None


def test_deactivated_positions_and_teams_are_refused_but_people_keep_theirs(seeded):
    accounts.set_unit_active(_position("online-agent"), False)
    accounts.set_unit_active(_team("hall-central"), False)
    db.session.commit()
    trainee = accounts.get_by_employee_no("T0001").full_name  # the demo's, whatever it is
    plans = _import("Employee number,Name,Position,Team\n"
                    "T8601,New Person,Online service agent,Central business hall\n"
                    f"T0001,{trainee},Hotline agent,Hotline team 1\n")
    assert plans[0].outcome == "Error"
    assert plans[0].errors[0].startswith(
        "Row 2, Position: the position “Online service agent” is no longer in use. The "
        "positions are: Business-hall associate, Hotline agent,")
    assert "Online service agent," not in plans[0].errors[0]
    assert plans[0].errors[1] == ("Row 2, Team: the team “Central business hall” is "
                                  "deactivated. The teams are: Hotline team 1.")
    assert plans[1].outcome == "Unchanged"
    accounts.set_unit_active(_team("hotline-1"), False)
    db.session.commit()
    [kept] = _import("Employee number,Name,Position,Team\n"
                     f"T0001,{trainee},Hotline agent,Hotline team 1\n")
    assert kept.outcome == "Unchanged"  # their own team, although deactivated


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_template_has_the_headers_in_the_chosen_language_and_reads_back(seeded, language):
    [header] = staff_import.template(language)
    assert header[:2] == (["Employee number", "Name"] if language == "en" else ["工号", "姓名"])
    text = ",".join(header) + "\nT8701,Li Hua,,Hotline agent,Hotline team 1,,2026-11-01,zh\n"
    [row] = _import(text)
    assert (row.outcome, row.position_name, row.values["hire_date"], row.values["language"]) == (
        "New", "Hotline agent", "2026-11-01", "zh")


def test_a_300_character_name_is_an_error_not_cut(seeded):
    [row] = _import(f"Employee number,Name\nT8801,{'x' * 300}\n")
    assert row.errors == ["Row 2, Name: the name has 300 characters; at most 120."]
