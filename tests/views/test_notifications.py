"""Notifications: queued once, counted in the header, read, emailed when wanted."""

import re
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import csrf_token, login, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import Notification, Role, User, utcnow
from trainingapp.services import assignments, notifications, reminders
from trainingapp.wording import text_for


def test_assigning_notifies_and_the_header_counts_unread(app, client, make_user):
    sync_fixture_bank(app, "cert_bank")
    person = make_user("T5901", team="t1")
    supervisor = make_user(roles=(Role.SUPERVISOR,), supervises="t1")
    boss = app.test_client()
    login(boss, supervisor.employee_no)
    boss.post("/supervisor/assign", data={"csrf_token": csrf_token(boss, "/supervisor/assign"),
                                          "what": "module:greeting", "people": [str(person.id)],
                                          "due": "2030-01-31"})
    login(client, person.employee_no)
    page = client.get("/learn/").get_data(as_text=True)
    assert re.search(r'href="/notifications/" class="account">Notifications <span class="badge '
                     r'badge-count">\d+<', page)
    listing = client.get("/notifications/").get_data(as_text=True)
    assert "New training assigned to you: module greeting, due 2030-01-31." in listing
    client.post("/notifications/read", data={"csrf_token": csrf_token(client, "/notifications/")})
    assert "badge-count" not in client.get("/learn/").get_data(as_text=True)


def test_due_soon_and_overdue_are_queued_once(app, make_user):
    sync_fixture_bank(app, "cert_bank")
    person = make_user("T5902")
    with app.app_context():
        now = utcnow()
        user = db.session.get(User, person.id)
        assignments.assign(None, [user], "scenario", "slow-wifi",
                           assignments.today(now) + timedelta(days=2))
        db.session.commit()
        reminders.queue_due(now)
        reminders.queue_due(now)
        reminders.queue_due(now + timedelta(days=3))
        db.session.commit()
        kinds = [n.kind for n in db.session.scalars(select(Notification).where(
            Notification.user_id == person.id, Notification.ref.like("assignment:%")))
            if n.detail["target"] == "slow-wifi"]
        assert sorted(kinds) == ["due_soon", "overdue"]


def test_send_emails_those_who_want_it_and_keeps_the_rest_in_app(app, make_user):
    sync_fixture_bank(app, "cert_bank")
    wants, refuses = make_user("T5903"), make_user("T5904")
    sent = []
    with app.app_context():
        now = utcnow()
        for person, email, wanted in ((wants, "a@example.com", True),
                                      (refuses, "b@example.com", False)):
            user = db.session.get(User, person.id)
            user.email, user.wants_email, user.language = email, wanted, "zh"
            notifications.notify(user.id, "expired", f"certificate:{user.id}:expired", now,
                                 {"certificate": "ABC123", "expires": now.isoformat()})
        db.session.commit()
        emailed, in_app = notifications.deliver(now, text_for, sent.append)
        db.session.commit()
        assert (emailed, in_app) >= (1, 1)
        to_wants = [m for m in sent if m["To"] == "a@example.com" and "ABC123" in m["Subject"]]
        assert len(to_wants) == 1 and "证书 ABC123 已过期" in to_wants[0]["Subject"]
        assert not [m for m in sent if m["To"] == "b@example.com"]
        again = notifications.deliver(now, text_for, sent.append)
        assert again == (0, 0)  # never the same one twice
