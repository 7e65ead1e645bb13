"""Every download (CSV, PDF, Beancount) leaves through here (SPEC §5, Downloads).

- ``attachment`` names the file the RFC 6266 way: ``filename*=UTF-8''…`` carries the real
  name (Cyrillic, CJK, quotes), ``filename="…"`` an ASCII fallback for old clients. A header
  holds Latin-1 at most, so a raw "Иван Петров" there used to be a 500.
- ``csv_text`` writes every CSV. A text cell that a spreadsheet would read as a formula
  (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading ``'``.
  Numbers are told apart by type, not by look: pass amounts as ``amount(cents)`` (a
  ``Decimal``) or ints, and they are written plain, ``-10.00`` included; every ``str`` is text.
- ``CsvStyle``: the API's CSV is always ``MACHINE`` (comma, dot decimals). A download from a
  page follows what a spreadsheet in the reader's language opens without an import dialog
  (``page_csv_style``): Russian Excel splits on ``;`` (its list separator, since the comma is
  its decimal sign), reads ``-1234,56`` as a number, and reads UTF-8 only after a BOM.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from flask import Response

from app.money import cents_to_decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# One or more characters that do not belong in a file name: anything but letters, digits
# and "-_." (spaces, quotes, slashes, control characters...).
_UNSAFE = re.compile(r"[^\w.-]+|_+")
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._-]+|_+")


def amount(cents: int) -> Decimal:
    """An amount cell: ``-1000`` → ``-10.00``, written as a number (never quoted)."""
    return cents_to_decimal(cents)


def text_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@dataclass(frozen=True)
class CsvStyle:
    delimiter: str = ","
    decimal: str = "."
    bom: bool = False


MACHINE = CsvStyle()
# By page language: the CSV a spreadsheet of that locale opens as it is.
SPREADSHEET_STYLES = {"ru": CsvStyle(delimiter=";", decimal=",", bom=True)}


def page_csv_style() -> CsvStyle:
    """The conventions of a download from a page, by its reader's language; the API's (and
    English pages') stay ``MACHINE``."""
    from app.i18n import current_language, is_api_request

    if is_api_request():
        return MACHINE
    return SPREADSHEET_STYLES.get(current_language(), MACHINE)


def _cell(value, style: CsvStyle = MACHINE) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return text_cell(value)
    if isinstance(value, bool):  # a bool is an int: say it in words, not 1/0
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return str(value).replace(".", style.decimal)
    raise TypeError(f"a CSV cell is text, an int or a Decimal, not {type(value).__name__}")


def csv_text(header: Iterable[str], rows: Iterable[Iterable], style: CsvStyle = MACHINE) -> str:
    """A CSV document (UTF-8 text, CRLF line ends); comma-separated with dot decimals unless
    ``style`` says otherwise (``page_csv_style()`` for a page's download)."""
    buffer = io.StringIO()
    if style.bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=style.delimiter)
    writer.writerow([_cell(name, style) for name in header])
    writer.writerows([_cell(value, style) for value in row] for row in rows)
    return buffer.getvalue()


def filename(*parts: str, ext: str) -> str:
    """A file name from parts joined by "-": letters and digits of any script kept, every
    run of anything else one "_" (``"Квартал 1"`` → ``Квартал_1``)."""
    stem = "-".join(_UNSAFE.sub("_", unicodedata.normalize("NFC", part)).strip("_") for part in parts)
    return f"{stem or 'download'}.{ext}"


# Russian letters in Latin for the ASCII fallback (our first users are Russian
# cooperatives); other scripts lose their letters there, and keep them in filename*.
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
    )
)


def _latin(char: str) -> str:
    latin = _CYRILLIC.get(char.lower())
    if latin is None:
        return char
    latin = latin.strip("-")
    return latin.capitalize() if char.isupper() else latin


def ascii_fallback(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    plain = unicodedata.normalize("NFKD", "".join(_latin(c) for c in stem))
    plain = _UNSAFE_ASCII.sub("_", plain.encode("ascii", "ignore").decode("ascii"))
    plain = re.sub(r"-+", "-", re.sub(r"_*-_*", "-", plain)).strip("_-")
    return f"{plain or 'download'}{dot}{_UNSAFE_ASCII.sub('_', ext)}"


def content_disposition(name: str) -> str:
    return f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment(body: str | bytes, name: str, mimetype: str) -> Response:
    """A download named ``name`` (from ``filename``)."""
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": content_disposition(name)})
