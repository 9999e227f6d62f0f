"""What the clock makes due as reminders, decided without an app."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from trainingapp.rules.assignments import Progress
from trainingapp.rules.certification import Certificate
from trainingapp.rules.reminders import (
    AssignmentState,
    HeldCertificate,
    Reminder,
    certificate_notices,
    due_soon_before,
    for_assignment,
    for_certificates,
)

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # 17:00 in Shanghai, on June 1
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 6, 1)
TRACK = {"renewal_window_days": 60}
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


def assignment(due_on, progress):
    return AssignmentState(7, 3, "module", "greeting", due_on, progress)


@pytest.mark.parametrize(("due_on", "progress", "kind"), [
    (TODAY - DAY, Progress.OVERDUE, "overdue"),
    (TODAY + 2 * DAY, Progress.NOT_STARTED, "due_soon"),  # overdue in 2 days 7 hours
    (TODAY + 2 * DAY, Progress.IN_PROGRESS, "due_soon"),
    (TODAY + 3 * DAY, Progress.NOT_STARTED, None),  # overdue in 3 days 7 hours
    (TODAY + DAY, Progress.COMPLETED, None),
])
def test_an_assignment_is_due_soon_within_three_days_or_overdue(due_on, progress, kind):
    reminder = for_assignment(assignment(due_on, progress), NOW, SHANGHAI)
    assert (reminder and reminder.kind) == kind


def test_due_soon_three_days_before_the_local_midnight_it_becomes_overdue():
    due = date(2026, 6, 4)  # overdue from June 5, 00:00 in Shanghai = June 4, 16:00 UTC
    before = datetime(2026, 6, 1, 16, 0, tzinfo=UTC) - SECOND
    assert for_assignment(assignment(due, Progress.NOT_STARTED), before, SHANGHAI) is None
    assert for_assignment(assignment(due, Progress.NOT_STARTED), before + SECOND,
                          SHANGHAI).kind == "due_soon"
    assert due_soon_before(before, SHANGHAI) == due  # SQL: due_on < that day
    assert due_soon_before(before + SECOND, SHANGHAI) == due + DAY


def test_an_assignment_reminder_names_what_and_when_and_is_queued_once_by_its_ref():
    due = TODAY + DAY
    assert for_assignment(assignment(due, Progress.NOT_STARTED), NOW, SHANGHAI) == Reminder(
        3, "due_soon", "assignment:7:soon",
        {"kind": "module", "target": "greeting", "due": "2026-06-02"})
    assert for_assignment(assignment(TODAY, Progress.OVERDUE), NOW,
                          SHANGHAI).ref == "assignment:7:overdue"


@pytest.mark.parametrize(("left", "notices"), [
    (60 * DAY + SECOND, []),
    (60 * DAY, ["window_open"]),
    (30 * DAY, ["window_open", "expiring_30"]),
    (7 * DAY + SECOND, ["window_open", "expiring_30"]),
    (7 * DAY, ["window_open", "expiring_30", "expiring_7"]),
    (SECOND, ["window_open", "expiring_30", "expiring_7"]),
    (timedelta(0), ["window_open", "expiring_30", "expiring_7", "expired"]),
])
def test_certificate_notices_at_each_boundary(left, notices):
    assert certificate_notices(NOW + left, TRACK, NOW) == notices


def held(cid, valid_from, expires_at, revoked_at=None, track_id=1, user_id=3):
    return HeldCertificate(Certificate(cid, valid_from, expires_at, revoked_at), user_id,
                           track_id, f"CODE{cid}", TRACK)


def test_a_certificate_renewed_revoked_or_without_expiry_needs_no_reminder():
    end = NOW + 5 * DAY
    old, renewal = held(1, end - 365 * DAY, end), held(2, end, end + 365 * DAY)
    assert for_certificates([old, renewal], NOW) == []
    # a renewal for another track, or of another person, does not count
    other = held(3, end, end + 365 * DAY, track_id=2)
    someone = held(4, end, end + 365 * DAY, user_id=4)
    assert {r.ref for r in for_certificates([old, other, someone], NOW)} == {
        "certificate:1:window_open", "certificate:1:expiring_30", "certificate:1:expiring_7"}
    assert for_certificates([held(5, end - 365 * DAY, end, revoked_at=NOW - DAY)], NOW) == []
    assert for_certificates([held(6, NOW - DAY, None)], NOW) == []


def test_a_revoked_renewal_leaves_the_old_certificate_due():
    end = NOW + 5 * DAY
    reminders = for_certificates([held(1, end - 365 * DAY, end),
                                  held(2, end, end + 365 * DAY, revoked_at=NOW)], NOW)
    assert [r.kind for r in reminders] == ["window_open", "expiring_30", "expiring_7"]
    assert reminders[0] == Reminder(3, "window_open", "certificate:1:window_open",
                                    {"certificate": "CODE1", "expires": end.isoformat()})
