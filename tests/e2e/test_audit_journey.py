"""HR reads the audit log in words, filters it by an event's name and is told when a date
is impossible; a trainee reads their notifications and their own trail, in Chinese too."""

import re

from sqlalchemy import select

from tests.e2e.conftest import screenshot, serious_violations, sign_in
from trainingapp.extensions import db
from trainingapp.models import User, utcnow
from trainingapp.services import notifications

RAW = re.compile(r"\b(True|False|None)\b|\b[a-z]+_[a-z_]+\b|\d{4}-\d\d-\d\dT")


def test_hr_reads_filters_and_mistypes_dates_in_the_audit_log(page, live_app):
    sign_in(page, "H0001")
    page.goto("/audit/")
    table = page.locator("main table").inner_text()
    assert "Signed in" in table and "(H0001)" in table and not RAW.search(table)
    page.get_by_label("Event").select_option(label="Signed in")
    page.get_by_role("button", name="Filter").click()
    assert "action=login" in page.url
    screenshot(page, "audit-log")
    assert serious_violations(page) == []
    page.goto("/audit/?since=2026-02-30&until=2026-01-01")
    main = page.locator("main").inner_text()
    assert "“2026-02-30” is not a day of the calendar" in main
    assert "no events are shown until they are right" in main
    screenshot(page, "audit-log-impossible-date")
    assert serious_violations(page) == []


def test_a_trainee_reads_notifications_and_their_trail_in_chinese(page, live_app):
    with live_app.app_context():
        trainee = db.session.scalar(select(User.id).where(User.employee_no == "T0001"))
        now = utcnow()
        for kind, target, note in (("module", "etiquette", "assigned"),
                                   ("scenario", "roaming-bill-shock", "due_soon")):
            notifications.notify(trainee, note, f"e2e:{kind}", now,
                                 {"kind": kind, "target": target, "due": "2026-12-15"})
        db.session.commit()
    sign_in(page, "T0001")
    page.goto("/notifications/")
    notes = page.locator("main").inner_text()
    assert ("New training assigned to you: Service etiquette and communication (learning "
            "module), due Dec 15, 2026.") in notes
    assert ("Due soon: Roaming bill shock: 'I bought the seven-day pass!' (practice call), "
            "by Dec 15, 2026.") in notes
    assert not RAW.search(notes)
    screenshot(page, "notifications-en")
    page.get_by_role("button", name="简体中文").click()
    try:
        page.goto("/notifications/")
        notes = page.locator("main").inner_text()
        assert "您有新的培训任务：服务礼仪与沟通（学习模块），截止 2026年12月15日。" in notes
        assert not RAW.search(notes)
        screenshot(page, "notifications-zh")
        page.goto(f"/people/{trainee}")
        trail = page.locator(".audit-trail").inner_text()
        assert "已登录" in trail and "已添加人员" in trail and not RAW.search(trail)
        screenshot(page, "record-trail-zh")
        assert serious_violations(page) == []
    finally:  # T0001 stays English for the other journeys
        page.get_by_role("button", name="English").click()
