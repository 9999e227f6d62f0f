"""Quiz decisions: which questions an attempt draws, whether a person may start one,
when its time is up, and its score. Pure: time and randomness are parameters."""

from __future__ import annotations

import enum
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class PoolQuestion:
    id: int
    tags: tuple[str, ...]
    difficulty: str


@dataclass(frozen=True)
class DrawRule:
    count: int
    tags: tuple[str, ...] = ()
    difficulty: str | None = None

    def matches(self, question: PoolQuestion) -> bool:
        return set(self.tags) <= set(question.tags) and (
            self.difficulty is None or self.difficulty == question.difficulty)


def draw(pool: Sequence[PoolQuestion], rules: Sequence[DrawRule], total: int,
         rng: random.Random) -> list[int]:
    """Ids of ``total`` questions: each rule's count from the questions it matches (in
    order, never the same question twice), the rest at random from what is left; shuffled."""
    remaining = list(pool)
    chosen: list[PoolQuestion] = []
    for rule in rules:
        matching = [q for q in remaining if rule.matches(q)]
        picked = rng.sample(matching, min(rule.count, len(matching), total - len(chosen)))
        chosen.extend(picked)
        remaining = [q for q in remaining if q not in picked]
    chosen.extend(rng.sample(remaining, min(total - len(chosen), len(remaining))))
    ids = [q.id for q in chosen]
    rng.shuffle(ids)
    return ids


class Refusal(enum.StrEnum):
    ALREADY_PASSED = "already_passed"
    NO_ATTEMPTS_LEFT = "no_attempts_left"
    TOO_SOON = "too_soon"
    NO_QUESTIONS = "no_questions"


@dataclass(frozen=True)
class PastAttempt:
    passed: bool
    finished_at: datetime | None


@dataclass(frozen=True)
class StartDecision:
    allowed: bool
    refusal: Refusal | None = None
    retry_at: datetime | None = None
    attempts_left: int | None = None  # None: unlimited


def may_start(settings: dict[str, Any], past: Sequence[PastAttempt], now: datetime) -> StartDecision:
    """Whether a new attempt may start, given the finished attempts of this person."""
    allowed_count = settings["attempts_allowed"]
    left = None if allowed_count == 0 else max(0, allowed_count - len(past))
    if any(a.passed for a in past):
        return StartDecision(False, Refusal.ALREADY_PASSED, attempts_left=left)
    if left == 0:
        return StartDecision(False, Refusal.NO_ATTEMPTS_LEFT, attempts_left=0)
    finished = [a.finished_at for a in past if a.finished_at is not None]
    delay = timedelta(minutes=settings.get("retake_delay_minutes", 0))
    if finished and delay and now < max(finished) + delay:
        return StartDecision(False, Refusal.TOO_SOON, retry_at=max(finished) + delay,
                             attempts_left=left)
    return StartDecision(True, attempts_left=left)


# When an attempt's answers and key are shown on its result page (a module's quiz.review).
IMMEDIATELY = "immediately"
AFTER_PASS_OR_LAST_ATTEMPT = "after_pass_or_last_attempt"
AFTER_PASS = "after_pass"
NEVER = "never"
# A quiz that counts toward certification keeps its key until no retake can use it.
CERTIFICATION_REVIEW = AFTER_PASS_OR_LAST_ATTEMPT


def default_review(counts_toward_certification: bool) -> str:
    """The review policy of a module whose file does not name one."""
    return CERTIFICATION_REVIEW if counts_toward_certification else IMMEDIATELY


def review_leaks_key(policy: str, attempts_allowed: int) -> bool:
    """Whether the key is shown after a failed attempt while retakes remain."""
    return policy == IMMEDIATELY and attempts_allowed != 1


def may_review(policy: str, *, passed: bool, finished: int, attempts_allowed: int) -> bool:
    """Whether a person who has ``passed`` (or not) and finished ``finished`` attempts
    (``attempts_allowed`` 0: unlimited) sees the answers and the key of their attempts."""
    if policy == NEVER:
        return False
    if policy == AFTER_PASS:
        return passed
    if policy == AFTER_PASS_OR_LAST_ATTEMPT:
        return passed or (attempts_allowed > 0 and finished >= attempts_allowed)
    return True


def deadline(started_at: datetime, settings: dict[str, Any]) -> datetime:
    return started_at + timedelta(minutes=settings["time_limit_minutes"])


def accepts_answers(now: datetime, deadline_at: datetime, grace: timedelta) -> bool:
    """The server takes answers until the deadline plus a short grace for the network."""
    return now <= deadline_at + grace


@dataclass(frozen=True)
class QuizScore:
    points: float
    max_points: float
    percent: float
    passed: bool


def score(results: Sequence[tuple[float, float]], pass_mark: float) -> QuizScore:
    """``results``: (share earned 0..1, points) per question."""
    earned = sum(share * points for share, points in results)
    total = sum(points for _, points in results)
    return from_points(earned, total, pass_mark)


def from_points(earned: float, total: float, pass_mark: float) -> QuizScore:
    percent = round(100 * earned / total, 2) if total else 0.0
    return QuizScore(round(earned, 4), total, percent, percent >= pass_mark)
