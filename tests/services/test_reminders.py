"""Queueing reminders: people are read a chunk at a time, and each reminder once."""

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import Notification, User, utcnow
from trainingapp.services import assignments, reminders


def test_every_chunk_of_people_is_reminded_once(app, make_user, monkeypatch):
    sync_fixture_bank(app, "cert_bank")
    people = [make_user(f"RC{i:02d}") for i in range(5)]
    monkeypatch.setattr(reminders, "CHUNK", 2)
    with app.app_context():
        now = utcnow()
        assignments.assign(None, [db.session.get(User, p.id) for p in people], "scenario",
                           "slow-wifi", assignments.today(now) + timedelta(days=2))
        db.session.commit()
        assert reminders.queue_due(now) >= 5
        assert reminders.queue_due(now) == 0
        db.session.commit()
        reminded = [n.user_id for n in db.session.scalars(select(Notification).where(
            Notification.kind == "due_soon")) if n.detail["target"] == "slow-wifi"]
        assert sorted(reminded) == sorted(p.id for p in people)
