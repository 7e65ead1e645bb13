"""A CSV or XLSX file into a header and rows, each row with the file's own line number.

CSV: comma, semicolon or tab separated (whichever the header line uses most), UTF-8 with
or without a byte-order mark, else Windows-1251 (tried second: cp1251 decodes almost any
bytes, UTF-8 almost never decodes text that is not UTF-8). A line number is where the row
starts in the file (a quoted cell may span lines). XLSX: the first worksheet; a line number
is the spreadsheet's row number; number cells become exact ``Decimal`` (a cell formatted
as a percentage gives the number shown, 3.85 for "3.85%"), date cells ``date``.
Blank rows are skipped; the first non-blank row is the header.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _

from app.i18n import number

__all__ = ["MAX_ROWS", "FileError", "Table", "read_table"]

MAX_ROWS = 100_000


class FileError(ValueError):
    """The file as a whole cannot be read; ``str(error)`` says why."""


@dataclass
class Table:
    headers: list[str]
    header_line: int = 1
    rows: list[tuple[int, list]] = field(default_factory=list)


def read_table(content: bytes) -> Table:
    if not content.strip():
        raise FileError(_("The file is empty."))
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content)
    return _read_csv(_decode(content))


def _decode(content: bytes) -> str:
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1251")
    except UnicodeDecodeError:
        raise FileError(_("The file is neither UTF-8 nor Windows-1251 text, nor an XLSX workbook.")) from None


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(text: str) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    table = None
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if table is None:
                table = Table(headers=[c.strip() for c in cells], header_line=start)
                continue
            _add(table, start, [c if c.strip() else None for c in cells])
    except csv.Error as error:
        raise FileError(
            _("Line %(line)d: the CSV cannot be read (%(error)s).", line=line, error=error)
        ) from None
    if table is None:
        raise FileError(_("The file is empty."))
    return table


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook  # only imports pay for it

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise FileError(_("The file is not a readable XLSX workbook.")) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise FileError(_("The workbook has no sheet."))
        table = None
        for number, row in enumerate(sheet.iter_rows(), start=1):
            cells = [_xlsx_value(cell) for cell in row]
            if not any(c is not None and str(c).strip() for c in cells):
                continue
            if table is None:
                table = Table(
                    headers=[("" if c is None else str(c)).strip() for c in cells], header_line=number
                )
                continue
            _add(table, number, [None if isinstance(c, str) and not c.strip() else c for c in cells])
    finally:
        book.close()
    if table is None:
        raise FileError(_("The workbook's first sheet is empty."))
    return table


def _xlsx_value(cell):
    value = getattr(cell, "value", None)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)):
        # repr is the shortest text that is this float: 3.85 stays 3.85, not 3.8499999...
        number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
        if "%" in (getattr(cell, "number_format", "") or ""):
            number = number.scaleb(2)
        return number
    return str(value)


def _add(table: Table, line: int, cells: list) -> None:
    if len(table.rows) >= MAX_ROWS:
        raise FileError(_("The file has more than %(num)s rows; split it.", num=number(MAX_ROWS)))
    width = len(table.headers)
    table.rows.append((line, (cells + [None] * width)[:width]))
