"""People administration through the pages: add, edit, roles, deactivate, password
links, the import preview and confirmation, teams and positions."""

import io
import re

from sqlalchemy import select

from tests.conftest import csrf_token, login
from trainingapp.extensions import db
from trainingapp.models import AuditEvent, Role, User
from trainingapp.ops import demo
from trainingapp.services import accounts


def _admin(app, client, make_user):
    with app.app_context():
        demo.seed()
        db.session.commit()
    login(client, make_user(roles=(Role.ADMIN,)).employee_no)
    return csrf_token(client, "/admin/")


def test_add_a_person_who_then_sets_a_password_by_link(app, client, make_user):
    token = _admin(app, client, make_user)
    bad = client.post("/admin/people/new", data={"csrf_token": token, "employee_no": "T7100",
                                                 "full_name": "", "hire_date": "yesterday"})
    page = bad.get_data(as_text=True)
    assert "Enter the person&#39;s name." in page and "Enter the date as YYYY-MM-DD." in page
    assert 'value="T7100"' in page  # the input is kept
    done = client.post("/admin/people/new", data={
        "csrf_token": token, "employee_no": "t7100", "full_name": "Gao Lin",
        "position": "hotline-agent", "team": "hotline-1", "hire_date": "2026-11-20",
        "language": "zh", "roles": ["supervisor"]})
    link = re.search(r"https?://[^<\s]+/reset/[\w-]+", done.get_data(as_text=True)).group(0)
    path = link.split("localhost", 1)[-1]
    newcomer = app.test_client()
    form = newcomer.get(path)
    assert form.status_code == 200
    weak = newcomer.post(path, data={"csrf_token": csrf_token(newcomer, path),
                                     "new_password": "password1", "confirm": "password1"})
    assert "most common" in weak.get_data(as_text=True)
    newcomer.post(path, data={"csrf_token": csrf_token(newcomer, path),
                              "new_password": "green tea at nine", "confirm": "green tea at nine"})
    assert login(newcomer, "T7100", "green tea at nine").status_code == 302
    assert newcomer.get(path).status_code == 404  # the link works once
    with app.app_context():
        person = accounts.get_by_employee_no("T7100")
        assert person.roles == {Role.TRAINEE, Role.SUPERVISOR} and person.language == "zh"


def test_edit_roles_and_position_is_audited_and_deactivation_ends_sessions(app, client,
                                                                           make_user):
    token = _admin(app, client, make_user)
    person = make_user("T7200", team="t1")
    their_session = app.test_client()
    login(their_session, "T7200")
    client.post(f"/admin/people/{person.id}", data={
        "csrf_token": token, "full_name": "Renamed Person", "position": "team-leader",
        "team": "hotline-1", "language": "en", "roles": ["hr"]})
    with app.app_context():
        changed = accounts.get_by_employee_no("T7200")
        assert changed.full_name == "Renamed Person" and changed.roles == {Role.TRAINEE, Role.HR}
        actions = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.subject_user_id == person.id).order_by(AuditEvent.id)).all()
        assert "user_updated" in actions and "roles_changed" in actions
    client.post(f"/admin/people/{person.id}/active", data={"csrf_token": token, "active": "0"})
    assert their_session.get("/learn/").status_code == 302
    client.post(f"/admin/people/{person.id}/active", data={"csrf_token": token, "active": "1"})
    with app.app_context():
        assert db.session.get(User, person.id).is_active


def test_import_preview_then_confirm(app, client, make_user):
    token = _admin(app, client, make_user)
    good = ("employee_no,name,position,team\nT7301,Wu Lei,hotline-agent,hotline-1\n"
            "T7302,Ma Yun,online-agent,hotline-1\n")
    preview = client.post("/admin/people/import", data={
        "csrf_token": token, "file": (io.BytesIO(good.encode()), "staff.csv")},
        content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert "staff.csv: 2 to create, 0 to update, 0 unchanged, 0 errors" in page
    with app.app_context():
        assert accounts.get_by_employee_no("T7301") is None  # nothing yet
    batch = re.search(r'/admin/people/import/(\d+)', page).group(1)
    done = client.post(f"/admin/people/import/{batch}", data={"csrf_token": token})
    assert done.location == "/admin/"
    assert "2 created" in client.get("/admin/").get_data(as_text=True)
    assert client.post(f"/admin/people/import/{batch}",
                       data={"csrf_token": token}).status_code == 404  # applied once


def test_import_with_bad_rows_offers_no_confirmation(app, client, make_user):
    token = _admin(app, client, make_user)
    bad = "employee_no,name,position\nT7401,,hotline-agent\nT7402,Ok,nowhere\n"
    page = client.post("/admin/people/import", data={
        "csrf_token": token, "file": (io.BytesIO(bad.encode()), "bad.csv")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "0 to create" in page and "2 errors" in page
    assert "Import these rows" not in page and "no position &#39;nowhere&#39;" in page
    wrong_type = client.post("/admin/people/import", data={
        "csrf_token": token, "file": (io.BytesIO(b"%PDF"), "staff.pdf")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "upload a .csv or .xlsx file" in wrong_type


def test_teams_and_positions(app, client, make_user):
    token = _admin(app, client, make_user)
    client.post("/admin/people/organisation", data={"csrf_token": token, "kind": "team",
                                                    "code": "hall-east", "name": "East hall",
                                                    "site": "East"})
    taken = client.post("/admin/people/organisation", data={
        "csrf_token": token, "kind": "team", "code": "hall-east"}).get_data(as_text=True)
    assert "already used" in taken
    half = client.post("/admin/people/organisation", data={
        "csrf_token": token, "kind": "position", "code": "night-agent", "name_en": "Night agent",
        "name_zh": ""}).get_data(as_text=True)
    assert "in English and Chinese" in half
    page = client.get("/admin/people/organisation").get_data(as_text=True)
    assert "East hall" in page and "night-agent" not in page
