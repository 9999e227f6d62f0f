"""The clearance API against its own OpenAPI document, with schemathesis: generated
requests (valid and not) never get a 5xx, and every response matches the document."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import given, settings

from tests.conftest import sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.services import api_tokens

pytestmark = pytest.mark.db


@pytest.fixture
def api_schema(app, make_user):  # type: ignore[no-untyped-def]
    sync_fixture_bank(app, "cert_bank")
    make_user("T0001")
    with app.app_context():
        _, token = api_tokens.create("fuzz")
        db.session.commit()
    app.config["FUZZ_TOKEN"] = token
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_the_api_keeps_to_its_document(api_schema, app):  # type: ignore[no-untyped-def]
    # Uncompressed: schemathesis sends requests' "Accept-Encoding: gzip, deflate, zstd" and
    # cannot read a zstd answer (any answer over 1 KB, e.g. many unknown numbers).
    headers = {"Authorization": f"Bearer {app.config['FUZZ_TOKEN']}",
               "Accept-Encoding": "identity"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    seen: list[int] = []
    assert {op.path for op in operations} >= {"/clearance/{employee_no}", "/clearance"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(parent=settings.default, max_examples=max(40, settings.default.max_examples))
        def check(case):  # type: ignore[no-untyped-def]
            seen.append(case.call_and_validate(headers=headers).status_code)

        check()
    assert len(seen) >= 20 and 200 in seen and max(seen) < 500, sorted(set(seen))
