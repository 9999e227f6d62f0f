"""Simulated calls: matching a free-text reply to the intents a turn requires, and scoring
a call on its rubric. Pure: the scenario and rubric come in as the bank's dictionaries.

A dimension's score is the points earned divided by the best points available at the
turns the call actually went through; the rubric's weights combine the dimensions that
had points available into 0-100. Any critical error fails the call with score 0.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jieba
import opencc
from rapidfuzz import fuzz

FUZZY_THRESHOLD = 85  # partial similarity for a phrase to count as said
FORBIDDEN_THRESHOLD = 92  # stricter: a false alarm here fails the call
MIN_FUZZY_LENGTH = 4  # shorter phrases must appear exactly
TELECOM_TERMS = (
    "首问负责制", "首问负责", "增值业务", "增值服务", "彩铃", "宽带", "光猫", "工单", "流量包",
    "漫游", "国际漫游", "实名认证", "身份核验", "投诉", "回访", "套餐", "话费", "账单", "扣费",
    "退订", "携号转网", "违约金", "营业厅", "装机", "报障", "故障单", "上门", "测速",
)
_jieba_lock = threading.Lock()
_jieba_ready = False


def _segment(text: str) -> list[str]:
    global _jieba_ready
    if not _jieba_ready:
        with _jieba_lock:
            if not _jieba_ready:
                jieba.setLogLevel(logging.WARNING)
                for term in TELECOM_TERMS:
                    jieba.add_word(term)
                _jieba_ready = True
    return [token for token in jieba.lcut(text) if token.strip()]


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def prepare() -> None:
    """Load the word dictionary and the character tables now (about a second) rather than
    in the first trainee's call: a server runs this as each worker starts."""
    _segment(normalise("您好，请问有什么可以帮您"))


def normalise(text: str) -> str:
    """Traditional → simplified, full/half width, case, punctuation and spacing folded."""
    text = unicodedata.normalize("NFKC", _to_simplified().convert(text)).casefold()
    text = "".join(" " if unicodedata.category(ch).startswith(("P", "S")) else ch for ch in text)
    return " ".join(text.split())


def _has_cjk(text: str) -> bool:
    return bool(re.search(r"[\u3400-\u9fff]", text))


def _tokens(text: str) -> list[str]:
    return _segment(text.replace(" ", "")) if _has_cjk(text) else text.split()


def _close_enough(wanted: str, said: str, threshold: int) -> bool:
    """Some run of the reply's words (jieba's, for Chinese) about as long as the phrase is
    similar enough to it: typos and small variations pass, other words do not."""
    joiner = "" if _has_cjk(wanted) else " "
    target = joiner.join(_tokens(wanted))
    words = _tokens(said)
    size = len(_tokens(wanted))
    for width in {max(1, size - 1), size, size + 1}:
        for start in range(0, max(1, len(words) - width + 1)):
            if fuzz.ratio(target, joiner.join(words[start:start + width])) >= threshold:
                return True
    return False


def says(phrase: str, reply: str, threshold: int = FUZZY_THRESHOLD) -> bool:
    """Whether ``reply`` contains ``phrase``, exactly or closely enough (typos, small
    variations), after normalising both."""
    wanted, said = normalise(phrase), normalise(reply)
    if not wanted:
        return False
    if _has_cjk(wanted):
        if wanted.replace(" ", "") in said.replace(" ", ""):
            return True
    elif re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", said):
        return True
    if len(wanted.replace(" ", "")) < MIN_FUZZY_LENGTH:
        return False
    return _close_enough(wanted, said, threshold)


def _phrases(mapping: dict[str, Any] | None) -> Iterable[str]:
    for language in ("en", "zh"):
        yield from (mapping or {}).get(language, [])


@dataclass(frozen=True)
class ReplyResult:
    matched: tuple[str, ...]
    points: dict[str, float]
    forbidden: str | None  # the forbidden phrase found, if any
    critical: str | None
    passed: bool


def judge_reply(node: dict[str, Any], rubric: dict[str, Any], reply: str) -> ReplyResult:
    """What a typed reply earns at a free-text turn."""
    rule = rubric.get("forbidden_phrases") or {}
    forbidden = next((p for source in (rule, node.get("forbidden"))
                      for p in _phrases(source) if says(p, reply, FORBIDDEN_THRESHOLD)), None)
    matched = tuple(intent["id"] for intent in node["intents"]
                    if any(says(p, reply) for p in _phrases(intent["phrases"])))
    points: dict[str, float] = {}
    for intent in node["intents"]:
        if intent["id"] in matched:
            points[intent["dimension"]] = points.get(intent["dimension"], 0) + intent["points"]
    return ReplyResult(
        matched=matched,
        points=points,
        forbidden=forbidden,
        critical=rule.get("critical") if forbidden else None,
        passed=forbidden is None and len(matched) >= node["pass_intents"],
    )


def available(node: dict[str, Any]) -> dict[str, float]:
    """The best points a turn offers, per dimension."""
    best: dict[str, float] = {}
    if node["type"] == "choice":
        for option in node["options"]:
            for dimension, value in option.get("points", {}).items():
                best[dimension] = max(best.get(dimension, 0), value)
    elif node["type"] == "free_text":
        for intent in node["intents"]:
            best[intent["dimension"]] = best.get(intent["dimension"], 0) + intent["points"]
    return {d: v for d, v in best.items() if v > 0}


@dataclass(frozen=True)
class Turn:
    """One agent turn as it was taken: what it offered, earned, and whether it was late."""

    node: str
    available: dict[str, float]
    earned: dict[str, float]
    critical: str | None = None
    late: bool = False


@dataclass(frozen=True)
class CallScore:
    score: float
    passed: bool
    dimensions: dict[str, float | None]  # 0..1 per dimension; None: nothing available
    critical_errors: tuple[str, ...] = field(default_factory=tuple)


def score_call(rubric: dict[str, Any], turns: Sequence[Turn], pass_mark: float) -> CallScore:
    earned: dict[str, float] = {}
    offered: dict[str, float] = {}
    late = rubric.get("late_turn") or {}
    for turn in turns:
        for dimension, value in turn.available.items():
            offered[dimension] = offered.get(dimension, 0) + value
        if turn.late:  # earns nothing, and the customer was kept waiting
            if late:
                earned[late["dimension"]] = earned.get(late["dimension"], 0) - late["penalty"]
            continue
        for dimension, value in turn.earned.items():
            earned[dimension] = earned.get(dimension, 0) + value
    ratios: dict[str, float | None] = {}
    for dimension in rubric["dimensions"]:
        best = offered.get(dimension["id"], 0)
        ratios[dimension["id"]] = (max(0.0, min(1.0, earned.get(dimension["id"], 0) / best))
                                   if best > 0 else None)
    weights = {d["id"]: d["weight"] for d in rubric["dimensions"] if ratios[d["id"]] is not None}
    total = sum(weights.values())
    score = round(100 * sum(w * ratios[d] for d, w in weights.items()) / total, 2) if total else 0.0  # type: ignore[operator]
    critical = tuple(t.critical for t in turns if t.critical)
    if critical:
        return CallScore(0.0, False, ratios, critical)
    return CallScore(score, score >= pass_mark, ratios)
