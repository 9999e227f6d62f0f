"""Tables leaving the platform as files: CSV (UTF-8 with a byte-order mark, so that
spreadsheets read Chinese names) and XLSX. CSV has no cell types, so a cell a spreadsheet
would run as a formula gets a leading apostrophe there; in XLSX every text is stored as a
text cell (never a formula, and shown without an apostrophe). Read models give the rows
as an iterable, the first one the header, read from the database a page at a time; views
answer with ``download``, which never holds the whole table: CSV is sent as it is
written, XLSX written row by row (openpyxl's write-only mode) to a temporary file that is
then sent."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Rows = Iterable[Sequence[str]]
TYPES = {"csv": "text/csv",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
CHUNK = 64 * 1024  # characters of CSV sent at a time


@dataclass(frozen=True)
class Table:
    """What a file will hold: the header and the rows, read from the database as they are
    written, and how many rows follow the header (for the audit log, before it is sent)."""

    rows: Rows
    count: int


def neutralise(cell: str) -> str:
    """A CSV cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def csv_chunks(rows: Rows) -> Iterator[bytes]:
    """The rows as CSV, a piece of about ``CHUNK`` characters at a time."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
        if out.tell() >= CHUNK:
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode()


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    """A text stays text: openpyxl would store "=…" as a formula unless told otherwise."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def xlsx_chunks(rows: Rows, sheet_name: str) -> Iterator[bytes]:
    """One sheet, the first row its header, with a filter on every column: written row by
    row to a temporary file (removed once sent), then sent a piece at a time."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31])
    count = width = 0
    for row in rows:
        sheet.append([_cell(sheet, c) for c in row])
        count, width = count + 1, max(width, len(row))
    if count and width:  # written at the end of the sheet, so it may come last
        sheet.auto_filter.ref = f"A1:{get_column_letter(width)}{count}"
    with tempfile.TemporaryFile() as file:
        book.save(file)
        file.seek(0)
        while chunk := file.read(CHUNK):
            yield chunk


def download(rows: Rows, name: str, kind: str = "csv", sheet: str | None = None) -> Response:
    """The rows as ``name``.csv or ``name``.xlsx, for the browser to save; ``sheet`` names
    the XLSX sheet (the file name when None). The rows are read while the file is sent,
    in this request's context."""
    chunks = csv_chunks(rows) if kind == "csv" else xlsx_chunks(rows, sheet or name)
    return Response(stream_with_context(chunks), mimetype=TYPES[kind],
                    headers={"Content-Disposition": f"attachment; filename={name}.{kind}"})
