"""What the quiz pages show, built from attempts: overview rows, the page of questions,
the review. Kept out of the views so that each view stays a few lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import format_number
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from trainingapp.converters import BadNumber
from trainingapp.i18n import moment
from trainingapp.models import AttemptQuestion, Module, QuizAttempt, User
from trainingapp.models.learning import localized
from trainingapp.queries import learning
from trainingapp.quizzes import answers
from trainingapp.rules import quiz
from trainingapp.rules.questions import grade
from trainingapp.rules.quiz import Refusal, StartDecision
from trainingapp.services import quizzes


@dataclass(frozen=True)
class OverviewRow:
    module: Module
    attempts: list[QuizAttempt]
    current: QuizAttempt | None
    decision: StartDecision

    @property
    def best(self) -> float | None:
        scores = [a.score for a in self.attempts if a.score is not None]
        return max(scores) if scores else None

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)


def quiz_overview(user: User, now: datetime) -> list[OverviewRow]:
    attempts = quizzes.attempts_of(user.id)
    rows = []
    for progress in learning.catalogue(user):
        mine = [a for a in attempts if a.module_id == progress.module.id]
        current = next((a for a in mine if a.is_open), None)
        rows.append(OverviewRow(progress.module, mine, current,
                                quizzes.start_decision(progress.module, mine, now)))
    return rows


@dataclass(frozen=True)
class Chance:
    """What a page offers for a module's quiz: resume the attempt in progress, start one
    (a retake after the first), or why not and until when."""

    module: Module
    current: QuizAttempt | None
    decision: StartDecision
    tried: bool


def chance(user_id: int, module: Module, now: datetime) -> Chance:
    mine = quizzes.attempts_of(user_id, module.id)
    return Chance(module, next((a for a in mine if a.is_open), None),
                  quizzes.start_decision(module, mine, now), bool(mine))


def retake(attempt: QuizAttempt, now: datetime) -> Chance:
    """After a result: may the person take the quiz again, and from when."""
    return chance(attempt.user_id, attempt.module, now)


def refusal_message(decision: StartDecision) -> str:
    if decision.refusal == Refusal.ALREADY_PASSED:
        return _("You have already passed this quiz.")
    if decision.refusal == Refusal.NO_ATTEMPTS_LEFT:
        return _("You have used every attempt at this quiz. Ask your supervisor.")
    if decision.refusal == Refusal.TOO_SOON and decision.retry_at:
        return _("You can try again from %(time)s.", time=moment(decision.retry_at))
    return _("This quiz has no questions yet.")


@dataclass(frozen=True)
class TakePage:
    questions: list[answers.QuestionView]
    navigator: list[answers.QuestionView]
    number: int  # the page shown, 1-based; equals the position with one question a page
    count: int
    one_per_page: bool

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.one_per_page and self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.one_per_page and self.number < self.count else None


def too_long_message(refused: answers.TooLong) -> str:
    return _("An answer can be at most %(limit)s characters long; yours has %(length)s. "
             "Shorten it: it was not saved.", limit=format_number(refused.limit),
             length=format_number(len(refused.typed)))


def not_an_option_message() -> str:
    return _("That answer is not one of the question's choices: nothing was saved, and the "
             "answer given before is kept. Reload the page and answer again.")


def bad_number_message(bad: BadNumber) -> str:
    return _("“%(value)s” is not a number this quiz knows: nothing was saved. Reload the page "
             "and try again.", value=bad.raw[:20] + ("…" if len(bad.raw) > 20 else ""))


def take_page(attempt: QuizAttempt, number: int, language: str,
              refused: Mapping[int, answers.TooLong] | None = None) -> TakePage:
    """The page of questions; ``refused``: answers typed too long, by position, shown
    again as typed with the reason (the first of them is the page shown)."""
    items = quizzes.questions_of(attempt)
    views = [answers.view(item, language) for item in items]
    for question in views:
        if refused and question.position in refused:
            question.value = refused[question.position].typed
            question.error = too_long_message(refused[question.position])
    if refused:
        number = min(refused)
    one_per_page = attempt.settings.get("layout", "one_per_page") == "one_per_page"
    number = min(max(number, 1), len(views))
    shown = [views[number - 1]] if one_per_page else views
    return TakePage(shown, views, number, len(views), one_per_page)


@dataclass(frozen=True)
class Reading:
    """A form's answers: those to save, and those refused (too long) by position."""

    saved: list[quizzes.SavedAnswer]
    refused: dict[int, answers.TooLong]


def answers_from(items: Sequence[AttemptQuestion], form: MultiDict[str, str]) -> Reading:
    """Raises ``answers.NotAnOption`` (before anything is saved) for a choice not offered."""
    saved, refused = [], {}
    for item in items:
        try:
            answer = answers.read(item, form)
        except answers.TooLong as too_long:
            refused[item.position] = too_long
            continue
        saved.append(quizzes.SavedAnswer(item.position, answer, f"flag{item.position}" in form))
    return Reading(saved, refused)


@dataclass(frozen=True)
class ReviewItem:
    position: int
    stem: str
    yours: str
    key: str
    share: float
    explanation: str
    source: str
    version_id: int

    @property
    def verdict(self) -> str:
        return "right" if self.share >= 1 else ("partly" if self.share > 0 else "wrong")


@dataclass(frozen=True)
class Review:
    shown: bool
    items: list[ReviewItem]
    reason: str = ""


def review(attempt: QuizAttempt, language: str) -> Review:
    policy = attempt.settings.get("review") or quiz.IMMEDIATELY
    if policy == quiz.NEVER:
        return Review(False, [], _("This quiz shows your score only."))
    if policy != quiz.IMMEDIATELY:
        passed, finished = quizzes.standing(attempt.user_id, attempt.module_id)
        if not quiz.may_review(policy, passed=passed, finished=finished,
                               attempts_allowed=attempt.settings.get("attempts_allowed", 0)):
            if policy == quiz.AFTER_PASS:
                return Review(False, [], _("The answers are shown once you have passed "
                                           "this quiz."))
            return Review(False, [], _("The answers are shown once you have passed this "
                                       "quiz or used your last attempt."))
    items = []
    for item in quizzes.questions_of(attempt, with_questions=True):
        content: dict[str, Any] = item.version.content
        share = item.share if item.share is not None else grade(content, item.answer)
        items.append(ReviewItem(
            position=item.position,
            stem=localized(content["stem"], language)[0],
            yours=answers.describe(content, item.answer, language) or _("(no answer)"),
            key=answers.describe_key(content, language),
            share=share,
            explanation=localized(content.get("explanation"), language)[0],
            source=item.version.question.source,
            version_id=item.version.id,
        ))
    return Review(True, items)
