"""One spreadsheet cell into a value: numbers in either convention, dates, yes/no, text.

Cells arrive as text (CSV, or a text cell of XLSX), as ``Decimal`` (a number cell of XLSX,
already exact), as ``date`` or as ``bool``. Each reader raises ``CellError`` with a short
sentence for the row's error list; the caller puts the column's name in front.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal
from flask_babel import gettext as _

from app.i18n import number

__all__ = ["CellError", "read_bool", "read_date", "read_number", "read_text"]


class CellError(ValueError):
    """A cell that cannot be read; ``str(error)`` is the message for its line."""


# Currency marks and words a Russian or European spreadsheet puts around a sum, and the
# percent sign of a share ("3,85%" is the number 3.85: the share, not 0.0385).
_MARKS = re.compile(r"(?i)(руб\.?|р\.|₽|€|\$|£|eur|rub|usd|%)")
# Blanks a spreadsheet uses between thousands: space, no-break space, narrow no-break
# space, thin space. None of them is ever a decimal separator.
_BLANKS = re.compile(r"[ \u00a0\u202f\u2009]+")
_DIGITS = re.compile(r"[0-9.,\u00a0]+")
_MAX_CHARS = 64

_TRUE = {"yes", "y", "true", "1", "да", "д"}
_FALSE = {"no", "n", "false", "0", "нет", "н"}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def read_number(cell, *, decimal_comma: bool) -> Decimal:
    """A number written in either convention.

    ``1234.5``, ``1,234.5`` (English), ``1 234,5`` and ``1 234,50`` with any blank between
    thousands (Russian), ``1.234,50`` (continental), with currency marks (``р.65 000``,
    ``65 000 ₽``, ``€12.50``) or a percent sign (``3,85%``) around it. The one thing the text
    alone cannot tell is a single comma before exactly three digits: ``1,234`` is 1234 in
    an English file and 1.234 in a Russian one; ``decimal_comma`` (the file's convention,
    from its headers' language) decides it.
    """
    if isinstance(cell, bool):
        raise CellError(_("Enter a number."))
    if isinstance(cell, (int, Decimal)):
        return Decimal(cell)
    text = str(cell).strip()
    shown = text
    if not text or len(text) > _MAX_CHARS:
        raise CellError(_('"%(text)s" is not a number.', text=shown))
    text = _MARKS.sub("", text).strip()
    sign = ""
    if text[:1] in "+-":
        sign, text = ("-" if text[0] == "-" else ""), text[1:].strip()
    locale, text = _convention(text, decimal_comma)
    # Digits and separators only: no exponents ("1e3"), no words Babel might accept.
    if not _DIGITS.fullmatch(text) or not text[0].isdigit() or not text[-1].isdigit():
        raise CellError(_('"%(text)s" is not a number.', text=shown))
    try:
        # strict: the grouping must be right ("12,34" in English is refused, not 1234).
        value = parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError:
        raise CellError(_('"%(text)s" is not a number.', text=shown)) from None
    if not value.is_finite():
        raise CellError(_('"%(text)s" is not a number.', text=shown))
    return -value if sign else value


def _convention(text: str, decimal_comma: bool) -> tuple[str, str]:
    """Which Babel locale reads ``text``, and the text as that locale expects it."""
    comma, dot = text.rfind(","), text.rfind(".")
    if comma >= 0 and dot >= 0:
        # Both: the later one is the decimal separator.
        if dot > comma:
            return "en", _BLANKS.sub("", text)
        return "de", _BLANKS.sub("", text)
    grouped_by_blanks = bool(_BLANKS.search(text))
    if comma >= 0:
        single = text.count(",") == 1
        three_after = len(text) - comma - 1 == 3
        if single and (grouped_by_blanks or not three_after or decimal_comma):
            # Russian: decimal comma, blanks between thousands (Babel's group is U+00A0).
            return "ru", _BLANKS.sub("\u00a0", text)
        return "en", text
    if grouped_by_blanks:
        return "ru", _BLANKS.sub("\u00a0", text)
    return "en", text


def read_date(cell) -> date:
    """``YYYY-MM-DD``, ``DD.MM.YYYY``, or a date cell of a spreadsheet."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = str(cell).strip()
    match = _ISO.fullmatch(text)
    parts = None
    if match:
        parts = int(match[1]), int(match[2]), int(match[3])
    elif match := _DOTTED.fullmatch(text):
        parts = int(match[3]), int(match[2]), int(match[1])
    try:
        if parts:
            return date(*parts)
    except ValueError:
        pass
    raise CellError(_('"%(text)s" is not a date; write 2026-01-31 or 31.01.2026.', text=text))


def read_bool(cell) -> bool:
    """yes/no, да/нет, true/false, 1/0 (any case), or a TRUE/FALSE cell."""
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, (int, Decimal)) and cell in (0, 1):
        return bool(cell)
    text = str(cell).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_('"%(text)s" is not yes or no.', text=cell))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|[\ud800-\udfff]")


def read_text(cell, *, max_length: int, one_line: bool = True) -> str:
    """Text as typed, trimmed; control characters refused, and line breaks in one-line text."""
    if isinstance(cell, Decimal):
        text = format(cell.normalize(), "f") if cell == cell.to_integral() else str(cell)
    elif isinstance(cell, (date, datetime)):
        text = cell.isoformat()
    else:
        text = str(cell)
    text = text.strip()
    if _CONTROL.search(text):
        raise CellError(_("Remove the control characters."))
    if one_line and ("\n" in text or "\r" in text or "\t" in text):
        raise CellError(_("Must be on one line."))
    if len(text) > max_length:
        raise CellError(_("At most %(num)s characters.", num=number(max_length)))
    return text
