"""Item analysis: how each question performs across finished attempts.

facility       share of the marks earned on average (0 hard … 1 easy)
discrimination facility among the top third of attempts (by total score) minus facility
               among the bottom third: a good question is answered better by those who
               know the module better. Low or negative values mark a question to review.
picks          how often each option was chosen (single and multiple choice)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

LOW_DISCRIMINATION = 0.2
MIN_RESPONSES = 10  # below this, the figures are too noisy to flag anything
CHOICE_TYPES = ("single", "multiple")


@dataclass(frozen=True)
class Response:
    attempt_id: int
    attempt_score: float
    question: str  # the bank id
    kind: str  # the question type
    share: float
    answer: Any


@dataclass(frozen=True)
class ItemStats:
    question: str
    responses: int
    facility: float
    discrimination: float | None
    picks: dict[str, float] = field(default_factory=dict)

    @property
    def needs_review(self) -> bool:
        return (self.responses >= MIN_RESPONSES and self.discrimination is not None
                and self.discrimination < LOW_DISCRIMINATION)


def _terciles(responses: Sequence[Response]) -> tuple[set[int], set[int]]:
    """Attempt ids of the bottom and top thirds by total score."""
    scores = sorted({(r.attempt_score, r.attempt_id) for r in responses})
    third = len(scores) // 3
    if third == 0:
        return set(), set()
    return {a for _, a in scores[:third]}, {a for _, a in scores[-third:]}


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def item_statistics(responses: Sequence[Response]) -> list[ItemStats]:
    bottom, top = _terciles(responses)
    by_question: dict[str, list[Response]] = {}
    for response in responses:
        by_question.setdefault(response.question, []).append(response)
    stats = []
    for question, rows in sorted(by_question.items()):
        high = _mean([r.share for r in rows if r.attempt_id in top])
        low = _mean([r.share for r in rows if r.attempt_id in bottom])
        picks: Counter[str] = Counter()
        for r in rows:
            if r.kind not in CHOICE_TYPES:
                continue
            for choice in r.answer if isinstance(r.answer, list) else [r.answer]:
                if isinstance(choice, str):
                    picks[choice] += 1
        stats.append(ItemStats(
            question=question,
            responses=len(rows),
            facility=_mean([r.share for r in rows]) or 0.0,
            discrimination=None if high is None or low is None else high - low,
            picks={choice: n / len(rows) for choice, n in sorted(picks.items())},
        ))
    return stats


def score_distribution(scores: Sequence[float], bins: int = 10) -> list[int]:
    """How many attempts scored in each band of 100/bins percent (100 counts in the top)."""
    counts = [0] * bins
    for value in scores:
        counts[min(int(value * bins / 100), bins - 1)] += 1
    return counts
