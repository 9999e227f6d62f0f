"""QUALITY.md security 1 and 3 with real object ids: one trainee's attempt, call, certificate
and record, asked for by everyone else (another team's trainee, their supervisor, another
team's supervisor, HR, an admin): each gets what their role allows, the others a 404 that
shows nothing of the trainee; lists show only one's own team. Mass assignment (a form
that adds role=admin or team_id) changes nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token, login, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import (
    CallRun,
    CertificateSource,
    Certification,
    QuizAttempt,
    Role,
    User,
)
from trainingapp.services import certification

pytestmark = pytest.mark.db
OWNER, PEER, LEADER, OTHER_LEADER, HR, ADMIN = ("owner", "peer", "leader", "other_leader",
                                                "hr", "admin")


@pytest.fixture
def world(app, make_user):  # type: ignore[no-untyped-def]
    sync_fixture_bank(app, "cert_bank")
    people = {
        OWNER: make_user("OWN1", team="t1"),
        PEER: make_user("PEER1", team="t2"),
        LEADER: make_user("LEAD1", roles=(Role.SUPERVISOR,), team="t1", supervises="t1"),
        OTHER_LEADER: make_user("LEAD2", roles=(Role.SUPERVISOR,), team="t2", supervises="t2"),
        HR: make_user("HR1", roles=(Role.HR,)),
        ADMIN: make_user("ADM1", roles=(Role.ADMIN,)),
    }
    clients = {}
    for who, person in people.items():
        clients[who] = app.test_client()
        login(clients[who], person.employee_no)
    owner = clients[OWNER]
    token = csrf_token(owner, "/quizzes/")
    attempt_url = owner.post("/quizzes/modules/greeting/start",
                             data={"csrf_token": token}).location
    owner.post(f"{attempt_url}/submit", data={"csrf_token": token})
    run_url = owner.post("/calls/slow-wifi/start", data={"csrf_token": token}).location
    with app.app_context():
        track = certification.get_track("hotline-agent")
        now = datetime.now(UTC)
        cert = Certification(user_id=people[OWNER].id, track_id=track.id,
                             source=CertificateSource.EXTERNAL, valid_from=now,
                             expires_at=now + timedelta(days=300), note="granted elsewhere")
        db.session.add(cert)
        db.session.commit()
        ids = {"attempt": db.session.scalar(select(QuizAttempt.id)),
               "run": db.session.scalar(select(CallRun.id)), "cert": cert.id,
               "owner": people[OWNER].id}
    assert attempt_url.endswith(str(ids["attempt"])) and run_url.endswith(str(ids["run"]))
    return people, clients, ids


ALL = (OWNER, PEER, LEADER, OTHER_LEADER, HR, ADMIN)


def allowed(*who: str, others: int = 404) -> dict[str, int]:
    return {w: (200 if w in who else others) for w in ALL}


# path (with the owner's ids) → status per viewer
PAGES = {
    "/quizzes/attempts/{attempt}/result": allowed(OWNER),
    "/quizzes/attempts/{attempt}/finish": {**allowed(OWNER), OWNER: 302},  # handed in
    "/calls/runs/{run}": allowed(OWNER),
    "/certification/certificates/{cert}": allowed(OWNER, HR),
    "/people/{owner}": allowed(OWNER, LEADER, HR),
    "/supervisor/people/{owner}/observe": {**allowed(LEADER, others=403), OTHER_LEADER: 404},
    "/supervisor/people/{owner}/evaluate": {**allowed(LEADER, others=403), OTHER_LEADER: 404},
    "/admin/people/{owner}": allowed(ADMIN, others=403),
}


@pytest.mark.parametrize("path", PAGES)
def test_each_viewer_gets_what_their_role_allows_and_no_more(world, path):
    people, clients, ids = world
    for who, expected in PAGES[path].items():
        reply = clients[who].get(path.format(**ids))
        assert reply.status_code == expected, (path, who, reply.status_code)
        if expected != 200 and who != OWNER:
            body = reply.get_data(as_text=True)
            assert people[OWNER].full_name not in body and "OWN1" not in body, (path, who)


def test_writes_on_someone_elses_objects_are_refused_and_change_nothing(app, world):
    people, clients, ids = world
    peer = clients[PEER]
    token = csrf_token(peer, "/quizzes/")
    for path, data in ((f"/quizzes/attempts/{ids['attempt']}/autosave",
                        {"position": "1", "q1": "0", "csrf_token": token}),
                       (f"/quizzes/attempts/{ids['attempt']}/submit", {"csrf_token": token}),
                       (f"/quizzes/attempts/{ids['attempt']}/report",
                        {"position": "1", "kind": "wrong", "csrf_token": token}),
                       (f"/calls/runs/{ids['run']}/turn",
                        {"node": "start", "choice": "0", "csrf_token": token})):
        assert peer.post(path, data=data).status_code == 404, path
    other_leader = clients[OTHER_LEADER]
    token = csrf_token(other_leader, "/supervisor/")
    assert other_leader.post(f"/people/{ids['owner']}/certificates/{ids['cert']}/revoke",
                             data={"reason": "x", "csrf_token": token}).status_code in (403, 404)
    with app.app_context():
        assert db.session.get(Certification, ids["cert"]).revoked_at is None


def test_lists_show_only_ones_own_team(world):
    people, clients, _ids = world
    mine = clients[LEADER].get("/supervisor/").get_data(as_text=True)
    theirs = clients[OTHER_LEADER].get("/supervisor/").get_data(as_text=True)
    assert "OWN1" in mine and "PEER1" not in mine
    assert "PEER1" in theirs and "OWN1" not in theirs
    roster = clients[OTHER_LEADER].post("/supervisor/roster", data={
        "numbers": "OWN1\nPEER1", "csrf_token": csrf_token(clients[OTHER_LEADER],
                                                          "/supervisor/roster")})
    assert people[OWNER].full_name not in roster.get_data(as_text=True)
    matrix = clients[HR].get("/hr/matrix").get_data(as_text=True)
    assert "OWN1" in matrix and "PEER1" in matrix  # HR reads everyone


def test_a_form_that_adds_role_or_team_changes_nothing(app, world):
    people, clients, _ids = world
    owner = clients[OWNER]
    token = csrf_token(owner, "/account/password")
    owner.post("/account/password", data={
        "current_password": "wrong", "new_password": "x", "confirm": "x", "csrf_token": token,
        "role": "admin", "roles": "admin", "team_id": "999", "is_active": "1"})
    owner.post("/notifications/email", data={"wants_email": "1", "csrf_token": token,
                                             "role": "admin", "team_id": "999"})
    owner.post("/language", data={"language": "zh", "csrf_token": token, "role": "admin",
                                  "employee_no": "ADM1"})
    with app.app_context():
        person = db.session.get(User, people[OWNER].id)
        db.session.refresh(person, ["role_rows"])
        assert person.roles == {Role.TRAINEE}
        assert person.team_id == people[OWNER].team_id and person.employee_no == "OWN1"
    assert owner.get("/admin/").status_code == 403
    assert re.search(r"OWN1", owner.get("/learn/").get_data(as_text=True))
