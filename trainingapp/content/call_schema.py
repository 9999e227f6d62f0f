"""Schema of call rubrics and simulated calls (see question_bank/README.md), and the
checks of a call's graph against its rubric."""

from __future__ import annotations

from collections import deque
from typing import Annotated, Literal

from pydantic import Field, model_validator

from trainingapp.content.schema import SOURCE_RE, ItemId, Slug, Strict, Text

NodeId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
NODE_TYPES = ("customer", "choice", "free_text", "end")


class Dimension(Strict):
    id: Slug
    title: Text
    weight: float = Field(gt=0)


class CriticalError(Strict):
    id: Slug
    title: Text
    source: str


class ForbiddenPhrases(Strict):
    critical: Slug | None = None
    en: list[str] = []
    zh: list[str] = []


class LateTurn(Strict):
    dimension: Slug
    penalty: float = Field(ge=0)


class RubricFile(Strict):
    title: Text
    pass_mark: int = Field(default=75, gt=0, le=100)  # for supervisors' observations
    dimensions: list[Dimension] = Field(min_length=1)
    critical_errors: list[CriticalError] = []
    forbidden_phrases: ForbiddenPhrases = ForbiddenPhrases()
    late_turn: LateTurn | None = None

    @model_validator(mode="after")
    def _consistent(self) -> RubricFile:
        total = sum(d.weight for d in self.dimensions)
        if abs(total - 100) > 0.01:
            raise ValueError(f"the dimension weights must add up to 100, not {total:g}")
        ids = [d.id for d in self.dimensions]
        if len(set(ids)) != len(ids):
            raise ValueError("two dimensions share an id")
        critical = {c.id for c in self.critical_errors}
        if self.forbidden_phrases.critical and self.forbidden_phrases.critical not in critical:
            raise ValueError(f"forbidden_phrases.critical: no critical error "
                             f"{self.forbidden_phrases.critical!r}")
        if self.late_turn and self.late_turn.dimension not in ids:
            raise ValueError(f"late_turn.dimension: no dimension {self.late_turn.dimension!r}")
        return self


class TextList(Strict):
    en: list[str] = Field(min_length=1)
    zh: list[str] = Field(min_length=1)


class Persona(Strict):
    name: Text
    plan: Text
    mood: Text
    knows: Text
    wants: Text


class CustomerNode(Strict):
    type: Literal["customer"]
    say: Text
    next: NodeId


class Option(Strict):
    id: ItemId
    say: Text
    action: Literal["hold", "transfer"] | None = None
    points: dict[Slug, float] = {}
    critical: Slug | None = None
    feedback: Text
    next: NodeId


class Intent(Strict):
    id: ItemId
    dimension: Slug
    points: float = Field(gt=0)
    phrases: TextList


class ChoiceNode(Strict):
    type: Literal["choice"]
    prompt: Text | None = None
    seconds: int | None = Field(default=None, gt=0, le=600)
    options: list[Option] = Field(min_length=2)
    max_visits: int | None = Field(default=None, gt=0)
    exhausted_next: NodeId | None = None


class FreeTextNode(Strict):
    type: Literal["free_text"]
    prompt: Text
    seconds: int | None = Field(default=None, gt=0, le=600)
    intents: list[Intent] = Field(min_length=1)
    forbidden: TextList | None = None
    pass_intents: int = Field(ge=0)
    next_pass: NodeId
    next_fail: NodeId
    feedback: Text
    max_visits: int | None = Field(default=None, gt=0)
    exhausted_next: NodeId | None = None


class EndNode(Strict):
    type: Literal["end"]
    outcome: Literal["resolved", "escalated", "unresolved", "customer_hung_up"]
    say: Text | None = None


Node = Annotated[CustomerNode | ChoiceNode | FreeTextNode | EndNode, Field(discriminator="type")]


class CallFile(Strict):
    title: Text
    summary: Text
    rubric: Slug
    channel: Literal["hotline", "online-chat", "business-hall"]
    pass_mark: int = Field(gt=0, le=100)
    attempts_allowed: int = Field(ge=0)
    turn_seconds: int = Field(gt=0, le=600)
    sources: list[str] = Field(min_length=1)
    persona: Persona
    start: NodeId
    nodes: dict[NodeId, Node]

    @model_validator(mode="after")
    def _sources(self) -> CallFile:
        for source in self.sources:
            if not SOURCE_RE.match(source):
                raise ValueError(f"sources: bad source reference {source!r}")
        return self


