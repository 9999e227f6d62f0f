"""Bulk staff import: good files (CSV and XLSX), bad rows, the same file twice."""

import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from trainingapp.extensions import db
from trainingapp.models import AuditEvent, Team, User
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
    assert [(p.employee_no, p.action) for p in plans] == [
        ("T2001", "create"), ("S2001", "create"), ("T0001", "unchanged")]
    result = staff_import.apply(plans, None, "staff.csv")
    db.session.commit()
    assert (result.created, result.updated, result.unchanged) == (2, 0, 1)
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
                                                    "updated": 0, "unchanged": 1}


def test_the_same_file_twice_changes_nothing(seeded):
    staff_import.apply(_import(GOOD), None, "staff.csv")
    db.session.commit()
    assert {p.action for p in _import(GOOD)} == {"unchanged"}


def test_a_changed_row_is_an_update_naming_the_fields(seeded):
    staff_import.apply(_import(GOOD), None, "staff.csv")
    db.session.commit()
    changed = GOOD.replace("Zhou Xin,zx@example.com", "Zhou Xinyi,zx@example.com")
    plan = {p.employee_no: p for p in _import(changed)}
    assert plan["T2001"].action == "update" and plan["T2001"].changes == ["full_name"]


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
    assert errors[3] == ["full_name: required, at most 120 characters"]
    assert "not an email address" in errors[4][0]
    assert errors[5][0].startswith("position: no position 'astronaut'")
    assert "not a date" in errors[6][0]
    assert errors[7] == ["employee number T3001 also on row 2"]
    assert errors[8] == ["supervisor: no employee X9999"]
    assert errors[9] == ["language: 'fr'; use en or zh"]
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
    assert plans[0].values["hire_date"] == "2026-10-08"


@pytest.mark.parametrize(("name", "data", "message"), [
    ("staff.pdf", b"%PDF", "upload a .csv or .xlsx file"),
    ("staff.xlsx", b"not a zip", "not a readable XLSX workbook"),
    ("staff.csv", b"", "the file is empty"),
    ("staff.csv", b"id,who\n1,2\n", "row 1 needs the columns employee_no, full_name"),
    ("staff.csv", b"\xff\xfe\x00\x00garbage\x81", "not UTF-8 or GB18030 text"),
])
def test_an_unreadable_file_is_named_with_the_reason(app, name, data, message):
    with app.app_context(), pytest.raises(staff_import.ImportFileError, match=message):
        staff_import.read_rows(name, data)


def test_gb18030_csv_from_excel_is_read(app):
    text = "工号,姓名\nT5001,陈静\n".encode("gb18030")
    with app.app_context():
        assert staff_import.read_rows("staff.csv", text)[0]["full_name"] == "陈静"


def test_cli_dry_run_and_import(app, runner, tmp_path, seeded):
    path = tmp_path / "staff.csv"
    path.write_text(GOOD)
    dry = runner.invoke(args=["users", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "Dry run: nothing was changed." in dry.output
    assert "row     2  T2001        create" in dry.output
    assert accounts.get_by_employee_no("T2001") is None
    done = runner.invoke(args=["users", "import", str(path)])
    assert done.exit_code == 0 and "Imported: 2 created, 0 updated, 1 unchanged." in done.output
    bad = tmp_path / "bad.csv"
    bad.write_text("employee_no,name\nT6001,\n")
    failed = runner.invoke(args=["users", "import", str(bad)])
    assert failed.exit_code == 1 and "nothing was imported" in failed.output
