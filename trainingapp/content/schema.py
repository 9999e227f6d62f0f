"""The one schema of the question bank's files (see question_bank/README.md).

Pydantic models, strict about unknown fields so that a typo is an error, not a silently
ignored setting. A question's ``type`` names its kind in ``rules.questions.KINDS``: adding
a kind means one model here, in the ``Question`` union, beside its registry entry.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from trainingapp.rules.questions import KINDS

LANGUAGES = ("en", "zh")
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SOURCE_RE = re.compile(
    r"^(?P<document>[0-9A-Z]{2,8}) (?P<section>§\d+(\.\d+)*|art\. \d+(-\d+)?|ch\. \d+)$"
)
QUESTION_TYPES = tuple(KINDS)

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=64)]
ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,15}$")]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Difficulty = Literal["easy", "medium", "hard"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A human-readable text in both languages."""

    en: NonEmpty
    zh: NonEmpty

    def get(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


class TextList(Strict):
    en: list[NonEmpty] = Field(min_length=1)
    zh: list[NonEmpty] = Field(min_length=1)


def _unique_ids(items: list[Option] | list[Item] | list[Pair]) -> None:
    ids = [item.id for item in items]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate ids: {', '.join(duplicates)}")


# --- questions --------------------------------------------------------------------------


class Option(Strict):
    id: ItemId
    text: Text
    correct: bool = False
    weight: float | None = Field(default=None, ge=-100, le=100)


class Item(Strict):
    id: ItemId
    text: Text


class Pair(Strict):
    id: ItemId
    left: Text
    right: Text


class QuestionBase(Strict):
    id: Slug
    difficulty: Difficulty
    tags: list[Slug] = []
    source: str
    points: float = Field(default=1, gt=0)
    stem: Text
    explanation: Text

    @field_validator("source")
    @classmethod
    def _source(cls, value: str, info: ValidationInfo) -> str:
        match = SOURCE_RE.match(value)
        if not match:
            raise ValueError(
                "bad source reference: expected '<document> <section>', e.g. '000 §3.1.2', "
                "'002 art. 14', '004 ch. 7'"
            )
        documents = (info.context or {}).get("documents")
        if documents is not None and match["document"] not in documents:
            raise ValueError(
                f"bad source reference: document {match['document']!r} is not in sources.yaml"
            )
        return value


class SingleChoice(QuestionBase):
    type: Literal["single"]
    options: list[Option] = Field(min_length=2)

    @model_validator(mode="after")
    def _one_correct(self) -> SingleChoice:
        _unique_ids(self.options)
        if sum(option.correct for option in self.options) != 1:
            raise ValueError("answer not among options: exactly one option must be correct")
        return self


class MultipleChoice(QuestionBase):
    type: Literal["multiple"]
    options: list[Option] = Field(min_length=2)

    @model_validator(mode="after")
    def _weights(self) -> MultipleChoice:
        _unique_ids(self.options)
        if not any(option.correct for option in self.options):
            raise ValueError("answer not among options: at least one option must be correct")
        weights = [option.weight for option in self.options]
        if any(w is not None for w in weights):
            if any(w is None for w in weights):
                raise ValueError("give a weight to every option or to none")
            positive = sum(w for w in weights if w is not None and w > 0)
            if abs(positive - 100) > 0.01:
                raise ValueError(f"the positive weights must add up to 100, not {positive:g}")
        return self


class TrueFalse(QuestionBase):
    type: Literal["true_false"]
    answer: bool


class Numeric(QuestionBase):
    type: Literal["numeric"]
    answer: float | None = None
    tolerance: float = Field(default=0, ge=0)
    range: tuple[float, float] | None = None
    unit: Text | None = None

    @model_validator(mode="after")
    def _answer_or_range(self) -> Numeric:
        if (self.answer is None) == (self.range is None):
            raise ValueError("give either 'answer' (with 'tolerance') or 'range', not both")
        if self.range is not None and self.range[0] > self.range[1]:
            raise ValueError("range: the minimum is greater than the maximum")
        return self


class ShortText(QuestionBase):
    type: Literal["short_text"]
    accepted: TextList


class Ordering(QuestionBase):
    type: Literal["ordering"]
    items: list[Item] = Field(min_length=2)
    scoring: Literal["all_or_nothing", "proportional"] = "all_or_nothing"

    @model_validator(mode="after")
    def _ids(self) -> Ordering:
        _unique_ids(self.items)
        return self


class Matching(QuestionBase):
    type: Literal["matching"]
    pairs: list[Pair] = Field(min_length=2)
    scoring: Literal["all_or_nothing", "proportional"] = "proportional"

    @model_validator(mode="after")
    def _ids(self) -> Matching:
        _unique_ids(self.pairs)
        return self


Question = Annotated[
    SingleChoice | MultipleChoice | TrueFalse | Numeric | ShortText | Ordering | Matching,
    Field(discriminator="type"),
]


class QuestionsFile(Strict):
    questions: list[Question] = Field(min_length=1)


# --- modules ----------------------------------------------------------------------------


class DrawRule(Strict):
    tags: list[Slug] = []
    difficulty: Difficulty | None = None
    count: int = Field(gt=0)

    @model_validator(mode="after")
    def _has_filter(self) -> DrawRule:
        if not self.tags and self.difficulty is None:
            raise ValueError("a draw rule needs 'tags' or 'difficulty'")
        return self

    def matches(self, question: QuestionBase) -> bool:
        return set(self.tags) <= set(question.tags) and (
            self.difficulty is None or self.difficulty == question.difficulty
        )


class QuizSettings(Strict):
    questions_per_attempt: int = Field(gt=0)
    draw: list[DrawRule] = []
    pass_mark: int = Field(gt=0, le=100)
    time_limit_minutes: int = Field(gt=0, le=600)
    attempts_allowed: int = Field(ge=0)
    retake_delay_minutes: int = Field(default=0, ge=0)
    # None: not said; the bank then gives ``rules.quiz.default_review`` (after the last
    # attempt or once passed for a quiz a track requires, otherwise immediately).
    review: Literal["immediately", "after_pass_or_last_attempt", "after_pass", "never"] | None = (
        None)
    layout: Literal["one_per_page", "all_on_one_page"] = "one_per_page"

    @model_validator(mode="after")
    def _draw_fits(self) -> QuizSettings:
        drawn = sum(rule.count for rule in self.draw)
        if drawn > self.questions_per_attempt:
            raise ValueError(
                f"the draw rules take {drawn} questions, more than questions_per_attempt "
                f"({self.questions_per_attempt})"
            )
        return self


class ModuleFile(Strict):
    title: Text
    summary: Text
    category: Literal["etiquette", "products", "processes", "regulations", "privacy", "quality"]
    order: int
    estimated_minutes: int = Field(gt=0)
    quiz: QuizSettings


class Document(Strict):
    title: Text


class SourcesFile(Strict):
    documents: dict[Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{2,8}$")], Document]
