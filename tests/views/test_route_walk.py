"""Every route of the URL map, filled in with one trainee's real ids (attempt, call,
certificate, record, assignment), for seven viewers: anonymous, the trainee, another team's
trainee, their supervisor, another team's supervisor, HR and an admin. Each gets the status
its role allows; another team's trainee and supervisor never see the trainee's name or
employee number (the public certificate check excepted: it shows the holder to whoever has
the code), and no route answers anyone with a server error."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.views.test_object_access import OTHER_LEADER, OWNER, PEER, world  # noqa: F401
from trainingapp.extensions import db
from trainingapp.models import Assignment, Certification

pytestmark = pytest.mark.db
PUBLIC_ABOUT_THE_HOLDER = {"verify.certificate"}


def _values(app, ids):  # type: ignore[no-untyped-def]
    with app.app_context():
        assignment = db.session.scalar(select(Assignment.id).where(
            Assignment.user_id == ids["owner"]))
        code = db.session.get(Certification, ids["cert"]).code
    return {"attempt_id": ids["attempt"], "run_id": ids["run"], "cert_id": ids["cert"],
            "user_id": ids["owner"], "assignment_id": assignment or ids["owner"],
            "report_id": 1, "batch_id": 1, "team_id": 1, "position_id": 1, "kind": "csv", "slug": "greeting", "lesson_slug": "opening",
            "bank_id": "cert-greeting-001", "employee_no": "OWN1", "code": code,
            "token": "not-a-token", "filename": "css/app.css"}


def test_no_route_shows_a_trainee_to_another_team(app, world):  # noqa: F811
    people, clients, ids = world
    values = _values(app, ids)
    owner = people[OWNER]
    walked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in PUBLIC_ABOUT_THE_HOLDER:
            continue
        path = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        for who in (PEER, OTHER_LEADER):
            reply = clients[who].get(path)
            assert reply.status_code < 500, (path, who)
            body = reply.get_data(as_text=True)
            reply.close()
            assert owner.full_name not in body and "OWN1" not in body, (path, who,
                                                                        reply.status_code)
            walked += 1
    assert walked >= 2 * 45  # every GET route, for both


LEADER, HR, ADMIN, ANON = "leader", "hr", "admin", "anonymous"
ROLE_OF = {OWNER: "trainee", PEER: "trainee", LEADER: "supervisor", OTHER_LEADER: "supervisor",
           HR: "hr", ADMIN: "admin", ANON: "anonymous"}


def _only(*who: str, others: int = 404) -> dict[str, int]:
    return {ANON: 302, **{w: 200 if w in who else others for w in ROLE_OF if w != ANON}}


# With the owner's real ids the answer depends on whose the object is (made-up ids: 404).
REAL = {
    "quizzes.take": ("/quizzes/attempts/{attempt_id}", {**_only(), OWNER: 302}),  # handed in
    "quizzes.finish": ("/quizzes/attempts/{attempt_id}/finish", {**_only(), OWNER: 302}),
    "quizzes.result": ("/quizzes/attempts/{attempt_id}/result", _only(OWNER)),
    "records.show": ("/people/{user_id}", _only(OWNER, LEADER, HR)),
    "calls.call": ("/calls/runs/{run_id}", _only(OWNER)),
    "calls.debrief": ("/calls/runs/{run_id}/debrief", {**_only(), OWNER: 302}),  # in progress
    "certification.certificate": ("/certification/certificates/{cert_id}", _only(OWNER, HR)),
    "supervisor.observe": ("/supervisor/people/{user_id}/observe",
                           {**_only(LEADER, others=403), OTHER_LEADER: 404}),
    "supervisor.evaluate": ("/supervisor/people/{user_id}/evaluate",
                            {**_only(LEADER, others=403), OTHER_LEADER: 404}),
    "people.edit": ("/admin/people/{user_id}", _only(ADMIN, others=403)),
    "verify.certificate": ("/verify/{code}", dict.fromkeys(ROLE_OF, 200)),
}


def test_every_route_answers_each_of_seven_viewers_as_their_role_allows(app, world):  # noqa: F811
    from tests.views.test_access import EXPECTED

    _people, clients, ids = world
    values = _values(app, ids)
    clients = {**clients, ANON: app.test_client()}
    assert set(REAL) <= set(EXPECTED) and set(EXPECTED) == {r.endpoint for r in
                                                             app.url_map.iter_rules()}
    for endpoint, (path, by_role) in EXPECTED.items():
        if endpoint in REAL:
            template, expected = REAL[endpoint]
            path = template.format(**values)
        else:
            expected = {who: by_role[ROLE_OF[who]] for who in ROLE_OF}
        for who, status in expected.items():
            reply = clients[who].get(path)
            reply.close()
            assert reply.status_code == status, (endpoint, path, who, reply.status_code)
