"""Rows of a table into typed rows of an import, each with its line and its errors.

Headers are matched case-insensitively in English or Russian (SPEC §6); a unit after a
comma or in brackets is ignored ("Площадь, м²" is площадь). Unknown columns are ignored,
so a treasurer's spreadsheet may keep its № or phone columns. A column the import needs
and does not find is a ``FileError``. Each message on a row names the column as the file
writes it: "Доля: Enter a number greater than zero."

Nothing here knows the database: finding members and properties is the service's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from app.importing.files import FileError, Table
from app.importing.values import CellError, read_bool, read_date, read_number, read_text
from app.money import MoneyError, parse_amount, parse_decimal

__all__ = ["ContributionRow", "PropertyRow", "contribution_rows", "name_key", "property_rows"]

PROPERTY_COLUMNS = {
    "label": ("label", "участок"),
    "share_weight": ("share_weight", "share weight", "доля", "коэффициент", "площадь"),
    "owner": ("owner", "владелец"),
    "email": ("email", "e-mail"),
    "active": ("active", "активен"),
}
CONTRIBUTION_COLUMNS = {
    "date": ("date", "дата"),
    "amount": ("amount", "сумма"),
    "member": ("member", "владелец"),
    "property": ("property", "участок"),
    "comment": ("comment", "комментарий"),
}


def name_key(text: str) -> str:
    """Names and labels compare ignoring case and spacing ("plot  3" is "Plot 3")."""
    return " ".join(text.split()).casefold()


@dataclass
class Row:
    line: int
    errors: list[str] = field(default_factory=list)
    # column name -> the header as the file writes it, for messages about this row
    headers: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def header(self, *names: str) -> str:
        return " / ".join(self.headers[n] for n in names if n in self.headers)


@dataclass
class PropertyRow(Row):
    label: str = ""
    share_weight: Decimal | None = None
    owner: str = ""
    email: str | None = None
    active: bool = True


@dataclass
class ContributionRow(Row):
    date: date | None = None
    amount_cents: int | None = None
    member: str = ""
    property: str = ""
    comment: str = ""


def _read(table: Table, known: dict, row_class, fill, *, required: tuple, one_of: tuple) -> list:
    """A row_class per table row, each filled by ``fill(row, cell, comma)``."""
    columns = _columns(table, known, required=required, one_of=one_of)
    comma = _russian(table, columns)
    headers = {name: table.headers[index] for name, index in columns.items()}
    rows = []
    for line, cells in table.rows:
        row = row_class(line, headers=headers)
        fill(row, _Cells(table, columns, cells, row.errors), comma)
        rows.append(row)
    return rows


def property_rows(table: Table) -> list[PropertyRow]:
    def fill(row, cell, comma):
        row.label = cell.text("label", 80, required=True) or ""
        row.share_weight = cell.number("share_weight", comma, places=4)
        row.owner = cell.text("owner", 120) or ""
        row.email = cell.email("email")
        active = cell.get("active")
        if active is not None:
            row.active = cell.read("active", read_bool)
        if not row.owner and not row.email and not row.errors:
            row.errors.append(row.header("owner", "email") + ": " + _("Name the owner."))

    return _read(
        table,
        PROPERTY_COLUMNS,
        PropertyRow,
        fill,
        required=("label", "share_weight"),
        one_of=("owner", "email"),
    )


def contribution_rows(table: Table) -> list[ContributionRow]:
    def fill(row, cell, comma):
        if cell.present("date", required=True):
            row.date = cell.read("date", read_date)
        row.amount_cents = cell.amount("amount", comma)
        row.member = cell.text("member", 120) or ""
        row.property = cell.text("property", 80) or ""
        row.comment = cell.text("comment", 2000, one_line=False) or ""
        if not row.member and not row.property and not row.errors:
            row.errors.append(row.header("member", "property") + ": " + _("Name the member or the property."))

    return _read(
        table,
        CONTRIBUTION_COLUMNS,
        ContributionRow,
        fill,
        required=("date", "amount"),
        one_of=("member", "property"),
    )


# --- columns -----------------------------------------------------------------------------


def _header_key(header: str) -> str:
    head = re.split(r"[,(\[]", header.replace("\ufeff", ""), maxsplit=1)[0]
    return name_key(head.replace("ё", "е").replace("Ё", "Е")).rstrip(":")


def _columns(table: Table, known: dict, *, required: tuple, one_of: tuple) -> dict[str, int]:
    names = {alias: name for name, aliases in known.items() for alias in aliases}
    columns: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        name = names.get(_header_key(header))
        if name is None:
            continue
        if name in columns:
            raise FileError(
                _(
                    "Two columns give the %(name)s: %(first)s and %(second)s. Keep one.",
                    name=name,
                    first=table.headers[columns[name]],
                    second=header,
                )
            )
        columns[name] = index
    missing = [name for name in required if name not in columns]
    if missing:
        raise FileError(
            _(
                "The header (line %(line)d) has no %(columns)s column.",
                line=table.header_line,
                columns=_(" and no ").join(_column(name, known) for name in missing),
            )
        )
    if not any(name in columns for name in one_of):
        raise FileError(
            _(
                "The header (line %(line)d) has neither a %(first)s nor a %(second)s column.",
                line=table.header_line,
                **{key: _column(name, known) for key, name in zip(("first", "second"), one_of)},
            )
        )
    return columns


def _column(name: str, known: dict) -> str:
    """A column as the header may name it: ``share_weight (share_weight or доля or …)``."""
    return "{} ({})".format(name, _(" or ").join(known[name]))


def _russian(table: Table, columns: dict[str, int]) -> bool:
    """A file with Russian headers writes "1,234" for 1.234; an English one for 1234."""
    return any(re.search("[а-яА-ЯёЁ]", table.headers[i]) for i in columns.values())


class _Cells:
    """The cells of one row, read by column name; errors go onto the row."""

    def __init__(self, table: Table, columns: dict, cells: list, errors: list[str]):
        self.table, self.columns, self.cells, self.errors = table, columns, cells, errors

    def header(self, name: str) -> str:
        return self.table.headers[self.columns[name]]

    def get(self, name: str):
        index = self.columns.get(name)
        return None if index is None else self.cells[index]

    def present(self, name: str, required: bool = False) -> bool:
        value = self.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.errors.append(self.header(name) + ": " + _("This cell is empty."))
            return False
        return True

    def read(self, name: str, reader, *args, **kwargs):
        try:
            return reader(self.get(name), *args, **kwargs)
        except (CellError, MoneyError) as error:
            self.errors.append(f"{self.header(name)}: {error}")
            return None

    def text(self, name: str, max_length: int, required: bool = False, one_line: bool = True):
        if not self.present(name, required):
            return None
        return self.read(name, read_text, max_length=max_length, one_line=one_line)

    def number(self, name: str, comma: bool, places: int):
        if not self.present(name, required=True):
            return None
        return self.read(
            name, lambda cell: parse_decimal(read_number(cell, decimal_comma=comma), places, positive=True)
        )

    def amount(self, name: str, comma: bool):
        if not self.present(name, required=True):
            return None
        return self.read(name, lambda cell: parse_amount(read_number(cell, decimal_comma=comma)))

    def email(self, name: str):
        text = self.text(name, 254)
        if not text:
            return None
        try:
            validate_email(text, check_deliverability=False)
        except EmailNotValidError:
            message = _('"%(text)s" is not an email address.', text=text)
            self.errors.append(f"{self.header(name)}: {message}")
            return None
        return text.lower()
