"""People administration through the pages: add, edit, roles, deactivate, password
links, the import preview and confirmation, teams and positions."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import csrf_token, login
from trainingapp.extensions import db
from trainingapp.models import AuditEvent, Position, Role, Team, User
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
    assert "Enter the person&#39;s name." in page and "Give the hire date as a day, for example" in page
    assert 'value="T7100"' in page  # the input is kept
    done = client.post("/admin/people/new", data={
        "csrf_token": token, "employee_no": "t7100", "full_name": "Gao Lin",
        "position": "hotline-agent", "team": "hotline-1", "hire_date": "2026-11-20",
        "language": "zh", "roles": ["supervisor"]})
    assert done.status_code == 302  # redirect after the POST: a reload adds no one
    link = re.search(r"https?://[^<\s]+/reset/[\w-]+",
                     client.get(done.location).get_data(as_text=True)).group(0)
    again = client.get(done.location)  # the link is shown once, then the person's page
    assert again.status_code == 302
    assert "/reset/" not in client.get(again.location).get_data(as_text=True)
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


def _upload(client, token, text, name="staff.csv"):
    return client.post("/admin/people/import", data={
        "csrf_token": token, "file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data")


def test_import_preview_is_a_page_of_its_own_then_confirm(app, client, make_user):
    token = _admin(app, client, make_user)
    good = ("employee_no,name,position,team\nT7301,Wu Lei,Hotline agent,Hotline team 1\n"
            "T7302,Ma Yun,online-agent,Night team\n")
    uploaded = _upload(client, token, good)
    assert uploaded.status_code == 302  # Back and reload do not post the file again
    page = client.get(uploaded.location).get_data(as_text=True)
    assert "staff.csv: 2 new, 0 to update, 0 unchanged, 0 with errors" in page
    assert "<td>Hotline agent</td>" in page and "<td>Online service agent</td>" in page
    assert 'Night team <span class="badge badge-warn">new team</span>' in page
    assert "“Night team” is a new team: it is created when you import." in page
    assert "<td>New</td>" in page and ">create<" not in page
    reloaded = client.get(uploaded.location).get_data(as_text=True)  # a reload: the same rows
    assert reloaded.split("<tbody>")[1].split("</tbody>")[0] == page.split("<tbody>")[1].split(
        "</tbody>")[0]
    with app.app_context():
        assert accounts.get_by_employee_no("T7301") is None  # nothing yet
    done = client.post(uploaded.location, data={"csrf_token": token})
    assert done.location == "/admin/"
    users = client.get("/admin/").get_data(as_text=True)
    assert "Imported staff.csv: 2 new, 0 updated, 0 unchanged." in users
    assert "1 new team was created." in users
    assert "<td>Night team</td>" in users
    twice = client.post(uploaded.location, data={"csrf_token": token})  # a second click
    assert twice.location == uploaded.location
    assert "staff.csv was imported on" in client.get(uploaded.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(
            User.employee_no.in_(["T7301", "T7302"]))) == 2
        assert db.session.scalar(select(Team).where(Team.name == "Night team")).is_active
        assert db.session.scalar(select(AuditEvent.actor_id).where(
            AuditEvent.action == "team_created")) is not None


def test_import_with_bad_rows_offers_no_confirmation(app, client, make_user):
    token = _admin(app, client, make_user)
    bad = "employee_no,Name,Position\nT7401,,hotline-agent\nT7402,Ok,nowhere\n"
    page = client.get(_upload(client, token, bad, "bad.csv").location).get_data(as_text=True)
    assert "0 new" in page and "2 with errors" in page
    assert "Import these rows" not in page
    assert "Row 2, Name: the name is missing." in page
    assert ("Row 3, Position: there is no position “nowhere”. The positions are: "
            "Business-hall associate, Hotline agent, HR specialist,") in page
    assert "full_name" not in page
    wrong_type = _upload(client, token, "%PDF", "staff.pdf").get_data(as_text=True)
    assert "staff.pdf is not a spreadsheet: upload a .csv or .xlsx file." in wrong_type


def test_import_preview_in_chinese(app, client, make_user):
    with app.app_context():
        demo.seed()
        db.session.commit()
    login(client, make_user("A7500", roles=(Role.ADMIN,), language="zh").employee_no)
    token = csrf_token(client, "/admin/")
    page = client.get(_upload(client, token, "工号,姓名,岗位,班组\nT7501,王芳,astronaut,热线三组\n"
                              "T7502,李雷,Hotline agent,热线三组\n").location).get_data(as_text=True)
    assert "热线客服代表" in page and "新班组" in page
    assert "第2行，岗位：没有岗位“astronaut”。" in page and "服务班组长" in page


def test_an_admin_sees_only_their_own_uploads(app, client, make_user):
    token = _admin(app, client, make_user)
    uploaded = _upload(client, token, "employee_no,name\nT7601,Wu Lei\n")
    other = app.test_client()
    login(other, make_user("A7601", roles=(Role.ADMIN,)).employee_no)
    assert other.get(uploaded.location).status_code == 404
    assert other.post(uploaded.location, data={
        "csrf_token": csrf_token(other, "/admin/")}).status_code == 404


def test_people_changed_since_the_upload_import_nothing(app, client, make_user):
    token = _admin(app, client, make_user)
    uploaded = _upload(client, token,
                       "employee_no,name,position\nT7701,Wu Lei,Online service agent\n")
    with app.app_context():
        position = db.session.scalar(select(Position).where(Position.code == "online-agent"))
        accounts.set_unit_active(position, False)
        db.session.commit()
    done = client.post(uploaded.location, data={"csrf_token": token})
    assert done.location == uploaded.location
    page = client.get(done.location).get_data(as_text=True)
    assert "Nothing was imported: fix the rows marked as errors." in page
    assert "is no longer in use" in page
    with app.app_context():
        assert accounts.get_by_employee_no("T7701") is None


@pytest.mark.parametrize(("language", "first"), [("en", "Employee number"), ("zh", "工号")])
def test_import_templates_in_csv_and_xlsx(app, client, make_user, language, first):
    _admin(app, client, make_user)
    csv_file = client.get(f"/admin/people/import/template.csv?language={language}")
    assert csv_file.mimetype == "text/csv"
    assert csv_file.get_data().decode("utf-8-sig").splitlines()[0].split(",")[0] == first
    xlsx = client.get(f"/admin/people/import/template.xlsx?language={language}")
    assert f"staff-{language}.xlsx" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    assert next(sheet.iter_rows(values_only=True))[0] == first
    page = client.get("/admin/people/import").get_data(as_text=True)
    assert "template.xlsx?language=zh" in page and "Hotline agent" in page


# --- limits: refused with a message, never cut without a word -----------------------------


def test_a_300_character_name_is_refused_with_the_message_and_kept(app, client, make_user):
    token = _admin(app, client, make_user)
    long_name = "Ouyang " * 43  # 301 characters
    page = client.post("/admin/people/new", data={
        "csrf_token": token, "employee_no": "T7800", "full_name": long_name,
        "team": "hotline-1"}).get_data(as_text=True)
    assert ("The name can be at most 120 characters long; yours has 300. Shorten it and send "
            "it again.") in page
    assert long_name.strip() in page  # the input is kept, whole
    assert "At most 120 characters." in page  # the limit is shown
    too_long_number = client.post("/admin/people/new", data={
        "csrf_token": token, "employee_no": "T" * 33, "full_name": "Ok"}).get_data(as_text=True)
    assert "The employee number can be at most 32 characters long; yours has 33." in (
        too_long_number)
    person = make_user("T7801")
    edited = client.post(f"/admin/people/{person.id}", data={
        "csrf_token": token, "full_name": long_name, "language": "en"}).get_data(as_text=True)
    assert "The name can be at most 120 characters long; yours has 300." in edited
    with app.app_context():
        assert accounts.get_by_employee_no("T7800") is None
        assert accounts.get_by_employee_no("T7801").full_name == "Person T7801"


def test_a_team_or_position_not_offered_is_refused(app, client, make_user):
    token = _admin(app, client, make_user)
    page = client.post("/admin/people/new", data={
        "csrf_token": token, "employee_no": "T7900", "full_name": "Ok",
        "team": "no-such-team"}).get_data(as_text=True)
    assert "Choose a team from the list." in page


# --- teams and positions ------------------------------------------------------------------


def test_create_rename_and_deactivate_teams_audited(app, client, make_user):
    token = _admin(app, client, make_user)
    added = client.post("/admin/organisation/teams", data={
        "csrf_token": token, "team-code": "hall-east", "team-name": "East hall",
        "team-name_zh": "东区营业厅", "team-site": "East"})
    assert added.location == "/admin/organisation"
    assert "Added the team East hall." in client.get(added.location).get_data(as_text=True)
    taken = client.post("/admin/organisation/teams", data={
        "csrf_token": token, "team-code": "hall-east", "team-name": "Again"})
    assert "The code hall-east is already used." in taken.get_data(as_text=True)
    assert 'value="Again"' in taken.get_data(as_text=True)  # the input is kept
    bad = client.post("/admin/organisation/teams", data={
        "csrf_token": token, "team-code": "East Hall!", "team-name": "x" * 121}).get_data(
        as_text=True)
    assert "A code has lowercase letters, digits and hyphens" in bad
    assert "The name in English can be at most 120 characters long; yours has 121." in bad
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.code == "hall-east"))
    renamed = client.post(f"/admin/organisation/teams/{team.id}", data={
        "csrf_token": token, "name": "East business hall", "name_zh": "东区营业厅",
        "site": "East"})
    assert renamed.location == f"/admin/organisation/teams/{team.id}"
    off = client.post(f"/admin/organisation/teams/{team.id}/active",
                      data={"csrf_token": token, "active": "0"})
    assert off.location == f"/admin/organisation/teams/{team.id}"
    listed = client.get("/admin/organisation").get_data(as_text=True)
    assert "East business hall" in listed and "东区营业厅" in listed and "Deactivated" in listed
    new_person = client.get("/admin/people/new").get_data(as_text=True)
    assert ">East business hall</option>" not in new_person  # not offered any more
    with app.app_context():
        events = db.session.execute(select(AuditEvent.action, AuditEvent.detail).where(
            AuditEvent.action.like("team_%")).order_by(AuditEvent.id)).all()
    assert [action for action, _ in events] == ["team_created", "team_updated",
                                                "team_deactivated"]
    assert events[1][1] == {"team": "hall-east", "before": {"name": "East hall"},
                            "after": {"name": "East business hall"}}


def test_a_deactivated_team_is_kept_by_its_people(app, client, make_user):
    token = _admin(app, client, make_user)
    person = make_user("T8800", team="night")
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.code == "night"))
    client.post(f"/admin/organisation/teams/{team.id}/active",
                data={"csrf_token": token, "active": "0"})
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert 'value="night" selected>Team night (deactivated)' in page
    client.post(f"/admin/people/{person.id}", data={
        "csrf_token": token, "full_name": "Renamed", "team": "night", "language": "en"})
    with app.app_context():
        kept = accounts.get_by_employee_no("T8800")
        assert kept.full_name == "Renamed" and kept.team_id == team.id


def test_team_names_follow_the_viewers_language(app, client, make_user):
    with app.app_context():
        demo.seed()
        db.session.commit()
    token = _admin(app, client, make_user)
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.code == "hotline-1"))
    client.post(f"/admin/organisation/teams/{team.id}", data={
        "csrf_token": token, "name": "Hotline team 1", "name_zh": "热线一组",
        "site": "Contact centre East"})
    chinese = app.test_client()
    login(chinese, make_user("A8900", roles=(Role.ADMIN,), language="zh").employee_no)
    assert "<td>热线一组</td>" in chinese.get("/admin/?q=T0001").get_data(as_text=True)
    assert "<td>Hotline team 1</td>" in client.get("/admin/?q=T0001").get_data(as_text=True)


def test_set_a_teams_supervisors_from_people_with_the_role(app, client, make_user):
    token = _admin(app, client, make_user)
    boss = make_user("S9100", roles=(Role.SUPERVISOR,))
    trainee = make_user("T9100")
    make_user("T9101", team="night")
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.code == "night"))
    page = client.get(f"/admin/organisation/teams/{team.id}").get_data(as_text=True)
    assert "Person S9100 (S9100)" in page and "Person T9100" not in page
    refused = client.post(f"/admin/organisation/teams/{team.id}", data={
        "csrf_token": token, "name": "Night", "supervisors": [str(trainee.id)]})
    assert "Choose supervisors from the list." in refused.get_data(as_text=True)
    done = client.post(f"/admin/organisation/teams/{team.id}", data={
        "csrf_token": token, "name": "Night", "supervisors": [str(boss.id)]})
    assert done.status_code == 302
    their_team = app.test_client()
    login(their_team, "S9100")
    assert "T9101" in their_team.get("/supervisor/").get_data(as_text=True)
    client.post(f"/admin/organisation/teams/{team.id}", data={"csrf_token": token,
                                                             "name": "Night"})
    with app.app_context():
        changes = db.session.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "team_supervisors_changed").order_by(AuditEvent.id)).all()
    assert changes == [{"team": "night", "added": ["S9100"], "removed": []},
                       {"team": "night", "added": [], "removed": ["S9100"]}]


def test_create_rename_and_deactivate_positions(app, client, make_user):
    token = _admin(app, client, make_user)
    half = client.post("/admin/organisation/positions", data={
        "csrf_token": token, "position-code": "night-agent", "position-name_en": "Night agent",
        "position-name_zh": ""}).get_data(as_text=True)
    assert "Enter the position&#39;s name in Chinese." in half
    client.post("/admin/organisation/positions", data={
        "csrf_token": token, "position-code": "night-agent", "position-name_en": "Night agent",
        "position-name_zh": "夜班客服"})
    with app.app_context():
        position = db.session.scalar(select(Position).where(Position.code == "night-agent"))
    client.post(f"/admin/organisation/positions/{position.id}", data={
        "csrf_token": token, "name_en": "Night shift agent", "name_zh": "夜班客服代表"})
    client.post(f"/admin/organisation/positions/{position.id}/active",
                data={"csrf_token": token, "active": "0"})
    assert ">Night shift agent</option>" not in client.get("/admin/people/new").get_data(
        as_text=True)
    client.post(f"/admin/organisation/positions/{position.id}/active",
                data={"csrf_token": token, "active": "1"})
    assert ">Night shift agent</option>" in client.get("/admin/people/new").get_data(
        as_text=True)
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("position_%")).order_by(AuditEvent.id)).all() == [
            "position_created", "position_updated", "position_deactivated",
            "position_reactivated"]


def test_saving_a_team_keeps_a_supervisor_without_the_role(app, client, make_user):
    token = _admin(app, client, make_user)
    make_user("S9200", supervises="night")  # supervises, as an import may say, without the role
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.code == "night"))
        kept = accounts.get_by_employee_no("S9200")
    page = client.get(f"/admin/organisation/teams/{team.id}").get_data(as_text=True)
    assert f'value="{kept.id}" checked' in page
    client.post(f"/admin/organisation/teams/{team.id}", data={
        "csrf_token": token, "name": "Night", "supervisors": [str(kept.id)]})
    with app.app_context():
        assert [p.employee_no for p in accounts.team_with_supervisors(team.id).supervisors] == [
            "S9200"]
