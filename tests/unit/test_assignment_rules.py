from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from trainingapp.rules.assignments import (
    Progress,
    is_overdue,
    local_day,
    overdue_from,
    status,
)
from trainingapp.rules.certification import Decision, Evidence, Status

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DUE = date(2026, 11, 30)
SHANGHAI = ZoneInfo("Asia/Shanghai")  # UTC+8: ahead of UTC
NEW_YORK = ZoneInfo("America/New_York")  # behind UTC, with summer time


def test_a_module_goes_from_not_started_to_completed_by_its_results():
    def of(evidence, started):
        return status("module", "privacy", DUE, NOW, evidence, started, zone=SHANGHAI)
    assert of([], set()) == Progress.NOT_STARTED
    assert of([], {("module", "privacy")}) == Progress.IN_PROGRESS
    assert of([Evidence("module", "privacy", 60, False, NOW)], set()) == Progress.IN_PROGRESS
    assert of([Evidence("module", "privacy", 95, True, NOW)], set()) == Progress.COMPLETED


def test_due_until_the_end_of_the_local_day_overdue_from_midnight_after():
    """Frozen clock, in a zone ahead of UTC: due 2026-12-15 in Shanghai."""
    due = date(2026, 12, 15)
    last_minute = datetime(2026, 12, 15, 23, 59, tzinfo=SHANGHAI)  # 15:59 UTC
    midnight = datetime(2026, 12, 16, 0, 0, tzinfo=SHANGHAI)  # 16:00 UTC
    assert overdue_from(due, SHANGHAI) == datetime(2026, 12, 15, 16, 0, tzinfo=UTC)
    for now, expected in ((last_minute, Progress.NOT_STARTED),
                          (midnight - timedelta(microseconds=1), Progress.NOT_STARTED),
                          (midnight, Progress.OVERDUE)):
        assert status("scenario", "chat", due, now.astimezone(UTC), [], set(),
                      zone=SHANGHAI) == expected
    passed = [Evidence("scenario", "chat", 90, True, NOW)]
    assert status("scenario", "chat", due, midnight + timedelta(days=3), passed, set(),
                  zone=SHANGHAI) == Progress.COMPLETED


@pytest.mark.parametrize("zone", [SHANGHAI, NEW_YORK, UTC])
def test_the_instant_and_the_day_boundary_agree(zone):
    """SQL compares days (``due_on < local_day(now)``), Python may compare instants
    (``now >= overdue_from(due_on)``): the same answer at every minute around the change,
    a summer-time change included."""
    for due in (date(2026, 12, 15), date(2026, 3, 8), date(2026, 11, 1)):
        start = overdue_from(due, zone) - timedelta(hours=2)
        for minute in range(0, 240, 7):
            now = start + timedelta(minutes=minute)
            assert (now >= overdue_from(due, zone)) == is_overdue(due, now, zone) == (
                due < local_day(now, zone))


def test_a_track_is_completed_while_its_certificate_is_valid():
    valid = Decision(Status.CERTIFIED)
    pending = Decision(Status.IN_PROGRESS, missing=("observation",))

    def of(track):
        return status("track", "hotline-agent", DUE, NOW, [], set(), track, zone=SHANGHAI)
    assert of(valid) == Progress.COMPLETED
    assert of(pending) == Progress.IN_PROGRESS
    assert of(None) == Progress.NOT_STARTED
