"""QUALITY.md reliability 9: each start, submission, award, revocation, role change and
import writes one audit row saying who, when, what and from where (regrades: test_analysis)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token, login, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import AuditEvent, CertificateSource, Certification, Role, User
from trainingapp.services import accounts, certification, staff_import

pytestmark = pytest.mark.db
FROM = {"REMOTE_ADDR": "10.20.30.40"}


def _events(app, action):  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_every_listed_event_is_written_once_with_who_when_what_and_where(app, client,
                                                                        make_user):
    sync_fixture_bank(app, "quiz_bank")
    trainee = make_user("AU01", team="t1")
    admin = make_user("AU02", roles=(Role.ADMIN,))
    login(client, trainee.employee_no)
    token = csrf_token(client, "/quizzes/")
    url = client.post("/quizzes/modules/drill/start", data={"csrf_token": token},
                      environ_base=FROM).location
    client.post(f"{url}/submit", data={"csrf_token": token}, environ_base=FROM)
    with app.test_request_context(environ_base=FROM):
        actor = accounts.get_by_employee_no(admin.employee_no)
        person = accounts.get_by_employee_no(trainee.employee_no)
        accounts.set_roles(person, [Role.SUPERVISOR], actor=actor)
        plans = staff_import.plan(staff_import.read_rows(
            "staff.csv", b"employee_no,name\nAU09,New Person\n"))
        staff_import.apply(plans, actor, "staff.csv")
        db.session.commit()
    expected = {"quiz_started": trainee.id, "quiz_submitted": trainee.id,
                "roles_changed": admin.id, "staff_imported": admin.id}
    for action, actor_id in expected.items():
        found = _events(app, action)
        assert len(found) == 1, action
        event = found[0]
        assert event.actor_id == actor_id, action
        assert event.remote_addr == "10.20.30.40", action
        assert event.at is not None and event.detail is not None, action
    assert _events(app, "quiz_submitted")[0].subject_user_id == trainee.id


def test_awards_and_revocations_are_on_the_record(app, make_user):
    sync_fixture_bank(app, "cert_bank")
    trainee = make_user("AU03")
    hr = make_user("AU04", roles=(Role.HR, Role.ADMIN))
    with app.test_request_context(environ_base=FROM):
        actor = db.session.get(User, hr.id)
        person = db.session.get(User, trainee.id)
        track = certification.get_track("hotline-agent")
        cert = certification.record_outside_award(actor, person, track,
                                                  CertificateSource.EXTERNAL,
                                                  "certified by the old system",
                                                  datetime.now(UTC))
        certification.revoke(actor, db.session.get(Certification, cert.id), "quality incident",
                             datetime.now(UTC))
        db.session.commit()
    for action in ("certificate_external", "certificate_revoked"):
        [event] = _events(app, action)
        assert (event.actor_id, event.subject_user_id, event.remote_addr) == (
            hr.id, trainee.id, "10.20.30.40")
