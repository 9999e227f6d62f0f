"""Every route of the URL map, filled in with one trainee's real ids (attempt, call,
certificate, record, assignment), asked for with GET by another team's trainee and by
another team's supervisor: none of them ever sees that trainee's name or employee number
(the public certificate check excepted: it shows the holder to whoever has the code), and
no route answers them with a server error."""

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
            "report_id": 1, "batch_id": 1, "slug": "greeting", "lesson_slug": "opening",
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
