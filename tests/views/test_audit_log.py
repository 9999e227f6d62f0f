"""The audit log page: HR and admins read it, filtered and paged, and export it; nobody can
change it (no route updates or deletes an event)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.exc import DBAPIError

from tests.conftest import count_queries, login
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
    _event(app, "certificate_revoked", subject=person.id, actor=hr.id, track="hotline-agent",
           reason="Quality incident")
    _event(app, "certificate_revoked", subject=other.id, actor=hr.id,
           at=datetime.now(UTC) - timedelta(days=40))
    _event(app, "quiz_started", subject=person.id, actor=person.id, note="=HYPERLINK(1)")
    login(client, hr.employee_no)
    page = client.get("/audit/").get_data(as_text=True)
    assert "Certificate revoked" in page and "Quiz started" in page
    assert "certificate_revoked" not in page.replace('value="certificate_revoked"', "")
    assert "Person H100 (H100)" in page and "Quality incident" in page
    assert '<option value="certificate_revoked">Certificate revoked</option>' in page
    mine = client.get("/audit/?person=T100").get_data(as_text=True)
    assert "T100" in mine and "T200" not in mine
    revoked = client.get("/audit/?action=certificate_revoked").get_data(as_text=True)
    assert "<td>Quiz started</td>" not in revoked and "2 events" in revoked
    assert '<option value="certificate_revoked" selected>' in revoked
    since = (datetime.now(UTC) - timedelta(days=7)).date().isoformat()
    recent = client.get(f"/audit/?action=certificate_revoked&since={since}").get_data(
        as_text=True)
    assert "1 event" in recent and "T100" in recent and "T200" not in recent
    exported = client.get("/audit/?person=T100&export=csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["When", "Event", "By", "Concerning", "Details", "Address",
                       "Event key (for systems)", "Time in UTC, ISO 8601 (for systems)"]
    assert {r[1] for r in rows[1:]} >= {"Certificate revoked", "Quiz started"}
    assert {r[6] for r in rows[1:]} >= {"certificate_revoked", "quiz_started"}
    assert all(r[7].endswith("+00:00") and "T" in r[7] for r in rows[1:])
    assert all("T" not in r[0] and r[0].count(":") == 1 for r in rows[1:])  # local, no seconds
    assert all(not cell.startswith("=") for r in rows for cell in r)  # formulas neutralised
    with app.app_context():  # the export itself is on the record
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "audit_exported")) is not None


def test_the_log_in_chinese(app, client, make_user):
    admin = make_user("A300", roles=(Role.ADMIN,), language="zh")
    _event(app, "roles_changed", subject=admin.id, before=["hr"], after=["admin", "hr"])
    login(client, admin.employee_no)
    page = client.get("/audit/").get_data(as_text=True)
    assert "角色已更改" in page and "授予角色：管理员" in page and "<td>系统</td>" in page
    assert "roles_changed</" not in page and "[" not in page.split("<main")[1]


@pytest.mark.parametrize("query, message", [
    ("since=2026-02-30", "“2026-02-30” is not a day of the calendar"),
    ("until=yesterday", "“yesterday” is not a day of the calendar"),
    ("since=2026-03-10&until=2026-03-01", "“From” is after “Until”"),
])
def test_impossible_dates_are_refused_with_a_message_and_kept(app, client, make_user, query,
                                                              message):
    hr = make_user("H101", roles=(Role.HR,))
    _event(app, "login", subject=hr.id, actor=hr.id)
    login(client, hr.employee_no)
    for export in ("", "&export=csv"):
        response = client.get(f"/audit/?person=H101&{query}{export}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "text/html" in response.content_type
        assert message in page and "no events are shown until they are right" in page
        for value in query.split("&"):
            assert f'value="{value.split("=")[1]}"' in page  # what was typed stays
        assert 'value="H101"' in page and "<td>Signed in</td>" not in page


def test_a_page_past_the_last_goes_to_the_last(app, client, make_user):
    hr = make_user("H102", roles=(Role.HR,))
    _event(app, "login", subject=hr.id, actor=hr.id)
    login(client, hr.employee_no)
    response = client.get("/audit/?action=login&page=999")
    assert response.status_code == 302
    assert "page=1" in response.location and "action=login" in response.location
    assert "Signed in" in client.get(response.location).get_data(as_text=True)
    nonsense = client.get("/audit/?page=nonsense")  # issue 15: a 4xx that says why
    assert nonsense.status_code == 400 and "is not a number this page knows" in nonsense.get_data(
        as_text=True)


def test_the_trainee_reads_their_own_trail_in_words(app, client, make_user):
    trainee = make_user("T300", language="zh")
    hr = make_user("H300", roles=(Role.HR,))
    _event(app, "certificate_revoked", subject=trainee.id, actor=hr.id, track="hotline-agent",
           reason="质量事件")
    _event(app, "call_finished", subject=trainee.id, actor=trainee.id, score=90.0, passed=True,
           critical=[])
    login(client, trainee.employee_no)
    page = client.get(f"/people/{trainee.id}").get_data(as_text=True)
    trail = page.split("audit-trail")[1]
    assert "证书已撤销" in trail and "Person H300（H300）" in trail and "质量事件" in trail
    assert "通过，得分 90%" in trail and "已登录" in trail
    for raw in ("certificate_revoked", "call_finished", "passed", "True", "[]", "critical"):
        assert raw not in trail, raw
    assert "证书已撤销" in page.split("audit-trail")[0]  # the certification history too


def test_the_log_page_runs_as_many_queries_for_fifty_events_as_for_five(app, client,
                                                                        make_user):
    admin = make_user("A301", roles=(Role.ADMIN,))
    login(client, admin.employee_no)

    def add(n):  # type: ignore[no-untyped-def]
        with app.app_context():
            for i in range(n):
                person = make_user(f"Q{n}{i:03d}")
                audit.record("roles_changed", actor_id=admin.id, subject_id=person.id,
                             before=[], after=["hr"])
                audit.record("certificate_revoked", actor_id=admin.id, subject_id=person.id,
                             certificate=i + 1, reason="r")
                audit.record("quiz_started", actor_id=person.id, subject_id=person.id,
                             module="greeting", attempt=i + 1, number=1)
            db.session.commit()

    add(2)
    with count_queries(app) as few:
        client.get("/audit/")
    add(20)
    with count_queries(app) as many:
        client.get("/audit/")
    assert len(few) == len(many)


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


def _log() -> list[tuple[object, ...]]:
    return [tuple(row) for row in db.session.execute(select(
        AuditEvent.id, AuditEvent.at, AuditEvent.action, AuditEvent.detail,
        AuditEvent.subject_user_id, AuditEvent.actor_id).order_by(AuditEvent.id))]


def _refused(statement) -> str:  # type: ignore[no-untyped-def]
    """Run one change to the log through SQLAlchemy; the database refuses it."""
    with pytest.raises(DBAPIError) as refusal:
        statement()
        db.session.flush()
    db.session.rollback()
    return str(refusal.value.orig)


def test_the_database_refuses_to_change_or_remove_an_event(app, make_user):
    """Migration 0014's triggers: whatever sends an UPDATE or DELETE (the ORM, a bulk
    statement, plain SQL, a TRUNCATE on PostgreSQL) is refused and changes nothing;
    inserting goes on."""
    person = make_user("T100")
    with app.app_context():
        audit.record("certificate_revoked", subject_id=person.id, reason="Quality incident")
        db.session.commit()
        event = db.session.scalar(select(AuditEvent).filter_by(action="certificate_revoked"))
        kept = _log()

        def edit() -> None:
            event.detail = {"reason": "nothing happened"}

        changes = [
            edit,
            lambda: db.session.delete(event),
            lambda: db.session.execute(update(AuditEvent).values(action="login")),
            lambda: db.session.execute(delete(AuditEvent)),
            lambda: db.session.execute(text("UPDATE audit_event SET subject_user_id = NULL")),
            lambda: db.session.execute(text("DELETE FROM audit_event")),
        ]
        if db.engine.dialect.name == "postgresql":
            changes.append(lambda: db.session.execute(text("TRUNCATE audit_event")))
        for change in changes:
            assert "audit_event is append-only" in _refused(change)
            db.session.expire_all()
            assert _log() == kept
        audit.record("login", subject_id=person.id)
        db.session.commit()
        assert _log()[:-1] == kept and _log()[-1][2] == "login"


def _streamed_csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_export_holds_every_event_a_page_at_a_time(app, client, make_user, monkeypatch):
    """No limit: every event the filters keep, newest first, over pages of three read
    after the last one's (time, id), events at the same moment neither lost nor doubled."""
    from trainingapp.queries import audit_log

    monkeypatch.setattr(audit_log, "EXPORT_PAGE", 3)
    hr = make_user("H400", roles=(Role.HR,))
    same = datetime.now(UTC) - timedelta(days=2)
    for n in range(11):
        _event(app, "certificate_revoked", subject=hr.id, actor=hr.id, certificate=n,
               at=same if n % 2 else same - timedelta(hours=n))
    login(client, hr.employee_no)
    with app.app_context():
        expected = [(e.action, e.at.isoformat(timespec="seconds")) for e in db.session.scalars(
            select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))]
    with count_queries(app) as statements:
        rows = _streamed_csv(client.get("/audit/?export=csv"))
    assert [(r[6], r[7]) for r in rows[1:]] == expected  # 11 revocations and the sign-in
    pages = [s for s in statements if "audit_event.at <=" in s]
    assert len(pages) == len(expected) // 3  # after the first page, four more
    with app.app_context():
        exported = db.session.scalar(select(AuditEvent).filter_by(action="audit_exported"))
        assert exported.detail["rows"] == len(expected)  # counted before it was sent
    assert "audit_exported" not in {r[6] for r in rows}  # its own event comes after


