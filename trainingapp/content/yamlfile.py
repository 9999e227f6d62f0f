"""YAML that remembers where each key and list item was, so that an error can name its line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml


class LinedDict(dict[Any, Any]):
    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[Any, int] = {}


class LinedList(list[Any]):
    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.item_lines: list[int] = []


class DuplicateKeyError(yaml.YAMLError):
    def __init__(self, key: Any, line: int, first_line: int) -> None:
        super().__init__(f"duplicate key {key!r} (first at line {first_line})")
        self.line = line


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LinedDict:
    loader.flatten_mapping(node)
    result = LinedDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result:
            raise DuplicateKeyError(key, line, result.key_lines[key])
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LinedList:
    result = LinedList()
    result.line = node.start_mark.line + 1
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.item_lines.append(item.start_mark.line + 1)
    return result


# Chinese characters and Chinese punctuation. YAML folds a text written over several lines
# (``>``, or plain and quoted scalars) by joining its lines with a space: right between two
# English words, wrong between two Chinese characters, where Chinese puts no space at all.
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{CJK}]) +(?=[{CJK}])")


def join_cjk(text: str) -> str:
    """The text without the spaces between two Chinese characters (or punctuation)."""
    return _SPACE_BETWEEN_CJK.sub("", text)


def _string(loader: _Loader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    folded = node.style != "|" and node.end_mark.line > node.start_mark.line
    return join_cjk(value) if folded else value


_Loader.add_constructor("tag:yaml.org,2002:str", _string)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load(text: str) -> Any:
    """Parse YAML; mappings and sequences carry their lines. Raises yaml.YAMLError."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def error_line(error: yaml.YAMLError) -> int:
    if isinstance(error, DuplicateKeyError):
        return error.line
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return mark.line + 1 if mark else 1


def line_of(tree: Any, path: Sequence[str | int]) -> int:
    """The line of the deepest element of ``path`` that exists in ``tree``."""
    line = getattr(tree, "line", 1)
    node = tree
    for step in path:
        if isinstance(node, LinedDict) and step in node:
            line, node = node.key_lines[step], node[step]
        elif isinstance(node, LinedList) and isinstance(step, int) and 0 <= step < len(node):
            line, node = node.item_lines[step], node[step]
        else:
            break
    return line
