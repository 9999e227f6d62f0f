"""What the call screen and the debrief show, built from a run, its turns and the rules'
replay of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from trainingapp.models import CallRun, CallTurn
from trainingapp.models.learning import localized
from trainingapp.rules import calls as rules


def _t(value: dict[str, str] | None, language: str) -> str:
    return localized(value, language)[0]


@dataclass
class Line:
    speaker: str  # customer | agent
    text: str
    action: str | None = None
    turn: CallTurn | None = None


@dataclass
class Choice:
    index: int
    text: str
    action: str | None


@dataclass
class CurrentTurn:
    node: str
    kind: str  # choice | free_text
    prompt: str
    choices: list[Choice]
    seconds: int
    seconds_left: int


def transcript(run: CallRun, turns: list[CallTurn], language: str) -> list[Line]:
    """The call so far, as the rules replay it from the turns taken."""
    script = run.version.content["call"]
    lines = []
    for line in rules.replay(script, turns).lines:
        node = script["nodes"][line.node]
        if line.turn is None:
            lines.append(Line("customer", _t(node["say"], language)))
            continue
        turn = turns[line.turn]
        if turn.option is not None:
            option = rules.option(node, turn.option)
            lines.append(Line("agent", _t(option["say"], language), option.get("action"), turn))
        else:
            lines.append(Line("agent", turn.reply or "", None, turn))
    return lines


def current_turn(run: CallRun, now: datetime, language: str) -> CurrentTurn | None:
    if not run.is_open:
        return None
    script = run.version.content["call"]
    node = script["nodes"][run.node]
    seconds = rules.turn_seconds(script, node)
    left = max(0, int(seconds - (now - run.turn_started_at).total_seconds()))
    choices = []
    if node["type"] == "choice":
        options = [rules.option(node, oid)
                   for oid in rules.option_order(run.id, run.node, node, run.visits)]
        choices = [Choice(i, _t(o["say"], language), o.get("action"))
                   for i, o in enumerate(options)]
    return CurrentTurn(run.node, node["type"], _t(node.get("prompt"), language), choices,
                       seconds, left)


@dataclass
class DebriefTurn:
    said: str
    earned: dict[str, float]
    available: dict[str, float]
    feedback: str
    better: str | None
    critical: str | None
    late: bool
    matched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def debrief(run: CallRun, turns: list[CallTurn], language: str) -> list[DebriefTurn]:
    nodes = run.version.content["call"]["nodes"]
    result = []
    for turn in turns:
        node: dict[str, Any] = nodes[turn.node]
        if node["type"] == "choice":
            chosen = rules.option(node, turn.option)
            best = rules.better_option(node, turn.option)
            better = _t(best["say"], language) if best else None
            result.append(DebriefTurn(_t(chosen["say"], language), turn.earned, turn.available,
                                      _t(chosen["feedback"], language), better, turn.critical,
                                      turn.is_late))
        else:
            intents = node["intents"]
            result.append(DebriefTurn(
                turn.reply or "", turn.earned, turn.available, _t(node["feedback"], language),
                None, turn.critical, turn.is_late,
                matched=[i["id"] for i in intents if i["id"] in turn.matched],
                missing=[_t({k: v[0] for k, v in i["phrases"].items()}, language)
                         for i in intents if i["id"] not in turn.matched],
            ))
    return result
