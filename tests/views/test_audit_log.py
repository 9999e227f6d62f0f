"""The audit log page: HR and admins read it, filtered and paged, and export it; nobody can
change it (no route updates or deletes an event)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

import pytest

from tests.conftest import login
from trainingapp.extensions import db
from trainingapp.models import AuditEvent, Role
from trainingapp.services import audit

pytestmark = pytest.mark.db


def _event(app, action, *, subject=None, actor=None, at=None, **detail):  # type: ignore[no-untyped-def]
    with app.app_context():
        event = audit.record(action, subject_id=subject, **detail)
        event.actor_id = actor
        if at:
            event.at = at
        db.session.commit()


def test_hr_filters_pages_and_exports_the_log(app, client, make_user):
    hr = make_user("H100", roles=(Role.HR,))
    person = make_user("T100")
    other = make_user("T200")
    _event(app, "certificate_revoked", subject=person.id, actor=hr.id, track="hotline-agent")
    _event(app, "certificate_revoked", subject=other.id, actor=hr.id,
           at=datetime.now(UTC) - timedelta(days=40))
    _event(app, "quiz_started", subject=person.id, actor=person.id, note="=HYPERLINK(1)")
    login(client, hr.employee_no)
    page = client.get("/audit/").get_data(as_text=True)
    assert "certificate_revoked" in page and "quiz_started" in page and "hotline-agent" in page
    mine = client.get("/audit/?person=T100").get_data(as_text=True)
    assert "T100" in mine and "T200" not in mine
    revoked = client.get("/audit/?action=certificate_revoked").get_data(as_text=True)
    assert "quiz_started</code>" not in revoked and "2 events" in revoked
    since = (datetime.now(UTC) - timedelta(days=7)).date().isoformat()
    recent = client.get(f"/audit/?action=certificate_revoked&since={since}").get_data(
        as_text=True)
    assert "1 event" in recent and "T100" in recent and "T200" not in recent
    exported = client.get("/audit/?person=T100&export=csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["at", "action", "actor", "subject", "address", "detail"]
    assert {r[1] for r in rows[1:]} >= {"certificate_revoked", "quiz_started"}
    assert all(not cell.startswith("=") for r in rows for cell in r)  # formulas neutralised
    with app.app_context():  # the export itself is on the record
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "audit_exported")) is not None


def test_the_log_pages_by_fifty(app, client, make_user):
    admin = make_user("A100", roles=(Role.ADMIN,))
    with app.app_context():
        for n in range(55):
            audit.record("login", subject_id=admin.id, n=n)
        db.session.commit()
    login(client, admin.employee_no)
    first = client.get("/audit/?action=login").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Next" in first
    second = client.get("/audit/?action=login&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second


def test_no_route_can_change_or_remove_an_event(app):
    writers = [rule for rule in app.url_map.iter_rules()
               if rule.endpoint.startswith("auditlog.") and rule.methods - {"GET", "HEAD",
                                                                            "OPTIONS"}]
    assert writers == []
    package = Path(__file__).resolve().parents[2] / "trainingapp"
    source = "".join(path.read_text() for path in package.rglob("*.py"))
    assert "delete(AuditEvent" not in source and "update(AuditEvent" not in source
