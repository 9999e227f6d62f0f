"""Tables arriving as files (staff lists, rosters, satisfaction figures): the bytes of an
XLSX workbook as rows, or of a CSV or text file as text. Each caller words its own errors
and splits text its own way."""

from __future__ import annotations

import io

from openpyxl import load_workbook

ENCODINGS = ("utf-8-sig", "gb18030")  # what spreadsheets save here, Chinese versions too


class Unreadable(Exception):  # noqa: N818 - said of a file
    """The file is not what its name says."""


def cell_text(value: object) -> str:
    """A cell as text: a number column typed as numbers gives 10023, not 10023.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def xlsx_rows(data: bytes) -> list[list[str]]:
    """The first sheet's rows, every cell as text."""
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        return [[cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise Unreadable from None


def text_of(data: bytes) -> str:
    """The file as text: UTF-8 (with or without a byte-order mark), else GB18030."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unreadable