def successors(node: CustomerNode | ChoiceNode | FreeTextNode | EndNode) -> list[str]:
    if isinstance(node, CustomerNode):
        return [node.next]
    if isinstance(node, ChoiceNode):
        found = [o.next for o in node.options]
    elif isinstance(node, FreeTextNode):
        found = [node.next_pass, node.next_fail]
    else:
        return []
    return found + ([node.exhausted_next] if node.exhausted_next else [])


def graph_problems(call: CallFile, rubric: RubricFile) -> list[tuple[list[str | int], str]]:
    """(path to the field, message) for everything wrong with the call's graph."""
    problems: list[tuple[list[str | int], str]] = []
    nodes = call.nodes
    if call.start not in nodes:
        problems.append((["start"], f"no node {call.start!r}"))
        return problems
    for node_id, node in nodes.items():
        for target in successors(node):
            if target not in nodes:
                problems.append((["nodes", node_id], f"next: no node {target!r}"))
        if isinstance(node, ChoiceNode | FreeTextNode) and (node.max_visits is None) != (
                node.exhausted_next is None):
            problems.append((["nodes", node_id], "give max_visits and exhausted_next together"))

    reachable = _reachable(nodes, call.start)
    for node_id in nodes:
        if node_id not in reachable:
            problems.append((["nodes", node_id], "unreachable from the start"))
    ends = {n for n, node in nodes.items() if isinstance(node, EndNode)}
    can_end = _reaching(nodes, ends)
    for node_id in reachable:
        if node_id not in can_end:
            problems.append((["nodes", node_id], "no path from here ends the call"))
    for node_id in _on_uncapped_cycles(nodes):
        problems.append((["nodes", node_id], "in a cycle: give the node max_visits and "
                                             "exhausted_next"))

    dimensions = {d.id for d in rubric.dimensions}
    critical = {c.id for c in rubric.critical_errors}
    for node_id, node in nodes.items():
        if isinstance(node, ChoiceNode):
            for i, option in enumerate(node.options):
                path: list[str | int] = ["nodes", node_id, "options", i]
                problems += [(path, f"points: no dimension {d!r} in the rubric")
                             for d in option.points if d not in dimensions]
                if option.critical and option.critical not in critical:
                    problems.append((path, f"critical: no critical error {option.critical!r} "
                                           "in the rubric"))
        elif isinstance(node, FreeTextNode):
            for i, intent in enumerate(node.intents):
                if intent.dimension not in dimensions:
                    problems.append((["nodes", node_id, "intents", i],
                                     f"dimension: no dimension {intent.dimension!r} in the rubric"))
            if node.pass_intents > len(node.intents):
                problems.append((["nodes", node_id, "pass_intents"],
                                 f"needs {node.pass_intents} intents but the turn has "
                                 f"{len(node.intents)}"))
    return problems


def _reachable(nodes: dict[str, object], start: str) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for target in successors(nodes[queue.popleft()]):  # type: ignore[arg-type]
            if target in nodes and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _reaching(nodes: dict[str, object], targets: set[str]) -> set[str]:
    """Nodes from which some path reaches one of ``targets``."""
    found = set(targets)
    changed = True
    while changed:
        changed = False
        for node_id, node in nodes.items():
            if node_id not in found and any(t in found for t in successors(node)):  # type: ignore[arg-type]
                found.add(node_id)
                changed = True
    return found


def _on_uncapped_cycles(nodes: dict[str, object]) -> list[str]:
    """Nodes on a cycle none of whose nodes has a visit cap."""
    capped = {n for n, node in nodes.items() if getattr(node, "max_visits", None)}
    open_nodes = {n: node for n, node in nodes.items() if n not in capped}
    # a cycle among uncapped nodes only: find strongly connected parts by repeated pruning
    remaining = set(open_nodes)
    changed = True
    while changed:
        changed = False
        for node_id in list(remaining):
            inside = [t for t in successors(open_nodes[node_id]) if t in remaining]  # type: ignore[arg-type]
            has_incoming = any(node_id in successors(open_nodes[o])  # type: ignore[arg-type]
                               for o in remaining)
            if not inside or not has_incoming:
                remaining.discard(node_id)
                changed = True
    return sorted(remaining)
