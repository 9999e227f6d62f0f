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
    certificate_notice,
    due_soon_before,
    for_assignment,
    for_certificates,
    notices_until,
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


@pytest.mark.parametrize(("left", "notice"), [
    (60 * DAY + SECOND, None),
    (60 * DAY, "window_open"),
    (30 * DAY + SECOND, "window_open"),
    (30 * DAY, "expiring_30"),
    (7 * DAY + SECOND, "expiring_30"),
    (7 * DAY, "expiring_7"),
    (SECOND, "expiring_7"),
    (timedelta(0), "expired"),
    (-400 * DAY, "expired"),  # first seen long after it ended: that, not all four
])
def test_a_certificate_calls_for_the_one_notice_it_has_reached(left, notice):
    assert certificate_notice(NOW + left, TRACK, NOW) == notice


def test_a_renewal_window_shorter_than_30_days_opens_after_the_30_day_notice():
    track = {"renewal_window_days": 14}
    assert certificate_notice(NOW + 20 * DAY, track, NOW) == "expiring_30"
    assert certificate_notice(NOW + 14 * DAY, track, NOW) == "window_open"
    assert certificate_notice(NOW + 7 * DAY, track, NOW) == "expiring_7"
    # a 30-day window opens with the 30-day notice: that one, which names the date
    assert certificate_notice(NOW + 30 * DAY, {"renewal_window_days": 30}, NOW) == "expiring_30"


def test_notices_are_due_from_the_widest_window_or_thirty_days():
    assert notices_until([TRACK, {"renewal_window_days": 90}], NOW) == NOW + 90 * DAY
    assert notices_until([{"renewal_window_days": 14}], NOW) == NOW + 30 * DAY


def held(cid, valid_from, expires_at, revoked_at=None, track_id=1, user_id=3):
    return HeldCertificate(Certificate(cid, valid_from, expires_at, revoked_at), user_id,
                           track_id, f"CODE{cid}", TRACK)


def test_a_certificate_outlasted_revoked_or_without_expiry_needs_no_reminder():
    end = NOW + 5 * DAY
    old, renewal = held(1, end - 365 * DAY, end), held(2, end, end + 365 * DAY)
    assert for_certificates([old, renewal], NOW) == []
    # renewed early, or certified anew after it lapsed, or for good: nothing to say either
    early = held(7, end - 20 * DAY, end + 345 * DAY)
    lapsed = held(8, NOW - 400 * DAY, NOW - 35 * DAY)
    anew = held(9, NOW - 30 * DAY, NOW + 335 * DAY)
    for_good = held(10, end - DAY, None)
    assert for_certificates([old, early], NOW) == for_certificates([lapsed, anew], NOW) == []
    assert for_certificates([old, for_good], NOW) == []
    # a renewal for another track, or of another person, does not count
    other = held(3, end, end + 365 * DAY, track_id=2)
    someone = held(4, end, end + 365 * DAY, user_id=4)
    assert {r.ref for r in for_certificates([old, other, someone], NOW)} == {
        "certificate:1:expiring_7"}
    assert for_certificates([held(5, end - 365 * DAY, end, revoked_at=NOW - DAY)], NOW) == []
    assert for_certificates([held(6, NOW - DAY, None)], NOW) == []


def test_an_earlier_certificate_does_not_make_a_later_ones_notice_moot():
    first, second = held(1, NOW - 700 * DAY, NOW - 335 * DAY), held(2, NOW - 335 * DAY, NOW)
    assert [r.ref for r in for_certificates([first, second], NOW)] == ["certificate:2:expired"]


def test_a_revoked_renewal_leaves_the_old_certificate_due():
    end = NOW + 5 * DAY
    reminders = for_certificates([held(1, end - 365 * DAY, end),
                                  held(2, end, end + 365 * DAY, revoked_at=NOW)], NOW)
    assert reminders == [Reminder(3, "expiring_7", "certificate:1:expiring_7",
                                  {"certificate": "CODE1", "expires": end.isoformat()})]


def test_an_expired_certificate_gets_the_expiry_notice_alone():
    end = NOW - DAY
    assert for_certificates([held(1, end - 365 * DAY, end)], NOW) == [
        Reminder(3, "expired", "certificate:1:expired",
                 {"certificate": "CODE1", "expires": end.isoformat()})]


def test_the_command_has_words_for_every_kind_of_reminder():
    from trainingapp.cli import REMINDER_WORDS
    from trainingapp.rules.reminders import KINDS

    assert tuple(REMINDER_WORDS) == KINDS
