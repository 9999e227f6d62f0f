"""The training record at /people/<id> and what is done to it: moving a due date,
revoking and reinstating certificates, recording outside awards; its former addresses
redirect permanently."""

import re

from sqlalchemy import select

from tests.conftest import csrf_token, login, sync_fixture_bank
from tests.views.test_certification_views import _certify, tracks  # noqa: F401
from trainingapp.extensions import db
from trainingapp.models import (
    Assignment,
    CertificateSource,
    Certification,
    DueDateExtension,
    Role,
    User,
    utcnow,
)
from trainingapp.services import certification


def test_hr_revokes_with_a_reason_and_reinstates(app, client, make_user, tracks):  # noqa: F811
    person = make_user(team="t1")
    cert_id, code = _certify(app, person.id)
    hr = make_user(roles=(Role.HR,))
    login(client, hr.employee_no)
    record = f"/people/{person.id}"
    token = csrf_token(client, record)
    no_reason = client.post(f"{record}/certificates/{cert_id}/revoke",
                            data={"csrf_token": token, "reason": " "})
    assert "Give the reason" in client.get(no_reason.location).get_data(as_text=True)
    client.post(f"{record}/certificates/{cert_id}/revoke",
                data={"csrf_token": token, "reason": "Data disclosed on a call"})
    with app.app_context():
        assert not certification.status_of(db.session.get(User, person.id), utcnow()).clearance.cleared
    page = client.get(record).get_data(as_text=True)
    assert "Data disclosed on a call" in page and "Reinstate" in page
    assert "Certification history" in page and "Award made elsewhere recorded · " in page
    assert f"Certificate revoked · Hotline agent certification ({code}): Data disclosed" in page
    assert "certificate_revoked" not in page and "hotline-agent" not in page
    client.post(f"{record}/certificates/{cert_id}/reinstate",
                data={"csrf_token": token, "reason": "Appeal upheld"})
    with app.app_context():
        assert certification.status_of(db.session.get(User, person.id), utcnow()).clearance.cleared
    trainee = app.test_client()
    login(trainee, person.employee_no)
    assert trainee.post(f"{record}/certificates/{cert_id}/revoke",
                        data={"csrf_token": csrf_token(trainee, "/learn/"),
                              "reason": "x"}).status_code == 403


def test_only_admins_record_outside_awards_with_evidence(app, client, make_user,
                                                        tracks):  # noqa: F811
    person = make_user()
    admin = make_user(roles=(Role.ADMIN,))
    login(client, admin.employee_no)
    token = csrf_token(client, "/admin/")
    missing = client.post(f"/people/{person.id}/awards", data={
        "csrf_token": token, "track": "hotline-agent", "source": "exemption", "note": ""})
    assert missing.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Certification)) is None
    client.post(f"/people/{person.id}/awards", data={
        "csrf_token": token, "track": "hotline-agent", "source": "exemption",
        "note": "Senior agent transferred in; HR file 2026-118"})
    with app.app_context():
        assert db.session.scalar(select(Certification)).source == CertificateSource.EXEMPTION


def test_moving_a_due_date_needs_a_reason(app, client, make_user):
    sync_fixture_bank(app, "cert_bank")
    person = make_user("T5701", team="t1")
    supervisor = make_user(roles=(Role.SUPERVISOR,), supervises="t1")
    with app.app_context():
        assignment_id = db.session.scalar(select(Assignment.id).where(
            Assignment.user_id == person.id))
    login(client, supervisor.employee_no)
    record = f"/people/{person.id}"
    token = csrf_token(client, record)
    path = f"{record}/assignments/{assignment_id}/extend"
    without = client.post(path, data={"csrf_token": token, "due": "2030-03-01"})
    assert "Give the new due date and the reason." in client.get(without.location).get_data(
        as_text=True)
    client.post(path, data={"csrf_token": token, "due": "2030-03-01", "reason": "Sick leave"})
    with app.app_context():
        assert db.session.scalar(select(DueDateExtension.reason)) == "Sick leave"
    own = app.test_client()
    login(own, person.employee_no)
    assert own.post(path, data={"csrf_token": csrf_token(own, "/learn/"), "due": "2031-01-01",
                                "reason": "self"}).status_code == 404  # not one's own


def test_the_records_former_addresses_redirect_permanently(app, client, make_user,
                                                           tracks):  # noqa: F811
    person = make_user(team="t1")
    cert_id, _ = _certify(app, person.id)
    with app.app_context():
        assignment_id = db.session.scalar(select(Assignment.id).where(
            Assignment.user_id == person.id))
    hr = make_user(roles=(Role.HR, Role.ADMIN))
    login(client, hr.employee_no)
    record = f"/people/{person.id}"
    old = client.get(f"/quizzes/people/{person.id}")
    assert (old.status_code, old.location) == (308, record)
    token = csrf_token(client, record)
    for old_path, new_path in (
            (f"/quizzes/people/{person.id}/assignments/{assignment_id}/extend",
             f"{record}/assignments/{assignment_id}/extend"),
            (f"/certification/manage/certificates/{cert_id}/revoke",
             f"{record}/certificates/{cert_id}/revoke"),
            (f"/certification/manage/certificates/{cert_id}/reinstate",
             f"{record}/certificates/{cert_id}/reinstate"),
            (f"/admin/people/{person.id}/award", f"{record}/awards")):
        moved = client.post(old_path, data={"csrf_token": token})
        assert (moved.status_code, moved.location) == (308, new_path), old_path
    assert client.post("/certification/manage/certificates/999999/revoke",
                       data={"csrf_token": token}).status_code == 404
    posted = {"csrf_token": token, "reason": "Posted to the old address"}
    moved = client.post(f"/certification/manage/certificates/{cert_id}/revoke", data=posted)
    client.post(moved.location, data=posted)  # as a browser does on a 308: the same form again
    assert "Posted to the old address" in client.get(record).get_data(as_text=True)
    trainee = app.test_client()
    login(trainee, person.employee_no)
    assert trainee.post(f"/certification/manage/certificates/{cert_id}/revoke",
                        data={"csrf_token": csrf_token(trainee, "/learn/")}).status_code == 403


def test_the_record_has_a_plain_title_and_one_audit_trail(client, login_as):
    person = login_as()
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert re.search(r"<title>[^<>]+</title>", page)
    assert page.count('class="card audit-trail"') == 1