def test_the_person_filter_looks_the_person_up_then_reads_events_by_id(app, client,
                                                                       make_user):
    hr = make_user("H401", roles=(Role.HR,))
    person = make_user("T401")
    _event(app, "certificate_revoked", subject=person.id, actor=hr.id)
    _event(app, "quiz_started", subject=person.id, actor=person.id)
    _event(app, "quiz_started", subject=hr.id, actor=hr.id)
    login(client, hr.employee_no)
    with count_queries(app) as statements:
        page = client.get("/audit/?person=T401").get_data(as_text=True)
    with app.app_context():
        theirs = db.session.scalar(select(func.count()).where(or_(
            AuditEvent.actor_id == person.id, AuditEvent.subject_user_id == person.id)))
    assert theirs >= 2 and f"{theirs} events" in page and "Quiz started" in page
    lookups = [s for s in statements if "user_account.employee_no =" in s]
    assert lookups and all(s.startswith("SELECT user_account.id \nFROM user_account")
                           for s in lookups)
    reads = [s for s in statements if "FROM audit_event" in s and "WHERE" in s]
    assert reads and not any("user_account" in s for s in reads)  # by id: no join
    assert all("audit_event.actor_id = " in s and "audit_event.subject_user_id = " in s
               for s in reads)
    nobody = client.get("/audit/?person=NOBODY&export=csv")
    assert len(_streamed_csv(nobody)) == 1  # the header alone
    assert "0 events" in client.get("/audit/?person=NOBODY").get_data(as_text=True)


