"""QUALITY.md security 11 and 6: no password or token reaches the logs; API use is logged
by the token's name."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import PASSWORD, csrf_token, login, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.services import api_tokens

pytestmark = pytest.mark.db


def test_passwords_and_tokens_never_reach_the_logs(app, client, make_user, caplog):
    sync_fixture_bank(app, "cert_bank")
    person = make_user("LOG1")
    with app.app_context():
        _, token = api_tokens.create("roster")
        db.session.commit()
    caplog.set_level(logging.DEBUG)
    login(client, person.employee_no, "not-the-password-Zq9")
    login(client, person.employee_no)
    page_token = csrf_token(client, "/account/password")
    client.post("/account/password", data={"current_password": PASSWORD,
                                           "new_password": "a fresh passphrase 42",
                                           "confirm": "a fresh passphrase 42",
                                           "csrf_token": page_token})
    api = app.test_client()
    assert api.get("/api/v1/clearance/LOG1",
                   headers={"Authorization": f"Bearer {token}"}).status_code == 200
    api.get("/api/v1/clearance/LOG1", headers={"Authorization": "Bearer tk_forged_value"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in ("not-the-password-Zq9", PASSWORD, "a fresh passphrase 42", token,
                   "tk_forged_value"):
        assert secret not in logged
    assert "api: roster asked clearance of 1 person" in logged
