"""Tables leaving the platform as files: CSV (UTF-8 with a byte-order mark, so that
spreadsheets read Chinese names) and XLSX. A cell a spreadsheet would run as a formula
gets a leading apostrophe. Read models give the rows; views answer with ``download``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response
from openpyxl import Workbook

Rows = Iterable[Sequence[str]]
TYPES = {"csv": "text/csv",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def csv_bytes(rows: Rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([[neutralise(c) for c in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode()


def xlsx_bytes(rows: Rows, sheet_name: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31])
    for row in rows:
        sheet.append([neutralise(c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(rows: Rows, name: str, kind: str = "csv") -> Response:
    """The rows as ``name``.csv or ``name``.xlsx, for the browser to save."""
    data = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows, name)
    return Response(data, mimetype=TYPES[kind],
                    headers={"Content-Disposition": f"attachment; filename={name}.{kind}"})