def test_exporting_ten_times_the_events_takes_no_more_memory(app, client, make_user,
                                                             monkeypatch):
    """The file is sent as it is written: the memory taken while exporting 400 events of
    2 KB (800 KB of CSV) stays that of exporting 40, a page of twenty at a time."""
    import tracemalloc

    from trainingapp import exports
    from trainingapp.queries import audit_log

    monkeypatch.setattr(audit_log, "EXPORT_PAGE", 20)
    monkeypatch.setattr(exports, "CHUNK", 8192)  # sent in pieces smaller than 40 events
    admin = make_user("A402", roles=(Role.ADMIN,))
    login(client, admin.employee_no)

    def add(n: int) -> None:
        with app.app_context():
            for i in range(n):  # not a known event: its details list every value
                audit.record("bulk_note", actor_id=admin.id, note=f"{i:04d}" + "x" * 2000)
            db.session.commit()

    def peak() -> int:
        tracemalloc.start()  # the client reads the first piece within get()
        response = client.get("/audit/?export=csv")
        try:
            sent = sum(len(chunk) for chunk in response.response)  # as a server sends it
            return tracemalloc.get_traced_memory()[1] if sent else 0
        finally:
            tracemalloc.stop()
            response.close()

    add(40)
    peak()  # the first export fills the caches (statements, translations)
    small = peak()
    add(360)
    large = peak()
    assert 0 < small and large < small + 300_000, (small, large)
