"""Grading one answer to one question: a pure function per question type.

``grade(content, answer)`` takes a question version's content (as the bank defines it)
and the trainee's answer in its canonical shape, and returns the share of the question's
points earned, from 0 to 1. A malformed answer earns 0; it never raises.

Canonical answers:
    single       option id                     "b"
    multiple     list of option ids            ["a", "c"]
    true_false   bool                          True
    numeric      number                        30.0
    short_text   text                          "First-contact responsibility"
    ordering     list of item ids, in order    ["c", "a", "b"]
    matching     {pair id of a left: pair id of the right chosen}
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from typing import Any

Content = dict[str, Any]
Grader = Callable[[Content, Any], float]


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def grade_single(content: Content, answer: Any) -> float:
    correct = next((o["id"] for o in content["options"] if o.get("correct")), None)
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


def grade_numeric(content: Content, answer: Any) -> float:
    if isinstance(answer, bool) or not isinstance(answer, int | float) or not math.isfinite(answer):
        return 0.0
    if content.get("range") is not None:
        low, high = content["range"]
        return 1.0 if low <= answer <= high else 0.0
    tolerance = float(content.get("tolerance") or 0)
    # a tiny epsilon so that 0.1 + 0.2 style representation errors do not fail an answer
    return 1.0 if abs(answer - content["answer"]) <= tolerance + 1e-9 else 0.0


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


def grade_ordering(content: Content, answer: Any) -> float:
    expected = [item["id"] for item in content["items"]]
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


GRADERS: dict[str, Grader] = {
    "single": grade_single,
    "multiple": grade_multiple,
    "true_false": grade_true_false,
    "numeric": grade_numeric,
    "short_text": grade_short_text,
    "ordering": grade_ordering,
    "matching": grade_matching,
}


def grade(content: Content, answer: Any) -> float:
    """The share of the question's points that ``answer`` earns (0 for no answer)."""
    if answer is None:
        return 0.0
    return GRADERS[content["type"]](content, answer)


def is_answered(answer: Any) -> bool:
    return answer is not None and answer != "" and answer != [] and answer != {}
