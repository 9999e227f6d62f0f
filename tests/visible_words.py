"""What a person reads on a page or in an export, and what must never be in it: the code's
language (slugs, status and event keys, Python reprs), machine times (ISO timestamps, UTC,
seconds) and, in the Chinese interface, English sentences.

Used by the walk of every page of every role (tests/views/test_people_words.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

# Attributes a person reads (or hears from a screen reader).
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}
SKIPPED = {"script", "style", "template", "svg"}
# Slugs that are also words people write in prose ("after-sales service").
WORDS_TOO = {"after-sales"}
# What a person types as it is (a command, a file's column header) is shown as <code>: it
# may be English in the Chinese interface and look like a key, but is never a known code.
COMMAND, ENGLISH = "\x00", "\x01"
# An export's columns for systems say so in their header; their cells are machine values.
FOR_SYSTEMS = ("(for systems)", "（供系统使用）")

SNAKE = re.compile(r"(?<![\w./-])[a-z]+(?:_[a-z]+)+(?![\w/-])")  # in_progress, true_false
CODE_PAIR = re.compile(r"\b(?:module|scenario|scenarios|track|call):[a-z0-9]")
REPR = re.compile(r"(?:[:=]\s*(?:True|False|None)\b|\[\]|\{\}|\['|\{'|<[a-z_.]+ object|"
                  r"\b(?:datetime|Decimal|date)\()")
ISO_MOMENT = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?\b|\+00:00|\bUTC\b")
SECONDS = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")
ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,.'’-]+[A-Za-z]{2,}){2,}")


class _Text(HTMLParser):
    """Text nodes and read attributes. Text in <code> is marked COMMAND; text in an element
    marked as English (lang="en", e.g. the English name beside the Chinese one on a page
    that edits both) is marked ENGLISH."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._code = 0
        self._open: list[tuple[str, bool]] = []  # elements with a lang attribute

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self._skipping += 1
        if tag in ("code", "kbd"):
            self._code += 1
        lang = dict(attrs).get("lang")
        if lang:
            self._open.append((tag, lang.startswith("en")))
        for name, value in attrs:
            if value and (name in READ_ATTRIBUTES
                          or (name == "value" and tag == "input"
                              and dict(attrs).get("type") in ("submit", "button"))):
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self._skipping:
            self._skipping -= 1
        if tag in ("code", "kbd") and self._code:
            self._code -= 1
        if self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            english = bool(self._open) and self._open[-1][1]
            self.parts.append((COMMAND if self._code else "") + (ENGLISH if english else "")
                              + data.strip())


def visible_text(html: str) -> list[str]:
    """The page's text nodes and read attributes, in order (text in <code> marked)."""
    parser = _Text()
    parser.feed(html)
    return parser.parts


def problems(texts: Iterable[str], language: str, codes: set[str],
             allowed: Iterable[str] = (), typed: set[str] = frozenset()) -> list[str]:
    """Each piece of ``texts`` that speaks the code's language, with why. ``codes`` are the
    identifiers people must not see (slugs, keys); ``allowed`` are people's own words that
    may look like code (names, employee numbers, certificate codes) and are taken out first;
    ``typed`` are codes people type (a team's code in a staff file), fine shown as code."""
    allowed = sorted((a for a in allowed if a), key=len, reverse=True)
    found = []
    for text in texts:
        command, text = text.startswith(COMMAND), text.removeprefix(COMMAND)
        english, text = text.startswith(ENGLISH), text.removeprefix(ENGLISH)
        for word in allowed:
            text = text.replace(word, " ")
        reasons = []
        if not command and (SNAKE.search(text) or CODE_PAIR.search(text)):
            reasons.append("a key")
        reasons += [f"the code {c!r}" for c in _codes_in(text, codes)
                    if not (command and c in typed)]
        if REPR.search(text):
            reasons.append("a Python repr")
        if not command and ISO_MOMENT.search(text):
            reasons.append("a machine date")
        if SECONDS.search(text):
            reasons.append("seconds")
        if language == "zh" and not (command or english) and ENGLISH_RUN.search(text):
            reasons.append("English in the Chinese interface")
        if reasons:
            found.append(f"{text[:120]!r}: {', '.join(reasons)}")
    return found


def for_people(rows: list[list[str]]) -> list[str]:
    """An export's cells without the columns for systems (the first row is the header)."""
    if not rows:
        return []
    machine = {i for i, h in enumerate(rows[0]) if any(m in h for m in FOR_SYSTEMS)}
    return [cell for row in rows for i, cell in enumerate(row) if cell and i not in machine]


def _codes_in(text: str, codes: set[str]) -> list[str]:
    """Identifiers of more than one word (``hotline-agent``) as whole tokens: a one-word
    slug such as ``etiquette`` is also a word people write."""
    return [t for t in re.findall(r"[a-z0-9]+(?:[-_][a-z0-9]+)+", text) if t in codes and t not in WORDS_TOO]
