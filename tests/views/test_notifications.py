"""Notifications: queued once, counted in the header, read, emailed when wanted."""

import re
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import count_queries, csrf_token, login, sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import CertificateSource, Notification, Role, User, utcnow
from trainingapp.services import assignments, certification, notifications, reminders
from trainingapp.wording import names_for, text_for


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
    assert "New training assigned to you: Greeting the caller (learning module), due " in listing
    assert "2030-01-31" not in listing and "module greeting" not in listing
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
            notifications.notify(user.id, "assigned", f"assigned:{user.id}", now,
                                 {"kind": "module", "target": "greeting", "due": "2026-12-15"})
        db.session.commit()
        emailed, in_app = notifications.deliver(now, text_for, names_for, sent.append)
        db.session.commit()
        assert (emailed, in_app) >= (1, 1)
        to_wants = [m for m in sent if m["To"] == "a@example.com" and "ABC123" in m["Subject"]]
        assert len(to_wants) == 1 and "证书 ABC123已过期" in to_wants[0]["Subject"]
        assigned = [m for m in sent if m["To"] == "a@example.com" and "ABC123" not in
                    m["Subject"]]
        assert "您有新的培训任务：问候来电客户（学习模块），截止 2026年12月15日。" in [
            m.get_content().strip() for m in assigned]  # in their language, by title
        assert not [m for m in sent if m["To"] == "b@example.com"]
        again = notifications.deliver(now, text_for, names_for, sent.append)
        assert again == (0, 0)  # never the same one twice


def _note(what, **detail):  # type: ignore[no-untyped-def]
    return Notification(user_id=0, kind=what, ref="r", detail=detail, created_at=utcnow())


def _texts(app, notes, language):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        names = names_for(notes)
        return [text_for(note, language, names) for note in notes]


def test_messages_name_what_they_are_about_in_the_reader_s_language(app, make_user):
    sync_fixture_bank(app, "cert_bank")
    person, admin = make_user("T5905"), make_user("A5905", roles=(Role.ADMIN,))
    with app.app_context():
        cert = certification.record_outside_award(
            db.session.get(User, admin.id), db.session.get(User, person.id),
            certification.get_track("hotline-agent"), CertificateSource.EXTERNAL, "old system",
            utcnow())
        db.session.commit()
        code = cert.code
    notes = [
        _note("assigned", kind="module", target="greeting", due="2026-12-15"),  # a date
        # a moment, as rows were stored before due dates were days: its local date
        _note("due_soon", kind="scenario", target="slow-wifi", due="2026-12-15T15:59:59+00:00"),
        _note("overdue", kind="track", target="hotline-agent", due="2026-12-15"),
        _note("expiring_30", certificate=code, expires="2027-01-10T02:00:00+00:00"),
        _note("revoked", certificate=code, reason="Quality incident"),
        _note("expired", certificate="NOSUCHCODE", expires="2027-01-10"),
        _note("some_new_kind", x=1),
    ]
    assert _texts(app, notes, "en") == [
        "New training assigned to you: Greeting the caller (learning module), due Dec 15, 2026.",
        "Due soon: Slow Wi-Fi (practice call), by Dec 15, 2026.",
        "Overdue: Hotline agent certification (certification track) was due Dec 15, 2026.",
        f"Your Hotline agent certification ({code}) expires within 30 days, on Jan 10, 2027.",
        f"Your Hotline agent certification ({code}) was revoked: Quality incident",
        "Your certificate NOSUCHCODE has expired: you are not cleared for that track.",
        "A message about your training.",
    ]
    assert _texts(app, notes, "zh") == [
        "您有新的培训任务：问候来电客户（学习模块），截止 2026年12月15日。",
        "即将到期：无线网络慢（模拟通话），截止 2026年12月15日。",
        "已逾期：热线客服上岗认证（认证路径）已于 2026年12月15日 到期。",
        f"您的热线客服上岗认证（{code}）将在 30 天内到期，到期日为 2027年1月10日。",
        f"您的热线客服上岗认证（{code}）已被撤销：Quality incident",
        "您的证书 NOSUCHCODE已过期：您已不具备该认证路径的上岗资格。",
        "一条关于您培训的消息。",
    ]


def test_the_list_looks_titles_up_together(app, client, make_user):
    sync_fixture_bank(app, "cert_bank")
    person = make_user("T5906")

    def add(n):  # type: ignore[no-untyped-def]
        with app.app_context():
            for i in range(n):
                for kind, target in (("module", "greeting"), ("scenario", "slow-wifi"),
                                     ("track", "hotline-agent")):
                    notifications.notify(person.id, "assigned", f"{kind}{n}{i}", utcnow(),
                                         {"kind": kind, "target": target, "due": "2026-12-15"})
                notifications.notify(person.id, "expired", f"c{n}{i}", utcnow(),
                                     {"certificate": f"C{n}{i}", "expires": "2026-12-15"})
            db.session.commit()

    login(client, person.employee_no)
    add(1)
    with count_queries(app) as few:
        page = client.get("/notifications/").get_data(as_text=True)
    assert "Slow Wi-Fi (practice call)" in page
    add(10)
    with count_queries(app) as many:
        client.get("/notifications/")
    assert len(few) == len(many)
