"""Moodle GIFT files into the bank's question format, and back.

Supported: single and multiple choice (with weights), true/false, short answer,
numeric (tolerance, ranges, several answers), matching, missing word, categories,
comments, titles, general feedback, text-format markers and escapes. Essay, description
and cloze questions have no equivalent here: they are reported by line, never dropped
silently. The bank holds both languages; an import fills the one language of the file
and ``flask content check`` then lists each text still to translate.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ESCAPABLE = "~=#{}:\\"
_PLACEHOLDER = {ch: f"\x00{i}\x00" for i, ch in enumerate(ESCAPABLE)}
_RESTORE = {v: k for k, v in _PLACEHOLDER.items()}
FORMAT_MARKER = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]\s*")
CLOZE = re.compile(r"\{\d*:(MULTICHOICE|MC|SHORTANSWER|SA|NUMERICAL|NM|MULTIRESPONSE|MR)", re.I)
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
OPTION_IDS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class GiftIssue:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class GiftResult:
    questions: list[dict[str, Any]] = field(default_factory=list)
    issues: list[GiftIssue] = field(default_factory=list)


def _protect(text: str) -> str:
    """Replace escaped special characters by placeholders, so splitting ignores them."""
    return re.sub(r"\\([~=#{}:\\])", lambda m: _PLACEHOLDER[m.group(1)], text).replace(
        "\\n", "\n")


def _restore(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text


def _clean(text: str) -> str:
    return _restore(FORMAT_MARKER.sub("", text)).strip()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _blocks(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each question or command, split on blank lines."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("//") and depth == 0:
            continue
        if not line.strip() and depth == 0:
            if current:
                blocks.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
        protected = _protect(line)
        depth = max(0, depth + protected.count("{") - protected.count("}"))
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def _split_answers(body: str) -> list[tuple[str, str]]:
    """The answer part as (marker, text) items, marker '=' or '~'."""
    parts = re.split(r"([=~])", body)
    items = []
    for index in range(1, len(parts), 2):
        items.append((parts[index], parts[index + 1]))
    return items


def _feedback(text: str) -> tuple[str, str]:
    answer, _, feedback = text.partition("#")
    return answer, feedback


def parse(text: str, *, module: str, language: str = "en") -> GiftResult:
    """Convert GIFT ``text``; question ids are ``<module>-<title or number>``."""
    result = GiftResult()
    category: list[str] = []
    used_ids: set[str] = set()
    for line, block in _blocks(text.lstrip("\ufeff")):
        protected = _protect(block)
        if protected.lstrip().startswith("$CATEGORY:"):
            parts = [_slug(_restore(p)) for p in protected.split(":", 1)[1].split("/")]
            category = [p for p in parts if p][-1:]
            continue
        title = ""
        title_match = re.match(r"^\s*::(.*?)::", protected, re.S)
        if title_match:
            title = _restore(title_match.group(1)).strip()
            protected = protected[title_match.end():]
        if CLOZE.search(protected):
            result.issues.append(GiftIssue(line, "cloze (embedded answers) question: not "
                                                  "supported, not imported"))
            continue
        open_at, close_at = protected.find("{"), protected.rfind("}")
        if open_at < 0 or close_at < open_at:
            result.issues.append(GiftIssue(line, "description (no answers): not supported, "
                                                  "not imported"))
            continue
        before, body, after = protected[:open_at], protected[open_at + 1:close_at], protected[close_at + 1:]
        stem = _clean(before)
        if _clean(after):
            stem = f"{stem} _____ {_clean(after)}"  # missing-word format
        question, problem = _answers(body.strip(), stem, language)
        if question is None:
            result.issues.append(GiftIssue(line, problem))
            continue
        if problem:
            result.issues.append(GiftIssue(line, problem))
        base = f"{module}-{_slug(title) or len(result.questions) + 1}"
        qid, n = base, 2
        while qid in used_ids:
            qid, n = f"{base}-{n}", n + 1
        used_ids.add(qid)
        result.questions.append({"id": qid, **question, "tags": list(category)})
    return result


def _answers(body: str, stem: str, language: str) -> tuple[dict[str, Any] | None, str]:
    general = ""
    if "####" in body:
        body, general = body.split("####", 1)
        general = _clean(general)
    question: dict[str, Any] = {"stem": {language: stem}}
    if general:
        question["explanation"] = {language: general}
    if not body.strip():
        return None, "essay question: not supported, not imported"

    truth, _, _feedbacks = body.strip().partition("#")
    if truth.strip().upper() in {"T", "TRUE", "F", "FALSE"}:
        return {**question, "type": "true_false", "answer": truth.strip().upper()[0] == "T"}, ""
    if body.lstrip().startswith("#"):
        return _numeric(body.lstrip()[1:], question)

    items = _split_answers(body)
    if not items:
        return None, "no answers found: not imported"
    if all(marker == "=" for marker, _ in items) and all("->" in text for _, text in items):
        pairs = []
        for index, (_, text) in enumerate(items):
            left, _, right = _feedback(text)[0].partition("->")
            pairs.append({"id": OPTION_IDS[index], "left": {language: _clean(left)},
                          "right": {language: _clean(right)}})
        return {**question, "type": "matching", "pairs": pairs}, ""
    if all(marker == "=" for marker, _ in items):
        accepted, dropped = [], 0
        for _, text in items:
            answer, _ = _feedback(text)
            weight = WEIGHT.match(answer.strip())
            if weight and float(weight.group(1)) < 100:
                dropped += 1
                continue
            accepted.append(_clean(WEIGHT.sub("", answer.strip())))
        problem = (f"{dropped} partial-credit answer(s) of a short-answer question not imported"
                   if dropped else "")
        return {**question, "type": "short_text", "accepted": {language: accepted}}, problem
    return _choice(items, question, language), ""


def _choice(items: list[tuple[str, str]], question: dict[str, Any], language: str) -> dict[str, Any]:
    options: list[dict[str, Any]] = []
    weighted = False
    for index, (marker, text) in enumerate(items):
        answer, _ = _feedback(text)
        answer = answer.strip()
        weight_match = WEIGHT.match(answer)
        weight = float(weight_match.group(1)) if weight_match else (100.0 if marker == "=" else 0.0)
        weighted = weighted or bool(weight_match)
        option: dict[str, Any] = {"id": OPTION_IDS[index],
                                  "text": {language: _clean(WEIGHT.sub("", answer))}}
        if weight > 0:
            option["correct"] = True
        option["weight"] = weight
        options.append(option)
    correct = [o for o in options if o.get("correct")]
    if weighted or len(correct) > 1:
        for option in options:
            option["weight"] = _number(option["weight"])
        return {**question, "type": "multiple", "options": options}
    for option in options:
        del option["weight"]
    return {**question, "type": "single", "options": options}


def _numeric(body: str, question: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    answers = [a for a in re.split(r"=", body) if a.strip()] if "=" in body else [body]
    full = [a for a in answers if not WEIGHT.match(a.strip()) or
            float(WEIGHT.match(a.strip()).group(1)) >= 100]
    if not full:
        return None, "numeric question without a full-credit answer: not imported"
    value = _feedback(WEIGHT.sub("", full[0].strip()))[0].strip()
    problem = (f"{len(answers) - 1} further numeric answer(s) not imported; only the first "
               "full-credit answer is kept") if len(answers) > 1 else ""
    try:
        if ".." in value:
            low, high = (float(v) for v in value.split(".."))
            return {**question, "type": "numeric", "range": [_number(low), _number(high)]}, problem
        number, _, tolerance = value.partition(":")
        return ({**question, "type": "numeric", "answer": _number(float(number)),
                 "tolerance": _number(float(tolerance or 0))}, problem)
    except ValueError:
        return None, f"numeric answer {value!r} is not a number: not imported"


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


# --- back to GIFT ------------------------------------------------------------------------


def _escape(text: str) -> str:
    return re.sub(r"([~=#{}:\\])", r"\\\1", text).replace("\n", "\\n")


def _choices(q: dict[str, Any], language: str) -> str:
    return "".join(("\n=" if o.get("correct") else "\n~") + _escape(o["text"][language])
                   for o in q["options"])


def _weighted_choices(q: dict[str, Any], language: str) -> str:
    return "".join(f"\n~%{_number(o['weight'])}%{_escape(o['text'][language])}"
                   for o in q["options"])


def _truth(q: dict[str, Any], language: str) -> str:
    return "T" if q["answer"] else "F"


def _numbers(q: dict[str, Any], language: str) -> str:
    if "range" in q:
        return f"\n#{q['range'][0]}..{q['range'][1]}"
    return f"\n#{q['answer']}:{q.get('tolerance', 0)}"


def _accepted(q: dict[str, Any], language: str) -> str:
    return "".join("\n=" + _escape(a) for a in q["accepted"][language])


def _pairs(q: dict[str, Any], language: str) -> str:
    return "".join(f"\n={_escape(p['left'][language])} -> {_escape(p['right'][language])}"
                   for p in q["pairs"])


# Per question kind (rules.questions.KINDS), the GIFT text of its answers, written after
# the opening brace; None where GIFT has no question of that kind.
GIFT_WRITERS: dict[str, Callable[[dict[str, Any], str], str] | None] = {
    "single": _choices,
    "multiple": _weighted_choices,
    "true_false": _truth,
    "numeric": _numbers,
    "short_text": _accepted,
    "ordering": None,
    "matching": _pairs,
}


def to_gift(questions: list[dict[str, Any]], *, module: str, language: str = "en") -> str:
    """GIFT text for questions in the bank's format (the inverse of ``parse``); a kind
    GIFT cannot express is refused with a ValueError."""
    out = []
    category = None
    for q in questions:
        write = GIFT_WRITERS[q["type"]]
        if write is None:
            raise ValueError(f"{q['id']}: GIFT has no {q['type']} question")
        if q.get("tags") and q["tags"][0] != category:
            category = q["tags"][0]
            out.append(f"$CATEGORY: {category}\n")
        title = q["id"].removeprefix(f"{module}-")
        text = f"::{title}::{_escape(q['stem'][language])} {{{write(q, language)}"
        if "explanation" in q:
            text += "\n####" + _escape(q["explanation"][language])
        out.append(text + "}\n")
    return "\n".join(out)
