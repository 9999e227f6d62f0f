"""Item analysis: how each question performs across finished attempts.

facility       share of the marks earned on average (0 hard … 1 easy)
discrimination facility among the top third of attempts (by total score) minus facility
               among the bottom third: a good question is answered better by those who
               know the module better. Low or negative values mark a question to review.
picks          how often each option was chosen (single and multiple choice)

The database adds the answers up (``ItemTotals``, one row per question, and the scores
counted by value); these functions turn the sums into the figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

LOW_DISCRIMINATION = 0.2
MIN_RESPONSES = 10  # below this, the figures are too noisy to flag anything
CHOICE_TYPES = ("single", "multiple")


@dataclass(frozen=True)
class Share:
    """Answers counted and the shares of the marks they earned, added up."""

    answers: int
    earned: float

    @property
    def mean(self) -> float | None:
        return self.earned / self.answers if self.answers else None


@dataclass(frozen=True)
class ItemTotals:
    """One question's answers in finished attempts, summed: all of them, those in the top
    and bottom thirds of the attempts by total score (n // 3 attempts each, ties broken
    by the attempt's id: none below three attempts), and the options chosen, by id."""

    question: str  # the bank id
    all: Share
    top: Share
    bottom: Share
    picks: Mapping[str, int] = field(default_factory=dict)


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


def item_statistics(totals: Iterable[ItemTotals]) -> list[ItemStats]:
    stats = []
    for item in sorted(totals, key=lambda t: t.question):
        high, low = item.top.mean, item.bottom.mean
        stats.append(ItemStats(
            question=item.question,
            responses=item.all.answers,
            facility=item.all.mean or 0.0,
            discrimination=None if high is None or low is None else high - low,
            picks={choice: n / item.all.answers for choice, n in sorted(item.picks.items())},
        ))
    return stats


def score_distribution(scores: Iterable[tuple[float, int]], bins: int = 10) -> list[int]:
    """How many attempts scored in each band of 100/bins percent (100 counts in the top),
    from (score, how many attempts had it)."""
    counts = [0] * bins
    for value, times in scores:
        counts[min(int(value * bins / 100), bins - 1)] += times
    return counts
