"""Lessons: Markdown rendered to HTML with untrusted-content sanitising."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from trainingapp.content.yamlfile import CJK

# A link to another lesson of the module, by its file name without the language.
LESSON_LINK = re.compile(r"^(?P<number>\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md(?P<anchor>#[\w-]*)?$")

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "pre",
    "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td", "hr", "br", "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"style"}, "td": {"style"}}

_CJK_CHAR = re.compile(f"[{CJK}]")

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable(
    "strikethrough"
)


def lesson_links(markdown: str) -> list[tuple[int, str]]:
    """(line, target) of every link in the text that points to a ``.md`` file."""
    found = []
    for token in _parser.parse(markdown):
        for child in token.children or []:
            href = child.attrGet("href") if child.type == "link_open" else None
            if isinstance(href, str) and ".md" in href:
                line = (token.map[0] + 1) if token.map else 1
                found.append((line, href))
    return found


def _without_breaks_between_cjk(children: list[Token]) -> list[Token]:
    """A line break inside a paragraph reads as a space; between two Chinese characters
    there is none, so such a break is dropped (the two lines are joined)."""
    kept: list[Token] = []
    for k, child in enumerate(children):
        if child.type == "softbreak" and kept and k + 1 < len(children):
            before, after = kept[-1].content, children[k + 1].content
            if before and after and _CJK_CHAR.match(before[-1]) and _CJK_CHAR.match(after[0]):
                continue
        kept.append(child)
    return kept


def render(markdown: str) -> str:
    """HTML for a lesson body; links to other lessons become relative lesson addresses."""
    tokens = _parser.parse(markdown)
    for token in tokens:
        if token.children:
            token.children = _without_breaks_between_cjk(token.children)
        for child in token.children or []:
            if child.type == "link_open":
                href = child.attrGet("href")
                match = LESSON_LINK.match(href) if isinstance(href, str) else None
                if match:
                    child.attrSet("href", match["slug"] + (match["anchor"] or ""))
    html = _parser.renderer.render(tokens, _parser.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align"},
    )


def split_title(markdown: str) -> tuple[str | None, str]:
    """The ``# Title`` on the first line, and the rest of the lesson (which keeps its line
    numbers: its line 1 is the file's line 2)."""
    first, _, rest = markdown.lstrip("\ufeff").partition("\n")
    if first.startswith("# "):
        return first[2:].strip(), rest
    return None, markdown
