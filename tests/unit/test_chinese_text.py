"""Chinese as Chinese is written: no space where YAML folded two lines of Chinese, no line
break read as a space in a lesson, Chinese punctuation inside Chinese text. Checked on the
loader and on every Chinese text of the shipped bank (no app)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from trainingapp.content import markdown, yamlfile
from trainingapp.content.bank import load_bank

ROOT = Path(__file__).resolve().parents[2]
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
CJK = yamlfile.CJK  # Han characters and Chinese punctuation
MARKDOWN_LINK = re.compile(r"\]\([^)\s]*\)")
ASCII_IN_CHINESE = [
    re.compile(f"(?<=[{HAN}])[,;:?!]|[,;:?!](?=[{HAN}])"),  # 您好,请 → 您好，请
    re.compile(f"(?<=[{HAN}])\\.(?=\\s|$|[{CJK}])"),  # 办理. → 办理。
    re.compile(f"(?<=[{CJK}])[()]|[()](?=[{CJK}])"),  # 第(2)项 → 第（2）项
    re.compile(f"\\([^()]*[{HAN}][^()]*\\)"),  # (见附件) → （见附件）
]
SPACE_BETWEEN = re.compile(f"(?<=[{CJK}]) (?=[{CJK}])")


def test_a_folded_chinese_text_has_no_space_where_the_lines_were_joined():
    tree = yamlfile.load("summary:\n  en: >-\n    two\n    lines\n  zh: >-\n    客户服务响应，\n"
                         "    从受理到归档\n    的技术支持。\nplain: 中文\n  续行\n"
                         "quoted: \"中文\n  续行\"\nliteral: |\n  第一行\n  第二行\n")
    assert tree["summary"] == {"en": "two lines", "zh": "客户服务响应，从受理到归档的技术支持。"}
    assert tree["plain"] == "中文续行" and tree["quoted"] == "中文续行"
    assert tree["literal"] == "第一行\n第二行\n"  # a literal block keeps its lines
    assert yamlfile.load("zh: >-\n  000 §2.1\n  第2项 and English\n  words") == {
        "zh": "000 §2.1 第2项 and English words"}  # spaces beside Latin text stay
    assert yamlfile.load("zh: 一行 之内") == {"zh": "一行 之内"}  # on one line: as written


def test_a_line_break_between_chinese_characters_in_a_lesson_is_no_space():
    html = markdown.render("第一行的末尾\n第二行，and\nEnglish 的行\n\n- 列表\n- 二\n")
    assert "<p>第一行的末尾第二行，and\nEnglish 的行</p>" in html
    assert "<li>列表</li>" in html


def _zh_texts(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "zh":
                for text in item if isinstance(item, list) else [item]:
                    if isinstance(text, str):
                        yield where, text
            else:
                yield from _zh_texts(item, f"{where}.{key}")
    elif isinstance(value, list):
        for k, item in enumerate(value):
            yield from _zh_texts(item, f"{where}[{k}]")


@pytest.fixture(scope="module")
def chinese():
    bank = load_bank(ROOT / "question_bank")
    assert not bank.problems
    texts: list[tuple[str, str]] = []
    for module in bank.modules:
        texts += _zh_texts(module.meta, module.slug)
        for question in module.questions:
            texts += _zh_texts(question, f"{module.slug}/{question.id}")
        for lesson in module.lessons:
            texts += [(lesson.files["zh"], lesson.title["zh"]), (lesson.files["zh"], lesson.body["zh"])]
    for call in bank.calls:
        texts += _zh_texts(call.call, f"calls/{call.slug}")
    for slug, rubric in bank.rubrics.items():
        texts += _zh_texts(rubric, f"rubrics/{slug}")
    for slug, track in bank.tracks.items():
        texts += _zh_texts(track, f"tracks/{slug}")
    assert len(texts) > 2000
    return texts


def test_no_ascii_punctuation_inside_the_bank_s_chinese_text(chinese):
    found = []
    for where, text in chinese:
        text = MARKDOWN_LINK.sub("]", text)
        for pattern in ASCII_IN_CHINESE:
            for match in pattern.finditer(text):
                found.append(f"{where}: …{text[max(0, match.start() - 8):match.end() + 8]}…")
    assert found == []


def test_no_space_between_two_chinese_characters_in_the_bank(chinese):
    found = [f"{where}: …{text[max(0, m.start() - 8):m.end() + 8]}…"
             for where, text in chinese for m in SPACE_BETWEEN.finditer(text)]
    assert found == []
