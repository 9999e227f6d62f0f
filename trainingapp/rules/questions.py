"""Question kinds: the one registry of what a kind of question is and how it is graded.

Each kind is one ``QuestionKind`` in ``KINDS``, keyed by the name the bank writes as a
question's ``type``. Per kind: the canonical answer shape, ``grade(content, answer)``
(the share of the question's points earned, 0 to 1; a malformed answer earns 0, it never
raises), ``key(content)`` (what is correct, for the review: an answer in the canonical
shape, a ``NumericKey`` for numbers, the accepted texts per language for short text),
``shuffled`` (the list of the content shown in a per-attempt order, or None for a kind
without one). Whether a question is answered is one rule for every kind,
``is_answered(answer)``: each kind's form reader gives None for no answer, and an empty
text, list or mapping counts as none too (answers are saved without their kind).

Canonical answers:
    single       option id                     "b"
    multiple     list of option ids            ["a", "c"]
    true_false   bool                          True
    numeric      number                        30.0
    short_text   text                          "First-contact responsibility"
    ordering     list of item ids, in order    ["c", "a", "b"]
    matching     {pair id of a left: pair id of the right chosen}

Every other part of a kind is keyed by the same name: its page side in
``quizzes/answers.py`` ``KINDS`` (reading a submitted answer, the page view, the review
text, the kind's name as people read it), the page partial ``templates/quizzes/kinds/<name>.html``, the schema entry in the
``Question`` union of ``content/schema.py`` and the GIFT mapping ``content/gift.py``
``GIFT_WRITERS`` (None where GIFT cannot express the kind). Adding a kind touches this
registry and its page side, the schema, one partial and the importers (GIFT, and Moodle
XML once it exists) — nothing else; tests/unit/test_question_kinds.py fails until every
part is there.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Content = dict[str, Any]
Grader = Callable[[Content, Any], float]


def is_answered(answer: Any) -> bool:
    """An answer is given unless it is None or empty, whatever its kind."""
    return answer is not None and answer != "" and answer != [] and answer != {}


@dataclass(frozen=True)
class NumericKey:
    """The correct numbers: ``answer`` within ``tolerance``, or the closed ``range``."""

    answer: float | None = None
    tolerance: float = 0
    range: tuple[float, float] | None = None


@dataclass(frozen=True)
class QuestionKind:
    name: str
    grade: Grader
    key: Callable[[Content], Any]
    shuffled: str | None = None  # the content's list shown in a per-attempt order

    def display_order(self, content: Content, rng: random.Random) -> list[str]:
        """The ids of the shuffled list in the order this attempt shows them ([] if none)."""
        if self.shuffled is None:
            return []
        ids = [entry["id"] for entry in content[self.shuffled]]
        rng.shuffle(ids)
        return ids


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def _correct_ids(content: Content) -> list[str]:
    return [o["id"] for o in content["options"] if o.get("correct")]


def grade_single(content: Content, answer: Any) -> float:
    correct = next(iter(_correct_ids(content)), None)
    return 1.0 if isinstance(answer, str) and answer == correct else 0.0


def option_weights(content: Content) -> dict[str, float]:
    """Each option's weight in percent: the bank's, or +100/k for each of the k correct
    options and -100/k for each wrong one."""
    options = content["options"]
    if any(o.get("weight") is not None for o in options):
        return {o["id"]: float(o.get("weight") or 0) for o in options}
    k = sum(1 for o in options if o.get("correct")) or 1
    return {o["id"]: (100 / k if o.get("correct") else -100 / k) for o in options}


def grade_multiple(content: Content, answer: Any) -> float:
    if not isinstance(answer, list) or not all(isinstance(a, str) for a in answer):
        return 0.0
    weights = option_weights(content)
    picked = set(answer)
    if not picked <= weights.keys():
        return 0.0
    return _clamp(sum(weights[a] for a in picked) / 100)


def grade_true_false(content: Content, answer: Any) -> float:
    return 1.0 if isinstance(answer, bool) and answer == content["answer"] else 0.0


def _numeric_key(content: Content) -> NumericKey:
    if content.get("range") is not None:
        low, high = content["range"]
        return NumericKey(range=(low, high))
    return NumericKey(content["answer"], float(content.get("tolerance") or 0))


def grade_numeric(content: Content, answer: Any) -> float:
    if isinstance(answer, bool) or not isinstance(answer, int | float) or not math.isfinite(answer):
        return 0.0
    key = _numeric_key(content)
    if key.range is not None:
        low, high = key.range
        return 1.0 if low <= answer <= high else 0.0
    # a tiny epsilon so that 0.1 + 0.2 style representation errors do not fail an answer
    return 1.0 if abs(answer - key.answer) <= key.tolerance + 1e-9 else 0.0


def normalise_text(text: str) -> str:
    """Case, full/half width and spacing do not matter: "ＦＣＲ  " == "fcr"."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split())


def grade_short_text(content: Content, answer: Any) -> float:
    if not isinstance(answer, str) or not answer.strip():
        return 0.0
    accepted = {normalise_text(a) for texts in content["accepted"].values() for a in texts}
    return 1.0 if normalise_text(answer) in accepted else 0.0


def _proportional_or_all(scoring: str, right: int, total: int) -> float:
    if scoring == "proportional":
        return right / total if total else 0.0
    return 1.0 if right == total else 0.0


def _item_ids(content: Content) -> list[str]:
    return [item["id"] for item in content["items"]]


def grade_ordering(content: Content, answer: Any) -> float:
    expected = _item_ids(content)
    if not isinstance(answer, list) or sorted(map(str, answer)) != sorted(expected):
        return 0.0
    right = sum(1 for got, want in zip(answer, expected, strict=True) if got == want)
    return _proportional_or_all(content.get("scoring", "all_or_nothing"), right, len(expected))


def grade_matching(content: Content, answer: Any) -> float:
    if not isinstance(answer, dict):
        return 0.0
    pairs = [pair["id"] for pair in content["pairs"]]
    right = sum(1 for pid in pairs if answer.get(pid) == pid)
    return _proportional_or_all(content.get("scoring", "proportional"), right, len(pairs))


KINDS: dict[str, QuestionKind] = {kind.name: kind for kind in (
    QuestionKind("single", grade_single, lambda c: _correct_ids(c)[0], shuffled="options"),
    QuestionKind("multiple", grade_multiple, _correct_ids, shuffled="options"),
    QuestionKind("true_false", grade_true_false, lambda c: c["answer"]),
    QuestionKind("numeric", grade_numeric, _numeric_key),
    QuestionKind("short_text", grade_short_text, lambda c: c["accepted"]),
    QuestionKind("ordering", grade_ordering, _item_ids, shuffled="items"),
    # the right-hand sides are shown in a shuffled order; each pair matches itself
    QuestionKind("matching", grade_matching, lambda c: {p["id"]: p["id"] for p in c["pairs"]},
                 shuffled="pairs"),
)}


def kind_of(content: Content) -> QuestionKind:
    return KINDS[content["type"]]


def grade(content: Content, answer: Any) -> float:
    """The share of the question's points that ``answer`` earns (0 for no answer)."""
    if answer is None:
        return 0.0
    return kind_of(content).grade(content, answer)


def display_order(content: Content, rng: random.Random) -> list[str]:
    """The order this attempt shows the question's shuffled list in ([] for none)."""
    return kind_of(content).display_order(content, rng)
