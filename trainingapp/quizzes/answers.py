"""Between a question version and the page: what a trainee sees, how a form's fields
become a canonical answer, and how an answer and the key read in the review. One entry
per kind of ``rules.questions.KINDS``, under the same name.

Choices are sent as their position on the page (0, 1, 2…), never as the bank's ids, so
the page gives nothing away about which choice the author wrote first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainingapp.models import AttemptQuestion
from trainingapp.models.learning import localized
from trainingapp.rules.questions import NumericKey, kind_of

Form = Mapping[str, Any]  # werkzeug MultiDict-like: .get and .getlist

# The longest answer taken, in characters, of the kinds typed in: the page's ``maxlength``
# and the server's check. A longer one is refused (``TooLong``), never cut.
LIMITS = {"short_text": 500, "numeric": 32}


class TooLong(ValueError):
    """A typed answer over its kind's limit: nothing of it is saved."""

    def __init__(self, typed: str, limit: int) -> None:
        super().__init__(typed)
        self.typed, self.limit = typed, limit


class NotAnOption(ValueError):
    """A choice, rank or true/false value the page does not offer (no page sends one):
    the form is refused, never read as "no answer"."""


def _typed(form: Form, name: str, kind: str) -> str:
    text = (form.get(name) or "").strip()
    if len(text) > LIMITS[kind]:
        raise TooLong(text, LIMITS[kind])
    return text


def _text(value: dict[str, str] | None, language: str) -> str:
    return localized(value, language)[0]


@dataclass
class Choice:
    index: int
    text: str
    selected: bool = False


@dataclass
class Row:
    """One line of an ordering (rank chosen) or a matching (right side chosen) question;
    ``name`` ends its form field's name."""

    name: str
    text: str
    chosen: int | None = None


@dataclass
class QuestionView:
    """What the page shows of one question: texts and the trainee's own answer, no key."""

    position: int
    type: str
    stem: str
    is_flagged: bool
    is_answered: bool
    choices: list[Choice] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    value: str = ""
    unit: str = ""
    limit: int | None = None  # characters, where the answer is typed
    error: str = ""  # why what was typed was not saved


def _by_id(content: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in content[key]}


