"""What the call screen and the debrief show, built from a run and its turns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from trainingapp.models import RunTurn, ScenarioRun
from trainingapp.models.learning import localized
from trainingapp.services import calls


def _t(value: dict[str, str] | None, language: str) -> str:
    return localized(value, language)[0]


@dataclass
class Line:
    speaker: str  # customer | agent
    text: str
    action: str | None = None
    turn: RunTurn | None = None


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


def _walk(run: ScenarioRun, turns: list[RunTurn], language: str) -> tuple[list[Line], str]:
    """The call so far, replayed from the graph and the turns taken; and where it is now."""
    nodes = run.version.content["scenario"]["nodes"]
    node_id = run.version.content["scenario"]["start"]
    lines: list[Line] = []
    visits: dict[str, int] = {}
    pending = list(turns)
    for _ in range(len(nodes) * 4 + len(turns) + 1):
        node = nodes[node_id]
        if node["type"] == "customer":
            lines.append(Line("customer", _t(node["say"], language)))
            node_id = node["next"]
            continue
        if node["type"] == "end":
            if node.get("say"):
                lines.append(Line("customer", _t(node["say"], language)))
            break
        if node.get("max_visits") and visits.get(node_id, 0) >= node["max_visits"]:
            node_id = node["exhausted_next"]
            continue
        if not pending or pending[0].node != node_id:
            break  # the turn in progress
        visits[node_id] = visits.get(node_id, 0) + 1
        turn = pending.pop(0)
        if turn.option is not None:
            option = next(o for o in node["options"] if o["id"] == turn.option)
            lines.append(Line("agent", _t(option["say"], language), option.get("action"), turn))
        else:
            lines.append(Line("agent", turn.reply or "", None, turn))
        node_id = turn.next_node
    return lines, node_id


def transcript(run: ScenarioRun, turns: list[RunTurn], language: str) -> list[Line]:
    return _walk(run, turns, language)[0]


def current_turn(run: ScenarioRun, now: datetime, language: str) -> CurrentTurn | None:
    if not run.is_open:
        return None
    scenario = run.version.content["scenario"]
    node = scenario["nodes"][run.node]
    seconds = calls.turn_seconds(scenario, node)
    left = max(0, int(seconds - (now - run.turn_started_at).total_seconds()))
    choices = []
    if node["type"] == "choice":
        options = {o["id"]: o for o in node["options"]}
        choices = [Choice(i, _t(options[oid]["say"], language), options[oid].get("action"))
                   for i, oid in enumerate(calls.display_order(run, run.node, node))]
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


def _total(points: dict[str, float]) -> float:
    return sum(points.values())


def debrief(run: ScenarioRun, turns: list[RunTurn], language: str) -> list[DebriefTurn]:
    nodes = run.version.content["scenario"]["nodes"]
    result = []
    for turn in turns:
        node: dict[str, Any] = nodes[turn.node]
        if node["type"] == "choice":
            chosen = next(o for o in node["options"] if o["id"] == turn.option)
            best = max(node["options"], key=lambda o: (not o.get("critical"),
                                                        _total(o.get("points", {}))))
            improvable = best["id"] != chosen["id"] and (
                bool(chosen.get("critical"))
                or _total(best.get("points", {})) > _total(chosen.get("points", {})))
            better = _t(best["say"], language) if improvable else None
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
