"""Simulated calls: walking the call's graph, matching a free-text reply to the intents a
turn requires, and scoring a call on its rubric. Pure: the call's script and its rubric
come in as the bank's dictionaries, the turns taken as anything with a turn's attributes,
time as a parameter.

The walker follows the customer's lines to the next agent turn (counting the visit: a turn
reached ``max_visits`` times sends the call to its ``exhausted_next``), answers the turn
waiting, and replays the turns taken into the lines said and where the call is now. A turn
is timed from the moment it was shown: a late answer earns nothing and costs the rubric's
waiting penalty, and a caller kept waiting three times the limit hangs up.

A dimension's score is the points earned divided by the best points available at the
turns the call actually went through; the rubric's weights combine the dimensions that
had points available into 0-100. Any critical error fails the call with score 0.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Protocol

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


# --- the call's graph ---------------------------------------------------------------------

NETWORK_GRACE = timedelta(seconds=5)
HANG_UP_AFTER = 3  # times the turn's limit
REPLY_MAX = 2000  # characters a typed reply may have; a longer one is refused, never cut


class TurnRejected(ValueError):
    """The answer does not fit the current turn (stale page, unknown choice, empty reply,
    a reply longer than ``REPLY_MAX``): the reason is its argument."""


class TakenTurn(Protocol):
    """A turn of the transcript as kept: where it was taken, what was said, where it led."""

    @property
    def node(self) -> str: ...
    @property
    def option(self) -> str | None: ...
    @property
    def reply(self) -> str | None: ...
    @property
    def next_node(self) -> str: ...


@dataclass(frozen=True)
class Line:
    """A line of the call: the customer's at ``node``, or the agent's answer at ``node``,
    the transcript's turn number ``turn`` (counted from 0)."""

    speaker: str  # customer | agent
    node: str
    turn: int | None = None


@dataclass(frozen=True)
class Position:
    """Where a step came to: the agent turn waiting for an answer, or the end."""

    node: str
    visits: dict[str, int]  # times each agent turn was reached, the waiting one included
    lines: tuple[Line, ...] = ()  # what the customer said on the way
    outcome: str | None = None  # the end's, when the call is over


def step(script: Mapping[str, Any], node_id: str, visits: Mapping[str, int]) -> Position:
    """Follow the customer's lines from ``node_id`` to the next agent turn or the end."""
    nodes = script["nodes"]
    counted = dict(visits)
    lines: list[Line] = []
    for _ in range(len(nodes) + 1):
        node = nodes[node_id]
        if node["type"] == "customer":
            lines.append(Line("customer", node_id))
            node_id = node["next"]
            continue
        if node["type"] == "end":
            if node.get("say"):
                lines.append(Line("customer", node_id))
            return Position(node_id, counted, tuple(lines), node["outcome"])
        if node.get("max_visits") and counted.get(node_id, 0) >= node["max_visits"]:
            node_id = node["exhausted_next"]
            continue
        counted[node_id] = counted.get(node_id, 0) + 1
        break
    return Position(node_id, counted, tuple(lines))


def start(script: Mapping[str, Any]) -> Position:
    """Where a new call waits first."""
    return step(script, script["start"], {})


@dataclass(frozen=True)
class Replay:
    lines: tuple[Line, ...]
    position: Position  # where the call is now


def replay(script: Mapping[str, Any], transcript: Sequence[TakenTurn]) -> Replay:
    """The call so far, replayed from the graph and the turns taken."""
    position = start(script)
    lines = list(position.lines)
    for number, turn in enumerate(transcript):
        if position.outcome is not None or turn.node != position.node:
            break
        lines.append(Line("agent", turn.node, number))
        position = step(script, turn.next_node, position.visits)
        lines += position.lines
    return Replay(tuple(lines), position)


def turn_seconds(script: Mapping[str, Any], node: Mapping[str, Any]) -> int:
    return node.get("seconds") or script["turn_seconds"]


def option_order(run_id: int, node_id: str, node: Mapping[str, Any],
                 visits: Mapping[str, int]) -> list[str]:
    """The order a choice turn's options are shown in: shuffled, the same on every load
    of the same visit of the turn."""
    ids = [option["id"] for option in node["options"]]
    random.Random(f"{run_id}:{node_id}:{visits.get(node_id, 0)}").shuffle(ids)
    return ids


def option(node: Mapping[str, Any], option_id: str) -> dict[str, Any]:
    return next(o for o in node["options"] if o["id"] == option_id)


@dataclass(frozen=True)
class Answer:
    """An answered turn: what the transcript keeps of it and where the call goes next."""

    node: str
    next_node: str
    available: dict[str, float]
    earned: dict[str, float]
    option: str | None = None
    reply: str | None = None
    matched: tuple[str, ...] = ()
    critical: str | None = None
    seconds: float = 0.0  # from the turn being shown to the answer
    late: bool = False  # after the limit and the network's grace: earns nothing
    hung_up: bool = False  # the customer waited too long


def answer(script: Mapping[str, Any], rubric: Mapping[str, Any], run_id: int,
           position: Position, shown_at: datetime, now: datetime, *,
           choice: int | None = None, reply: str | None = None) -> Answer:
    """Answer the turn waiting at ``position``: ``choice`` the shown place of the option
    picked, or ``reply`` the text typed."""
    node = script["nodes"][position.node]
    if node["type"] == "choice":
        order = option_order(run_id, position.node, node, position.visits)
        if choice is None or not 0 <= choice < len(order):
            raise TurnRejected("choice")
        picked = option(node, order[choice])
        said = Answer(position.node, picked["next"], available(node),
                      dict(picked.get("points", {})), option=picked["id"],
                      critical=picked.get("critical"))
    else:
        text = (reply or "").strip()
        if not text:
            raise TurnRejected("reply")
        if len(text) > REPLY_MAX:
            raise TurnRejected("long")
        judged = judge_reply(node, rubric, text)
        said = Answer(position.node, node["next_pass"] if judged.passed else node["next_fail"],
                      available(node), judged.points, reply=text, matched=judged.matched,
                      critical=judged.critical)
    limit = timedelta(seconds=turn_seconds(script, node))
    waited = now - shown_at
    return replace(said, seconds=waited.total_seconds(), late=waited > limit + NETWORK_GRACE,
                   hung_up=waited > limit * HANG_UP_AFTER)


def _total(points: Mapping[str, float]) -> float:
    return sum(points.values())


def better_option(node: Mapping[str, Any], chosen_id: str) -> dict[str, Any] | None:
    """The option the debrief suggests instead of the one chosen, if there is a better one:
    no critical error first, then the most points."""
    chosen = option(node, chosen_id)
    best = max(node["options"], key=lambda o: (not o.get("critical"),
                                               _total(o.get("points", {}))))
    improvable = best["id"] != chosen["id"] and (
        bool(chosen.get("critical"))
        or _total(best.get("points", {})) > _total(chosen.get("points", {})))
    return best if improvable else None


# --- scoring ------------------------------------------------------------------------------


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
