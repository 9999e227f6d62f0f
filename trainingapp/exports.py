"""Tables leaving the platform as files: CSV (UTF-8 with a byte-order mark, so that
spreadsheets read Chinese names) and XLSX. CSV has no cell types, so a cell a spreadsheet
would run as a formula gets a leading apostrophe there; in XLSX every text is stored as a
text cell (never a formula, and shown without an apostrophe). Read models give the rows,
the first one the header; views answer with ``download``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Rows = Iterable[Sequence[str]]
TYPES = {"csv": "text/csv",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def neutralise(cell: str) -> str:
    """A CSV cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def csv_bytes(rows: Rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([[neutralise(c) for c in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode()


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    """A text stays text: openpyxl would store "=…" as a formula unless told otherwise."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def xlsx_bytes(rows: Rows, sheet_name: str) -> bytes:
    """One sheet, the first row its header, with a filter on every column."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31])
    count = width = 0
    for row in rows:
        sheet.append([_cell(sheet, c) for c in row])
        count, width = count + 1, max(width, len(row))
    if count and width:  # written at the end of the sheet, so it may come last
        sheet.auto_filter.ref = f"A1:{get_column_letter(width)}{count}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(rows: Rows, name: str, kind: str = "csv", sheet: str | None = None) -> Response:
    """The rows as ``name``.csv or ``name``.xlsx, for the browser to save; ``sheet`` names
    the XLSX sheet (the file name when None)."""
    data = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows, sheet or name)
    return Response(data, mimetype=TYPES[kind],
                    headers={"Content-Disposition": f"attachment; filename={name}.{kind}"})
