"""Every status transition of a certification, with the clock as a parameter."""

from datetime import UTC, datetime, timedelta

import pytest

from trainingapp.rules.certification import (
    Certificate,
    Evidence,
    Status,
    add_months,
    clearance,
    due_award,
    evaluate,
    missing,
)

T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
TRACK = {
    "validity_months": 12,
    "renewal_window_days": 60,
    "renewal": ["modules"],
    "requirements": {
        "modules": [{"module": "etiquette", "min_score": 80}, {"module": "privacy", "min_score": 90}],
        "scenarios": {"all": ["billing"], "any": 1, "of": ["chat", "leak"]},
        "observation": True,
    },
}


def complete(at):
    return [Evidence("module", "etiquette", 85, True, at), Evidence("module", "privacy", 95, True, at),
            Evidence("scenario", "billing", 90, True, at), Evidence("scenario", "leak", 80, True, at),
            Evidence("observation", "", 80, True, at)]


def cert(valid_from, months=12, revoked_at=None, cid=1):
    return Certificate(cid, valid_from, add_months(valid_from, months), revoked_at)


def test_not_started_then_in_progress_with_what_is_missing():
    assert evaluate(TRACK, [], [], T0).status == Status.NOT_STARTED
    decision = evaluate(TRACK, [], [Evidence("module", "privacy", 85, True, T0)], T0)
    assert decision.status == Status.IN_PROGRESS
    assert decision.missing == ("module:etiquette", "module:privacy", "scenario:billing",
                                "scenarios:1 more of chat,leak", "observation")


def test_a_failed_call_or_low_score_does_not_count():
    evidence = complete(T0)
    evidence[1] = Evidence("module", "privacy", 89, True, T0)  # below this track's 90
    evidence[2] = Evidence("scenario", "billing", 95, False, T0)  # a critical error
    assert missing(TRACK, evidence, None) == ("module:privacy", "scenario:billing")


def test_completing_the_track_awards_a_year():
    award = due_award(TRACK, [], complete(T0), T0)
    assert (award.valid_from, award.expires_at, award.renewal) == (T0, add_months(T0, 12), False)


def test_certified_then_the_window_opens_then_expiry_at_the_instant():
    certs = [cert(T0)]
    expiry = add_months(T0, 12)
    assert evaluate(TRACK, certs, complete(T0), T0 + timedelta(days=1)).status == Status.CERTIFIED
    in_window = evaluate(TRACK, certs, complete(T0), expiry - timedelta(days=59))
    assert in_window.status == Status.RENEWAL_DUE and in_window.is_valid
    assert in_window.missing == ("module:etiquette", "module:privacy")  # to earn again
    just_before = evaluate(TRACK, certs, complete(T0), expiry - timedelta(microseconds=1))
    assert just_before.is_valid
    at_expiry = evaluate(TRACK, certs, complete(T0), expiry)
    assert at_expiry.status == Status.EXPIRED and not at_expiry.is_valid


def test_renewal_inside_the_window_extends_from_the_old_expiry():
    expiry = add_months(T0, 12)
    now = expiry - timedelta(days=30)
    fresh = complete(T0)[2:] + [Evidence("module", "etiquette", 90, True, now),
                                Evidence("module", "privacy", 92, True, now)]
    award = due_award(TRACK, [cert(T0)], fresh, now)
    assert award.renewal and award.valid_from == expiry and award.expires_at == add_months(expiry, 12)
    renewed = [cert(T0), Certificate(2, expiry, award.expires_at)]
    after = evaluate(TRACK, renewed, fresh, expiry + timedelta(days=1))
    assert after.status == Status.CERTIFIED and after.until == award.expires_at


def test_evidence_from_before_the_window_does_not_renew():
    expiry = add_months(T0, 12)
    assert due_award(TRACK, [cert(T0)], complete(T0), expiry - timedelta(days=30)) is None


def test_after_expiry_the_track_must_be_completed_again():
    expiry = add_months(T0, 12)
    later = expiry + timedelta(days=10)
    assert due_award(TRACK, [cert(T0)], complete(T0), later) is None
    award = due_award(TRACK, [cert(T0)], complete(T0) + complete(later), later)
    assert award is not None and not award.renewal and award.valid_from == later


def test_revocation_stops_validity_at_once_and_reinstatement_restores_it():
    revoked = [cert(T0, revoked_at=T0 + timedelta(days=5))]
    assert evaluate(TRACK, revoked, complete(T0), T0 + timedelta(days=4)).is_valid
    decision = evaluate(TRACK, revoked, complete(T0), T0 + timedelta(days=5))
    assert decision.status == Status.REVOKED and not decision.is_valid
    assert due_award(TRACK, revoked, complete(T0), T0 + timedelta(days=6)) is None
    reinstated = [cert(T0)]
    assert evaluate(TRACK, reinstated, complete(T0), T0 + timedelta(days=6)).is_valid


def test_an_exemption_without_expiry_stays_valid():
    exempt = [Certificate(1, T0, None)]
    assert evaluate(TRACK, exempt, [], T0 + timedelta(days=4000)).status == Status.CERTIFIED


def test_clearance_needs_every_required_track():
    valid = evaluate(TRACK, [cert(T0)], [], T0 + timedelta(days=1))
    pending = evaluate(TRACK, [], [], T0)
    assert clearance({"a": valid}).cleared
    blocked = clearance({"a": valid, "b": pending})
    assert not blocked.cleared and blocked.requirements_left == 5
    assert not clearance({}).cleared  # a position with no track vouches for nobody


def test_a_position_change_adds_a_track_and_with_it_requirements():
    before = clearance({"a": evaluate(TRACK, [cert(T0)], [], T0 + timedelta(days=1))})
    after = clearance({**before.tracks, "b": evaluate(TRACK, [], [], T0 + timedelta(days=1))})
    assert before.cleared and not after.cleared


@pytest.mark.parametrize(("start", "months", "end"), [
    (datetime(2026, 1, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
    (datetime(2026, 11, 30, tzinfo=UTC), 3, datetime(2027, 2, 28, tzinfo=UTC)),
    (datetime(2028, 2, 29, tzinfo=UTC), 12, datetime(2029, 2, 28, tzinfo=UTC)),
])
def test_add_months_keeps_to_the_end_of_short_months(start, months, end):
    assert add_months(start, months) == end
