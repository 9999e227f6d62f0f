from datetime import UTC, datetime, timedelta

from trainingapp.rules.assignments import Progress, status
from trainingapp.rules.certification import Decision, Evidence, Status

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DUE = NOW + timedelta(days=7)


def test_a_module_goes_from_not_started_to_completed_by_its_results():
    assert status("module", "privacy", DUE, NOW, [], set()) == Progress.NOT_STARTED
    assert status("module", "privacy", DUE, NOW, [], {("module", "privacy")}) == Progress.IN_PROGRESS
    failed = [Evidence("module", "privacy", 60, False, NOW)]
    assert status("module", "privacy", DUE, NOW, failed, set()) == Progress.IN_PROGRESS
    passed = [Evidence("module", "privacy", 95, True, NOW)]
    assert status("module", "privacy", DUE, NOW, passed, set()) == Progress.COMPLETED


def test_overdue_at_the_instant_the_due_date_passes_unless_completed():
    assert status("scenario", "chat", DUE, DUE - timedelta(microseconds=1), [], set()) == (
        Progress.NOT_STARTED)
    assert status("scenario", "chat", DUE, DUE, [], set()) == Progress.OVERDUE
    passed = [Evidence("scenario", "chat", 90, True, NOW)]
    assert status("scenario", "chat", DUE, DUE + timedelta(days=1), passed, set()) == (
        Progress.COMPLETED)


def test_a_track_is_completed_while_its_certificate_is_valid():
    valid = Decision(Status.CERTIFIED)
    pending = Decision(Status.IN_PROGRESS, missing=("observation",))
    assert status("track", "hotline-agent", DUE, NOW, [], set(), valid) == Progress.COMPLETED
    assert status("track", "hotline-agent", DUE, NOW, [], set(), pending) == Progress.IN_PROGRESS
    assert status("track", "hotline-agent", DUE, NOW, [], set(), None) == Progress.NOT_STARTED
