"""The roster check page: an uploaded roster is read by its employee-number column, pasted
text still works, a number nobody has differs from a colleague in another team, the
supervisor is in their own team, and bad input is refused with a reason and kept."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from tests.conftest import count_queries, csrf_token, login, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import Position, Role, User


@pytest.fixture
def supervisor(app, client, make_user):
    """Signed in: the supervisor of t1, a member of t1 in a position that needs no
    certification; in t1 a trainee, in t2 a colleague."""
    sync_fixture_bank(app, "cert_bank")
    make_user("V0001", team="t1")
    make_user("V0002", team="t2")
    boss = make_user("VS001", roles=(Role.SUPERVISOR,), team="t1", supervises="t1")
    with app.app_context():
        leader = Position(code="shift-lead", name_en="Shift lead", name_zh="值班长")
        db.session.add(leader)
        db.session.flush()
        db.session.get(User, boss.id).position_id = leader.id
        db.session.commit()
    login(client, boss.employee_no)
    return boss


def _send(client, **data):
    token = csrf_token(client, "/supervisor/roster")
    return client.post("/supervisor/roster", data={"csrf_token": token, **data},
                       content_type="multipart/form-data")


def _file(text, name="roster.csv"):
    return (io.BytesIO(text.encode()), name)


def test_an_uploaded_roster_is_read_by_its_number_column(client, supervisor):
    roster = "Name,Employee number,Shift\nPerson V0001,V0001,early\nNobody Here,X9999,late\n" \
             "Person V0002,V0002,late\nThe Boss,VS001,early\n"
    response = _send(client, employee_nos="", file=_file(roster))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "0 of 4 cleared" in page  # the header, names and shifts are no rows
    assert "NOBODY" not in page and "EARLY" not in page
    assert '<textarea id="employee_nos" name="employee_nos" rows="5">V0001\nX9999\nV0002\nVS001' \
        in page
    assert page.count("No such employee") == 1 and page.count("Not in your team") == 1
    assert "Person V0002" not in page  # another team's: no name, no details
    assert "Person VS001" in page and "No certification needed" in page  # the supervisor
    assert "<li>Module quiz: Greeting the caller — not passed yet</li>" in page


def test_an_excel_roster_with_a_chinese_header_and_pasted_numbers_together(client, supervisor):
    book = Workbook()
    book.active.append(["姓名", "工号"])
    book.active.append(["李娜", "V0001"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    page = _send(client, employee_nos="VS001", file=(buffer, "排班.xlsx")).get_data(as_text=True)
    assert "0 of 2 cleared" in page and "李娜" not in page
    assert "VS001\nV0001</textarea>" in page


def test_the_uploaded_roster_downloads_as_csv_in_words(client, supervisor):
    roster = "员工编号,姓名\nV0001,李娜\nV0002,王强\nGHOST1,无名\nVS001,班组长\n"
    export = _send(client, employee_nos="", file=_file(roster), format="csv")
    lines = export.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert export.mimetype == "text/csv"
    assert [line.split(",")[:3] for line in lines] == [
        ["Employee number", "Name", "Cleared for duty"], ["V0001", "Person V0001", "No"],
        ["V0002", "", ""], ["GHOST1", "", ""], ["VS001", "Person VS001", "No certification needed"]]
    assert [line.split(",")[3] for line in lines[2:4]] == ["Not in your team", "No such employee"]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("roster.xlsx", b"PK broken", "roster.xlsx is not a readable Excel workbook."),
    ("roster.pdf", b"%PDF-1.4", "Upload the roster as a CSV, text or Excel (.xlsx) file."),
])
def test_a_file_that_cannot_be_read_is_refused_and_the_typed_numbers_stay(client, supervisor,
                                                                          name, data, message):
    response = _send(client, employee_nos="V0001 V0002", file=(io.BytesIO(data), name))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert ">V0001 V0002</textarea>" in page and "cleared</caption>" not in page


def test_more_numbers_than_a_check_takes_are_refused_not_cut(client, supervisor):
    numbers = " ".join(f"N{n:05d}" for n in range(1001))
    page = _send(client, employee_nos=numbers).get_data(as_text=True)
    assert "At most 1000 employee numbers at a time: these are 1001." in page
    assert "cleared</caption>" not in page and "N01000" in page


def test_the_page_speaks_chinese_to_a_chinese_supervisor(app, client, supervisor):
    with app.app_context():
        db.session.scalar(select(User).filter_by(employee_no="VS001")).language = "zh"
        db.session.commit()
    page = _send(client, employee_nos="V0001 V0002 GHOST VS001").get_data(as_text=True)
    assert "不在您的班组" in page and "查无此员工" in page and "无需认证" in page
    assert "<li>热线客服上岗认证：未开始</li>" in page
    assert "<li>模拟通话：无线网络慢——尚未通过</li>" in page


def test_the_check_costs_the_same_queries_for_one_person_or_many(app, client, make_user,
                                                                  supervisor):
    numbers = [make_user(f"V1{n:03d}", team="t1").employee_no for n in range(12)]
    _send(client, employee_nos=numbers[0])  # the tracks and titles are read once a minute
    token = csrf_token(client, "/supervisor/roster")
    counts = []
    for size in (1, 12):
        with count_queries(app) as queries:
            page = client.post("/supervisor/roster", data={
                "csrf_token": token, "employee_nos": " ".join(numbers[:size] + ["GHOST"])})
        assert f"0 of {size + 1} cleared" in page.get_data(as_text=True)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
