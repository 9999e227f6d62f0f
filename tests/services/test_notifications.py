"""Sending notifications a chunk at a time: each claimed before it is sent, so that two
runs at once send each one once."""

import threading

import pytest
from sqlalchemy import delete, func, select

from tests.conftest import run_twice_at_once, sync_fixture_bank
from trainingapp import unit_of_work
from trainingapp.extensions import db
from trainingapp.models import Notification, User, utcnow
from trainingapp.services import notifications
from trainingapp.wording import names_for, text_for


def _waiting(app, make_user, count):  # type: ignore[no-untyped-def]
    people = [make_user(language="en") for _ in range(count)]
    with app.app_context():
        now = utcnow()
        db.session.execute(delete(Notification))  # nothing but these
        for person in people:
            db.session.get(User, person.id).email = f"{person.employee_no}@example.com"
            notifications.notify(person.id, "expired", f"certificate:{person.id}:expired", now,
                                 {"certificate": "ABC123", "expires": now.isoformat()})
        db.session.commit()
    return now


def test_each_chunk_is_committed_and_a_stopped_run_resumes(app, make_user, monkeypatch):
    sync_fixture_bank(app, "cert_bank")
    now = _waiting(app, make_user, 5)
    monkeypatch.setattr(notifications, "DELIVERY_CHUNK", 2)
    sent = []
    with app.app_context():
        def stop_after_the_first_chunk() -> None:
            unit_of_work.commit()
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            notifications.deliver(now, text_for, names_for, sent.append, stop_after_the_first_chunk)
        assert len(sent) == 2
        assert notifications.deliver(now, text_for, names_for, sent.append,
                                     unit_of_work.commit) == (3, 0)
        assert sorted(m["To"] for m in sent) == sorted({m["To"] for m in sent})
        assert db.session.scalar(select(func.count()).where(Notification.emailed)) == 5


def test_two_runs_at_once_send_each_notification_once(app, make_user, monkeypatch):
    """Both runs find the same notifications waiting before either claims them: the claim
    (delivered where still waiting) gives each to one run."""
    sync_fixture_bank(app, "cert_bank")
    now = _waiting(app, make_user, 4)
    both_found = threading.Barrier(2, timeout=30)
    start_writing = unit_of_work.writing

    def find_then_wait() -> None:
        both_found.wait()
        start_writing()

    monkeypatch.setattr(unit_of_work, "writing", find_then_wait)
    sent: list[object] = []
    results = run_twice_at_once(app, lambda: notifications.deliver(
        now, text_for, names_for, sent.append, unit_of_work.commit))
    assert sorted(results) == [(0, 0), (4, 0)] and len(sent) == 4
