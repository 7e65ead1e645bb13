"""A bank statement file into signed lines (SPEC §6, bank imports). Pure: no Flask, no database.

Two formats:

- **CSV** (or XLSX; the spreadsheet reader of ``files`` reads both): the columns
  ``date``/``дата``, ``amount``/``сумма`` (signed: negative is money out),
  ``counterparty``/``контрагент``, ``purpose``/``назначение``, matched case-insensitively;
  numbers in either convention, dates ``YYYY-MM-DD`` or ``DD.MM.YYYY``, UTF-8 (with or
  without a BOM) or Windows-1251, comma or semicolon separated.
- **1CClientBankExchange**, the text Russian banks export (Windows-1251, or UTF-8): the
  statement's own account is ``РасчСчет`` in the header or in ``СекцияРасчСчет``; each
  ``СекцияДокумент=…`` … ``КонецДокумента`` is one line: ``Дата`` (DD.MM.YYYY),
  ``Сумма``, ``НазначениеПлатежа``. It is money in when ``ПолучательСчет`` is one of the
  statement's own accounts; the counterparty is then the payer (``Плательщик1``, else
  ``Плательщик`` without its "ИНН …" prefix), otherwise the recipient, and the amount is
  negative.

A file with any unreadable line is refused whole (``FileError`` naming every bad line, at
most the first ten), so a statement is never half imported.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _, ngettext

from app.importing.files import FileError, read_table
from app.importing.rows import _columns, _russian
from app.importing.values import CellError, read_date, read_number, read_text
from app.money import MAX_AMOUNT_CENTS

__all__ = ["StatementLine", "read_statement"]

STATEMENT_COLUMNS = {
    "date": ("date", "дата", "дата операции", "дата платежа"),
    "amount": ("amount", "сумма"),
    "counterparty": ("counterparty", "контрагент"),
    "purpose": ("purpose", "назначение", "назначение платежа"),
}
COUNTERPARTY_CHARS = 200
PURPOSE_CHARS = 2000
_SHOWN_ERRORS = 10


@dataclass(frozen=True)
class StatementLine:
    line: int  # where the line starts in the file (the header is line 1)
    date: date
    amount_cents: int  # signed: > 0 money in, < 0 money out
    counterparty: str
    purpose: str


def read_statement(content: bytes) -> list[StatementLine]:
    """Every line of a statement, in file order; ``FileError`` if any cannot be read."""
    if not content.strip():
        raise FileError(_("The file is empty."))
    text = _one_c_text(content)
    if text is not None:
        return _one_c(text)
    return _csv(content)


# --- CSV ---------------------------------------------------------------------------------


def _csv(content: bytes) -> list[StatementLine]:
    table = read_table(content)
    columns = _columns(
        table, STATEMENT_COLUMNS, required=("date", "amount"), one_of=("counterparty", "purpose")
    )
    comma = _russian(table, columns)
    lines, errors = [], []

    def header(name):
        return table.headers[columns[name]]

    for number, cells in table.rows:
        row = {name: cells[index] for name, index in columns.items()}
        cell = row.get
        problems = []
        day = amount = None
        try:
            day = read_date(_required(cell("date")))
        except CellError as error:
            problems.append(f"{header('date')}: {error}")
        try:
            amount = _signed_cents(read_number(_required(cell("amount")), decimal_comma=comma))
        except CellError as error:
            problems.append(f"{header('amount')}: {error}")
        counterparty = _text(cell("counterparty"), "counterparty", header, problems)
        purpose = _text(cell("purpose"), "purpose", header, problems)
        if problems or day is None or amount is None:  # either None is one of the problems
            errors.append(_("Line %(line)d:", line=number) + " " + "; ".join(problems))
            continue
        lines.append(StatementLine(number, day, amount, counterparty, purpose))
    _refuse(errors)
    return lines


def _required(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CellError(_("This cell is empty."))
    return value


def _text(value, name: str, header, problems: list[str]) -> str:
    if value is None:
        return ""
    try:
        if name == "counterparty":
            return read_text(" ".join(str(value).split()), max_length=COUNTERPARTY_CHARS)
        return read_text(value, max_length=PURPOSE_CHARS, one_line=False)
    except CellError as error:
        problems.append(f"{header(name)}: {error}")
        return ""


def _signed_cents(value: Decimal) -> int:
    """A signed amount with at most two decimals, not zero, within ±1,000,000,000.00."""
    if value == 0:
        raise CellError(_("The amount is zero."))
    if value != value.quantize(Decimal("0.01")):
        raise CellError(_("%(value)s has more than two decimals.", value=value))
    cents = int(value * 100)
    if abs(cents) > MAX_AMOUNT_CENTS:
        raise CellError(_("%(value)s is more than 1,000,000,000.00.", value=value))
    return cents


def _refuse(errors: list[str]) -> None:
    if not errors:
        return
    shown = errors[:_SHOWN_ERRORS]
    more = len(errors) - len(shown)
    tail = " " + ngettext("… and %(num)d more line.", "… and %(num)d more lines.", more) if more else ""
    raise FileError(
        ngettext(
            "%(num)d line cannot be read; nothing was imported.",
            "%(num)d lines cannot be read; nothing was imported.",
            len(errors),
        )
        + " "
        + " ".join(shown)
        + tail
    )


# --- 1CClientBankExchange ----------------------------------------------------------------

_ONE_C_MARK = "1CClientBankExchange"
_INN_PREFIX = re.compile(r"^\s*ИНН\s*\d*\s*(КПП\s*\d*\s*)?", re.IGNORECASE)


def _one_c_text(content: bytes) -> str | None:
    """The file's text if it is a 1CClientBankExchange file, else None."""
    body = content[len(codecs.BOM_UTF8) :] if content.startswith(codecs.BOM_UTF8) else content
    if not body.lstrip().startswith(_ONE_C_MARK.encode("ascii")):
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1251")  # every byte is something in cp1251