def _offered(raw: str, count: int, first: int = 0) -> int:
    """``raw`` as one of ``count`` numbers the page offers from ``first``; NotAnOption else."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(first + count)) or not (
            first <= int(raw) < first + count):
        raise NotAnOption(raw)
    return int(raw)


def _index(item: AttemptQuestion, raw: str | None) -> str | None:
    """The bank id of the choice shown at position ``raw`` on the page; None when none was
    chosen."""
    if raw in (None, ""):
        return None
    return item.display_order[_offered(raw, len(item.display_order))]


# --- reading a form ---------------------------------------------------------------------


def _read_single(item: AttemptQuestion, form: Form, name: str) -> Any:
    return _index(item, form.get(name))


def _read_multiple(item: AttemptQuestion, form: Form, name: str) -> Any:
    picked = [_index(item, raw) for raw in form.getlist(name)]
    return sorted({p for p in picked if p is not None}) or None


def _read_true_false(item: AttemptQuestion, form: Form, name: str) -> Any:
    raw = form.get(name, "")
    if raw not in ("", "true", "false"):
        raise NotAnOption(raw)
    return {"true": True, "false": False}.get(raw)


def _read_numeric(item: AttemptQuestion, form: Form, name: str) -> Any:
    raw = _typed(form, name, "numeric").replace(",", ".").replace("，", ".").replace(" ", "")
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        return raw  # kept as typed, so the trainee sees it again; grades as wrong
    return number if math.isfinite(number) else raw


def _read_short_text(item: AttemptQuestion, form: Form, name: str) -> Any:
    return _typed(form, name, "short_text") or None


def _read_ordering(item: AttemptQuestion, form: Form, name: str) -> Any:
    ranks: dict[str, int] = {}
    count = len(item.display_order)
    for k, item_id in enumerate(item.display_order):
        raw = form.get(f"{name}-{k}", "")
        if raw != "":
            ranks[item_id] = _offered(raw, count, first=1)
    if not ranks:
        return None
    if sorted(ranks.values()) != list(range(1, len(item.display_order) + 1)):
        return {"ranks": ranks}  # incomplete or repeated: kept to show again, graded wrong
    return [item_id for item_id, _ in sorted(ranks.items(), key=lambda pair: pair[1])]


def _read_matching(item: AttemptQuestion, form: Form, name: str) -> Any:
    content = item.version.content
    chosen = {}
    for pair in content["pairs"]:
        right = _index(item, form.get(f"{name}-{pair['id']}"))
        if right is not None:
            chosen[pair["id"]] = right
    return chosen or None


# --- showing a question -----------------------------------------------------------------


def _show_choices(view: QuestionView, item: AttemptQuestion, language: str) -> None:
    options = _by_id(item.version.content, "options")
    answer = item.answer
    picked = set(answer) if isinstance(answer, list) else {answer}
    view.choices = [Choice(k, _text(options[oid]["text"], language), oid in picked)
                    for k, oid in enumerate(item.display_order)]


def _show_true_false(view: QuestionView, item: AttemptQuestion, language: str) -> None:
    view.value = {True: "true", False: "false"}.get(item.answer, "")


def _show_value(view: QuestionView, item: AttemptQuestion, language: str) -> None:
    answer = item.answer
    view.value = "" if answer is None else (f"{answer:g}" if isinstance(answer, float) else str(answer))
    view.unit = _text(item.version.content.get("unit"), language)


def _show_ordering(view: QuestionView, item: AttemptQuestion, language: str) -> None:
    items = _by_id(item.version.content, "items")
    answer = item.answer
    if isinstance(answer, list):
        ranks = {item_id: rank for rank, item_id in enumerate(answer, 1)}
    elif isinstance(answer, dict):
        ranks = answer.get("ranks", {})
    else:
        ranks = {}
    view.rows = [Row(str(k), _text(items[iid]["text"], language), ranks.get(iid))
                 for k, iid in enumerate(item.display_order)]


def _show_matching(view: QuestionView, item: AttemptQuestion, language: str) -> None:
    pairs = item.version.content["pairs"]
    by_id = _by_id(item.version.content, "pairs")
    answer = item.answer if isinstance(item.answer, dict) else {}
    position_of = {pid: k for k, pid in enumerate(item.display_order)}
    view.choices = [Choice(k, _text(by_id[pid]["right"], language))
                    for k, pid in enumerate(item.display_order)]
    view.rows = [Row(pair["id"], _text(pair["left"], language),
                     position_of.get(answer.get(pair["id"]))) for pair in pairs]


# --- describing an answer in the review -------------------------------------------------


def _describe_choices(content: dict[str, Any], answer: Any, language: str) -> str:
    options = _by_id(content, "options")
    ids = answer if isinstance(answer, list) else [answer]
    return "; ".join(_text(options[i]["text"], language) for i in ids if i in options)


def _describe_value(content: dict[str, Any], answer: Any, language: str) -> str:
    if answer is None:
        return ""
    if isinstance(answer, bool):
        return _("True") if answer else _("False")
    unit = _text(content.get("unit"), language)
    shown = f"{answer:g}" if isinstance(answer, float) else str(answer)
    return f"{shown} {unit}".strip()


def _describe_number(content: dict[str, Any], answer: Any, language: str) -> str:
    if isinstance(answer, str):
        return answer  # typed, not a number: shown as typed
    return _describe_value(content, answer, language)


def _describe_ordering(content: dict[str, Any], answer: Any, language: str) -> str:
    items = _by_id(content, "items")
    if not isinstance(answer, list):
        return ""
    return " → ".join(_text(items[i]["text"], language) for i in answer if i in items)


def _describe_matching(content: dict[str, Any], answer: Any, language: str) -> str:
    pairs = _by_id(content, "pairs")
    if not isinstance(answer, dict):
        return ""
    return "; ".join(f"{_text(pairs[left]['left'], language)} → {_text(pairs[right]['right'], language)}"
                     for left, right in answer.items() if left in pairs and right in pairs)


def _number_key(content: dict[str, Any], key: NumericKey, language: str) -> str:
    if key.range is not None:
        return f"{key.range[0]:g}–{key.range[1]:g}"
    return f"{key.answer:g}" + (f" ± {key.tolerance:g}" if key.tolerance else "")


def _accepted_texts(content: dict[str, Any], key: dict[str, list[str]], language: str) -> str:
    return " / ".join(key.get(language) or next(iter(key.values())))


@dataclass(frozen=True)
class Kind:
    """``read`` a form into the canonical answer; ``show`` the question on the page;
    ``describe`` an answer in the review; ``describe_key`` the key there (by default
    described like an answer); ``label`` the kind's name as people read it."""

    read: Callable[[AttemptQuestion, Form, str], Any]
    show: Callable[[QuestionView, AttemptQuestion, str], None]
    describe: Callable[[dict[str, Any], Any, str], str]
    describe_key: Callable[[dict[str, Any], Any, str], str] | None = None
    label: str = field(kw_only=True)


KINDS: dict[str, Kind] = {
    "single": Kind(_read_single, _show_choices, _describe_choices, label=_l("Single choice")),
    "multiple": Kind(_read_multiple, _show_choices, _describe_choices,
                     label=_l("Multiple choice")),
    "true_false": Kind(_read_true_false, _show_true_false, _describe_value,
                       label=_l("True or false")),
    "numeric": Kind(_read_numeric, _show_value, _describe_number, _number_key,
                    label=_l("Numeric answer")),
    "short_text": Kind(_read_short_text, _show_value, _describe_value, _accepted_texts,
                       label=_l("Short answer")),
    "ordering": Kind(_read_ordering, _show_ordering, _describe_ordering,
                     label=_l("Put in order")),
    "matching": Kind(_read_matching, _show_matching, _describe_matching,
                     label=_l("Matching")),
}


def kind_label(name: str) -> str:
    """A question kind's name as people read it ("True or false", not ``true_false``)."""
    return str(KINDS[name].label)


def field_name(position: int) -> str:
    return f"q{position}"


def read(item: AttemptQuestion, form: Form) -> Any:
    return KINDS[item.version.content["type"]].read(item, form, field_name(item.position))


def view(item: AttemptQuestion, language: str) -> QuestionView:
    content = item.version.content
    result = QuestionView(
        position=item.position, type=content["type"], stem=_text(content["stem"], language),
        is_flagged=item.is_flagged, is_answered=item.answered_at is not None,
    )
    KINDS[content["type"]].show(result, item, language)
    result.limit = LIMITS.get(content["type"])
    return result


def describe(content: dict[str, Any], answer: Any, language: str) -> str:
    """A trainee's answer as a reader sees it."""
    return KINDS[content["type"]].describe(content, answer, language)


def describe_key(content: dict[str, Any], language: str) -> str:
    """The correct answer as a reader sees it (for the review only)."""
    kind = KINDS[content["type"]]
    return (kind.describe_key or kind.describe)(content, kind_of(content).key(content), language)
