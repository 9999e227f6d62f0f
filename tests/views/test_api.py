"""The clearance API: bearer tokens, answers that match the OpenAPI document, and a bulk
query whose cost does not grow with the number of people asked."""

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from tests.conftest import count_queries, sync_fixture_bank
from trainingapp.api.openapi import DOCUMENT
from trainingapp.extensions import db
from trainingapp.models import Position, User, utcnow
from trainingapp.services import api_tokens


def _validator(name):
    """A JSON Schema validator for one of the document's component schemas."""
    registry = Registry().with_resource("urn:api", Resource.opaque(DOCUMENT))
    return Draft202012Validator({"$ref": f"urn:api#/components/schemas/{name}"},
                                registry=registry)


@pytest.fixture
def token(app):
    sync_fixture_bank(app, "cert_bank")
    with app.app_context():
        _, plain = api_tokens.create("roster")
        db.session.commit()
    return plain


def _auth(plain):
    return {"Authorization": f"Bearer {plain}"}


def test_a_person_s_clearance_matches_the_document(client, make_user, token):
    person = make_user("T8001")
    response = client.get("/api/v1/clearance/T8001", headers=_auth(token))
    assert response.status_code == 200
    body = response.json
    _validator("Clearance").validate(body)
    assert body["employee_no"] == person.employee_no and body["cleared"] is False
    assert body["certification_required"] is True
    assert body["tracks"] == [{"track": "hotline-agent", "status": "not_started",
                               "expires_at": None,
                               "missing": ["module:greeting", "scenario:slow-wifi"],
                               "reasons": ["Not started",
                                           "Module quiz: Greeting the caller — not passed yet",
                                           "Practice call: Slow Wi-Fi — not passed yet"]}]
    assert response.headers["Content-Language"] == "en"


@pytest.mark.parametrize("accept", ["zh", "zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans-CN"])
def test_the_reasons_speak_the_language_asked_for_and_the_codes_stay(client, make_user,
                                                                      token, accept):
    make_user("T8011")
    response = client.get("/api/v1/clearance/T8011",
                          headers={**_auth(token), "Accept-Language": accept})
    _validator("Clearance").validate(response.json)
    track = response.json["tracks"][0]
    assert track["missing"] == ["module:greeting", "scenario:slow-wifi"]
    assert track["reasons"] == ["未开始", "模块测验：问候来电客户——尚未通过",
                                "模拟通话：无线网络慢——尚未通过"]
    assert response.headers["Content-Language"] == "zh"
    assert "Accept-Language" in response.headers["Vary"]
    bulk = client.post("/api/v1/clearance", json={"employee_nos": ["T8011"]},
                       headers={**_auth(token), "Accept-Language": accept})
    _validator("Bulk").validate(bulk.json)
    assert bulk.json["results"][0]["tracks"][0]["reasons"] == track["reasons"]


@pytest.mark.parametrize("accept", [None, "fr-FR", "*", "en-GB,en;q=0.9"])
def test_the_reasons_are_english_unless_chinese_is_asked_for(client, make_user, token, accept):
    make_user("T8012")
    headers = {**_auth(token), **({"Accept-Language": accept} if accept else {})}
    response = client.get("/api/v1/clearance/T8012", headers=headers)
    assert response.json["tracks"][0]["reasons"][0] == "Not started"


def test_a_position_without_certification_is_said_so_and_not_cleared(app, client, make_user,
                                                                      token):
    person = make_user("T8013")
    with app.app_context():
        position = Position(code="hr-specialist", name_en="HR specialist", name_zh="人力资源专员")
        db.session.add(position)
        db.session.flush()
        db.session.get(User, person.id).position_id = position.id
        db.session.commit()
    body = client.get("/api/v1/clearance/T8013", headers=_auth(token)).json
    _validator("Clearance").validate(body)
    assert body["certification_required"] is False
    assert body["cleared"] is False and body["tracks"] == []
    document = client.get("/api/v1/openapi.json").json
    assert "certification_required" in document["components"]["schemas"]["Clearance"]["required"]


def test_unknown_employee_is_a_json_404(client, token):
    response = client.get("/api/v1/clearance/NOBODY", headers=_auth(token))
    assert response.status_code == 404 and response.json["error"] == "not_found"
    _validator("Error").validate(response.json)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer tap_wrong", "Basic dXNlcjpwYXNz",
                                    "tap_right-token-without-scheme"])
def test_missing_or_wrong_tokens_are_refused(client, make_user, token, header):
    make_user("T8002")
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/clearance/T8002", headers=headers)
    assert response.status_code == 401 and response.json["error"] == "unauthorized"


def test_a_revoked_token_stops_working_at_once(app, client, make_user, token):
    make_user("T8003")
    assert client.get("/api/v1/clearance/T8003", headers=_auth(token)).status_code == 200
    with app.app_context():
        api_tokens.revoke("roster", utcnow())
        db.session.commit()
    assert client.get("/api/v1/clearance/T8003", headers=_auth(token)).status_code == 401


def test_tokens_are_stored_as_hashes(app, token):
    with app.app_context():
        stored = api_tokens.all_tokens()[0]
        assert token not in (stored.token_hash, stored.prefix) and stored.prefix == token[:8]


def test_bulk_answers_and_lists_the_unknown(client, make_user, token):
    for n in range(3):
        make_user(f"T81{n:02d}")
    response = client.post("/api/v1/clearance", headers=_auth(token),
                           json={"employee_nos": ["T8100", "T8101", "GHOST", "T8102"]})
    assert response.status_code == 200
    _validator("Bulk").validate(response.json)
    assert [r["employee_no"] for r in response.json["results"]] == ["T8100", "T8101", "T8102"]
    assert response.json["unknown"] == ["GHOST"]


@pytest.mark.parametrize("body", [{}, {"employee_nos": []}, {"employee_nos": "T1"},
                                  {"employee_nos": [1, 2]}, {"employee_nos": ["x"] * 1001}])
def test_bulk_rejects_a_bad_body(client, token, body):
    response = client.post("/api/v1/clearance", headers=_auth(token), json=body)
    assert response.status_code == 400 and response.json["error"] == "bad_request"


def test_bulk_query_count_is_constant_in_the_number_of_people(app, client, make_user, token):
    numbers = [make_user(f"T82{n:02d}").employee_no for n in range(12)]
    client.post("/api/v1/clearance", headers=_auth(token), json={"employee_nos": numbers[:1]})
    counts = []
    for size in (1, 12):
        with count_queries(app) as queries:
            response = client.post("/api/v1/clearance", headers=_auth(token),
                                   json={"employee_nos": numbers[:size]})
        assert len(response.json["results"]) == size
        counts.append(len(queries))
    with count_queries(app) as single:
        client.get(f"/api/v1/clearance/{numbers[0]}", headers=_auth(token))
    assert counts[0] == counts[1] == len(single) <= 3, (counts, len(single))


def test_the_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json["openapi"].startswith("3.")
    assert set(response.json["paths"]) == {"/clearance/{employee_no}", "/clearance"}


def test_a_token_without_the_clearance_scope_is_forbidden(app, client, make_user):
    make_user("T0001")
    with app.app_context():
        _, plain = api_tokens.create("reports-only", scopes=())
        db.session.commit()
    reply = client.get("/api/v1/clearance/T0001", headers={"Authorization": f"Bearer {plain}"})
    assert reply.status_code == 403 and reply.get_json()["error"] == "forbidden"
