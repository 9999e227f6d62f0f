"""The last of issue 14's held-in cases: over-long reasons, evidence, notes and token names
are refused with the limit, never cut; a position that needs no certification is not shown
as a failure on the record; a team's Chinese name is the one Chinese readers see; a
deactivated team is no longer offered for assigning."""

from sqlalchemy import select

from tests.conftest import csrf_token, login, sync_fixture_bank
from tests.views.test_certification_views import _certify, tracks  # noqa: F401
from trainingapp.extensions import db
from trainingapp.models import (
    ApiToken,
    Assignment,
    Certification,
    DueDateExtension,
    Position,
    Role,
    Team,
    User,
)


def test_over_long_reasons_and_evidence_are_refused_not_cut(app, client, make_user,
                                                           tracks):  # noqa: F811
    person = make_user(team="t1")
    cert_id, _code = _certify(app, person.id)
    admin = make_user(roles=(Role.ADMIN, Role.HR))
    login(client, admin.employee_no)
    record = f"/people/{person.id}"
    token = csrf_token(client, record)
    refused = client.post(f"{record}/certificates/{cert_id}/revoke",
                          data={"csrf_token": token, "reason": "x" * 2001})
    assert ("The reason can be at most 2,000 characters long; yours has 2,001."
            in client.get(refused.location).get_data(as_text=True))
    refused = client.post(f"{record}/awards", data={
        "csrf_token": token, "track": "hotline-agent", "source": "exemption", "note": "y" * 2001})
    assert "The evidence can be at most 2,000 characters" in client.get(
        refused.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Certification, cert_id).revoked_at is None
        assert db.session.scalar(select(Certification.id).where(
            Certification.source == "exemption")) is None


def test_an_over_long_extension_reason_or_assignment_note_is_refused(app, client, make_user):
    sync_fixture_bank(app, "cert_bank")
    person = make_user("T5801", team="t1")
    supervisor = make_user(roles=(Role.SUPERVISOR,), supervises="t1")
    login(client, supervisor.employee_no)
    with app.app_context():
        assignment_id = db.session.scalar(select(Assignment.id).where(
            Assignment.user_id == person.id))
        before = db.session.scalar(select(Assignment.note).where(Assignment.id == assignment_id))
    record = f"/people/{person.id}"
    moved = client.post(f"{record}/assignments/{assignment_id}/extend", data={
        "csrf_token": csrf_token(client, record), "due": "2030-03-01", "reason": "z" * 1001})
    assert "The reason can be at most 1,000 characters" in client.get(
        moved.location).get_data(as_text=True)
    note = "n" * 1001
    page = client.post("/supervisor/assign", data={
        "csrf_token": csrf_token(client, "/supervisor/assign"), "what": "module:greeting",
        "due": "2030-01-31", "whole_team": "1", "note": note})
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "The note can be at most 1,000 characters" in body
    assert note in body  # kept in the box to shorten
    with app.app_context():
        assert db.session.scalar(select(DueDateExtension.id)) is None
        assert db.session.scalar(select(Assignment.note).where(
            Assignment.id == assignment_id)) == before
        assert db.session.scalar(select(Assignment.id).where(
            Assignment.target == "greeting")) is None


def test_an_over_long_token_name_is_refused_and_kept(app, client, login_as):
    login_as(Role.ADMIN)
    page = client.post("/admin/tokens", data={"csrf_token": csrf_token(client, "/admin/tokens"),
                                              "name": "r" * 65})
    body = page.get_data(as_text=True)
    assert "The token’s name can be at most 64 characters long; yours has 65." in body
    assert 'value="' + "r" * 65 + '"' in body
    with app.app_context():
        assert db.session.scalar(select(ApiToken.id)) is None


def test_a_position_that_needs_no_certification_is_not_a_failure_on_the_record(
        app, client, make_user, tracks):  # noqa: F811
    hr = make_user(roles=(Role.HR,))
    with app.app_context():
        officer = db.session.get(User, hr.id)
        officer.position = Position(code="hr-specialist", name_en="HR specialist",
                                    name_zh="人力资源专员")
        db.session.commit()
    login(client, hr.employee_no)
    page = client.get(f"/people/{hr.id}").get_data(as_text=True)
    assert "No certification needed" in page and "Not cleared for duty" not in page


def test_chinese_readers_see_a_team_s_chinese_name(app, client, make_user):
    sync_fixture_bank(app, "cert_bank")
    make_user("T5901", team="t1")
    supervisor = make_user(roles=(Role.SUPERVISOR, Role.HR), supervises="t1", language="zh")
    with app.app_context():
        db.session.scalar(select(Team).filter_by(code="t1")).name_zh = "热线一组"
        db.session.commit()
    login(client, supervisor.employee_no)
    assert "热线一组" in client.get("/supervisor/").get_data(as_text=True)
    export = client.get("/hr/matrix?export=csv").get_data(as_text=True)
    assert "热线一组" in export and "Team t1" not in export


def test_a_deactivated_team_is_not_offered_for_assigning(app, client, make_user):
    sync_fixture_bank(app, "cert_bank")
    make_user("T6001", team="t-closed")
    make_user("T6002", team="t-open")
    hr = make_user(roles=(Role.HR,))
    with app.app_context():
        db.session.scalar(select(Team).filter_by(code="t-closed")).is_active = False
        db.session.commit()
    login(client, hr.employee_no)
    page = client.get("/hr/assign").get_data(as_text=True)
    assert "team:t-open" in page and "team:t-closed" not in page
    assert "Team t-closed" in client.get("/hr/matrix").get_data(as_text=True)  # a filter keeps it
