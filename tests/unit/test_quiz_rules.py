import random
from datetime import UTC, datetime, timedelta

from trainingapp.rules.quiz import (
    DrawRule,
    PastAttempt,
    PoolQuestion,
    Refusal,
    accepts_answers,
    deadline,
    draw,
    may_review,
    may_start,
    review_leaks_key,
    score,
)

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
SETTINGS = {"attempts_allowed": 3, "retake_delay_minutes": 60, "time_limit_minutes": 20}
POOL = [PoolQuestion(i, ("time-limits",) if i <= 5 else (), "hard" if i % 2 else "easy")
        for i in range(1, 21)]


def test_draw_takes_each_rule_s_count_then_fills_at_random():
    for seed in range(20):
        ids = draw(POOL, [DrawRule(3, ("time-limits",)), DrawRule(2, (), "hard")], 10,
                   random.Random(seed))
        assert len(ids) == len(set(ids)) == 10
        assert len([i for i in ids if i <= 5]) >= 3
        assert len([i for i in ids if i % 2]) >= 2


def test_draw_with_a_small_pool_takes_what_there_is():
    assert sorted(draw(POOL[:4], [], 10, random.Random(1))) == [1, 2, 3, 4]


def test_draw_is_deterministic_for_a_seed_and_varies_across_seeds():
    first = draw(POOL, [], 10, random.Random(7))
    assert first == draw(POOL, [], 10, random.Random(7))
    assert first != draw(POOL, [], 10, random.Random(8))


def test_may_start_a_first_attempt():
    decision = may_start(SETTINGS, [], NOW)
    assert decision.allowed and decision.attempts_left == 3


def test_not_after_passing():
    decision = may_start(SETTINGS, [PastAttempt(True, NOW)], NOW + timedelta(days=1))
    assert not decision.allowed and decision.refusal == Refusal.ALREADY_PASSED


def test_retake_waits_for_the_delay():
    past = [PastAttempt(False, NOW)]
    early = may_start(SETTINGS, past, NOW + timedelta(minutes=59))
    assert early.refusal == Refusal.TOO_SOON and early.retry_at == NOW + timedelta(minutes=60)
    assert may_start(SETTINGS, past, NOW + timedelta(minutes=60)).allowed


def test_attempts_run_out():
    past = [PastAttempt(False, NOW - timedelta(days=i)) for i in range(3)]
    decision = may_start(SETTINGS, past, NOW + timedelta(days=1))
    assert decision.refusal == Refusal.NO_ATTEMPTS_LEFT and decision.attempts_left == 0


def test_unlimited_attempts():
    past = [PastAttempt(False, NOW - timedelta(days=i + 1)) for i in range(10)]
    decision = may_start({**SETTINGS, "attempts_allowed": 0}, past, NOW)
    assert decision.allowed and decision.attempts_left is None


def test_deadline_and_grace():
    due = deadline(NOW, SETTINGS)
    assert due == NOW + timedelta(minutes=20)
    grace = timedelta(seconds=60)
    assert accepts_answers(due + grace, due, grace)
    assert not accepts_answers(due + grace + timedelta(microseconds=1), due, grace)


def test_score_weights_points_and_compares_with_the_pass_mark():
    result = score([(1, 1), (0.5, 2), (0, 1)], pass_mark=50)
    assert (result.points, result.max_points, result.percent, result.passed) == (2, 4, 50, True)
    assert not score([(1, 1), (0, 2)], pass_mark=50).passed
    assert score([], pass_mark=50).percent == 0


def test_after_pass_or_last_attempt_keeps_the_key_while_retakes_remain():
    policy = "after_pass_or_last_attempt"
    assert not may_review(policy, passed=False, finished=1, attempts_allowed=3)
    assert not may_review(policy, passed=False, finished=2, attempts_allowed=3)
    assert may_review(policy, passed=False, finished=3, attempts_allowed=3)  # the last one
    assert may_review(policy, passed=True, finished=1, attempts_allowed=3)
    assert not may_review(policy, passed=False, finished=9, attempts_allowed=0)  # unlimited
    assert may_review("immediately", passed=False, finished=1, attempts_allowed=3)
    assert not may_review("after_pass", passed=False, finished=3, attempts_allowed=3)
    assert not may_review("never", passed=True, finished=1, attempts_allowed=3)


def test_immediately_leaks_the_key_only_when_a_retake_is_possible():
    assert review_leaks_key("immediately", 3) and review_leaks_key("immediately", 0)
    assert not review_leaks_key("immediately", 1)
    assert not review_leaks_key("after_pass_or_last_attempt", 3)
