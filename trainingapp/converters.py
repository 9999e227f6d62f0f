"""Integers from outside (a URL, a form, a query string) read as ASCII digits within the
range of the columns they are looked up in, so a hostile number is a 404 or a 400 and
never reaches the database (SQLite raises OverflowError past 64 bits; PostgreSQL's
``integer`` holds 32).

``<id:attempt_id>`` in a route: 1 … ``ID_MAX``, anything else is a 404.
``number(raw)``: a form's or query's number, ``BadNumber`` when it is not one in range;
a BadNumber a view lets through is a 400 page with the reason (``errors``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter, Map

# The ``Integer`` columns (ids, positions, page numbers looked up in them) are 32-bit on
# PostgreSQL; nothing stored is larger.
ID_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """A row's id in a URL: ASCII digits (``\\d`` would take ``٣``), 1 … ``ID_MAX``."""

    regex = r"[0-9]+"

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = 1,
                 max: int | None = ID_MAX, signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


class BadNumber(ValueError):
    """A form's or query's value that is not a whole number in range."""

    def __init__(self, raw: str) -> None:
        super().__init__(raw)
        self.raw = raw


def number(raw: str, *, low: int = 0, high: int = ID_MAX) -> int:
    """``raw`` as a whole number written in ASCII digits, ``low`` … ``high``; raises BadNumber."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(high)) or not (
            low <= int(raw) <= high):
        raise BadNumber(raw)
    return int(raw)


def page_number(args: Any) -> int:
    """A list's ``?page=``: 1 when absent; BadNumber (a 400 page) when it is no number."""
    return max(1, number(args.get("page") or "1"))


def bad_number_message(bad: BadNumber) -> str:
    return _("“%(value)s” is not a number this page knows. Go back and try again; nothing "
             "was changed.", value=bad.raw[:20] + ("…" if len(bad.raw) > 20 else ""))


def init_app(app: Flask) -> None:
    """Before the blueprints: a rule's converters are looked up when it is added."""
    app.url_map.converters["id"] = IdConverter