def _one_c(text: str) -> list[StatementLine]:
    own: set[str] = set()
    documents: list[tuple[int, dict[str, str]]] = []
    current: dict[str, str] | None = None
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        key, _sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if key == "СекцияДокумент":
            current, start = {}, number
        elif key == "КонецДокумента":
            if current is not None:
                documents.append((start, current))
            current = None
        elif current is not None:
            if key and key not in current:
                current[key] = value
        elif key == "РасчСчет" and value:
            own.add(value)  # the header's or СекцияРасчСчет's: the statement's own account
    if current is not None:
        raise FileError(
            _("Line %(line)d: the document has no КонецДокумента; the file is cut off.", line=start)
        )
    if not own:
        raise FileError(
            _("The file names no account of its own (РасчСчет=…), so money in cannot be told from money out.")
        )
    lines, errors = [], []
    for number, fields in documents:
        problems = []
        day = amount = None
        try:
            day = read_date(_required(fields.get("Дата")))
        except CellError as error:
            problems.append(f"Дата: {error}")
        try:
            amount = abs(_signed_cents(read_number(_required(fields.get("Сумма")), decimal_comma=True)))
        except CellError as error:
            problems.append(f"Сумма: {error}")
        incoming = fields.get("ПолучательСчет", "") in own
        side = "Плательщик" if incoming else "Получатель"
        counterparty = fields.get(side + "1") or _INN_PREFIX.sub("", fields.get(side, ""))
        purpose = fields.get("НазначениеПлатежа") or " ".join(
            fields[f"НазначениеПлатежа{i}"] for i in range(1, 7) if fields.get(f"НазначениеПлатежа{i}")
        )
        try:
            counterparty = read_text(" ".join(counterparty.split()), max_length=COUNTERPARTY_CHARS)
        except CellError as error:
            problems.append(f"{side}: {error}")
        try:
            purpose = read_text(purpose, max_length=PURPOSE_CHARS, one_line=False)
        except CellError as error:
            problems.append(f"НазначениеПлатежа: {error}")
        if problems or day is None or amount is None:  # either None is one of the problems
            errors.append(_("Line %(line)d:", line=number) + " " + "; ".join(problems))
            continue
        lines.append(StatementLine(number, day, amount if incoming else -amount, counterparty, purpose))
    _refuse(errors)
    return lines
