"""Import files as treasurers write them: one hand-written file per case (SPEC §6)."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from app.importing import FileError, contribution_rows, property_rows, read_table
from app.importing.values import CellError, read_bool, read_date, read_number


def test_windows_1251_semicolons_with_russian_headers():
    content = (
        "Участок;Площадь, кв. м;Владелец;Email;Активен\r\n"
        'Участок 1;"12,5";Иванова Мария;maria@example.com;Да\r\n'
        "Участок 2;1 234,50;Петров П.П.;;нет\r\n"
        "Участок 10;3,85%;Иванова Мария;;\r\n"
    ).encode("cp1251")
    rows = property_rows(read_table(content))
    assert [(r.line, r.label, r.share_weight, r.owner, r.email, r.active, r.errors) for r in rows] == [
        (2, "Участок 1", Decimal("12.5000"), "Иванова Мария", "maria@example.com", True, []),
        (3, "Участок 2", Decimal("1234.5000"), "Петров П.П.", None, False, []),
        (4, "Участок 10", Decimal("3.8500"), "Иванова Мария", None, True, []),
    ]


def test_utf8_with_bom_and_commas_english_headers():
    content = (
        "\ufeffLabel,Share_Weight,Owner,Email,Active\n"
        'Plot 1,"1,234.5",Ann Smith,ANN@Example.com,yes\n'
        "Plot 2,60,Bob Jones,,FALSE\n"
    ).encode("utf-8")
    table = read_table(content)
    assert table.headers[0] == "Label"  # the BOM is not part of the first header
    rows = property_rows(table)
    assert [(r.line, r.label, r.share_weight, r.email, r.active) for r in rows] == [
        (2, "Plot 1", Decimal("1234.5000"), "ann@example.com", True),
        (3, "Plot 2", Decimal("60.0000"), None, False),
    ]


def test_contributions_in_russian_with_no_break_spaces_and_roubles():
    content = (
        "Дата;Сумма;Участок;Комментарий\n"
        "15.01.2026;р.65\u00a0000;Участок 1;за январь\n"
        '2026-02-01;65 000 ₽;Участок 2;"две\nстроки"\n'
        "03.02.2026;1\u202f234,50;Участок 3;\n"
    ).encode("utf-8")
    rows = contribution_rows(read_table(content))
    assert [(r.line, r.date, r.amount_cents, r.property, r.comment, r.errors) for r in rows] == [
        (2, date(2026, 1, 15), 6_500_000, "Участок 1", "за январь", []),
        (3, date(2026, 2, 1), 6_500_000, "Участок 2", "две\nстроки", []),
        (5, date(2026, 2, 3), 123_450, "Участок 3", "", []),  # line 5: the quoted cell took two
    ]


def test_xlsx_built_in_the_test():
    book = Workbook()
    sheet = book.active
    sheet.append(["Дата", "Сумма", "Владелец", "Комментарий"])
    sheet.append([datetime(2026, 1, 15), 1250.5, "Иванова Мария", "наличными"])
    sheet.append([])  # a blank row is skipped; line numbers stay the sheet's
    sheet.append(["31.01.2026", "1 000,00", "Петров П.П.", None])
    sheet.append([date(2026, 2, 30 - 2), 10.005, "Петров П.П.", None])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = contribution_rows(read_table(buffer.getvalue()))
    assert [(r.line, r.date, r.amount_cents, r.member, r.errors) for r in rows] == [
        (2, date(2026, 1, 15), 125_050, "Иванова Мария", []),
        (4, date(2026, 1, 31), 100_000, "Петров П.П.", []),
        (5, date(2026, 2, 28), None, "Петров П.П.", ["Сумма: Enter an amount with at most two decimals."]),
    ]


def test_xlsx_percent_cell_is_the_number_shown():
    book = Workbook()
    sheet = book.active
    sheet.append(["Участок", "Доля", "Владелец"])
    sheet.append(["Участок 1", 0.0385, "Иванова Мария"])
    sheet["B2"].number_format = "0.00%"
    buffer = io.BytesIO()
    book.save(buffer)
    [row] = property_rows(read_table(buffer.getvalue()))
    assert row.share_weight == Decimal("3.8500") and row.errors == []


def test_bad_rows_have_exact_messages_on_their_lines():
    content = (
        b"label;share_weight;owner;email;active\n"
        b"Plot 1;0;Ann;;yes\n"
        b"Plot 2;12,34,5;;not-an-email;maybe\n"
        b";10;Ann;;\n"
        b"Plot\t4;1.23456;Ann;;\n"
        b"Plot 5;10;;;\n"
    )
    rows = property_rows(read_table(content))
    assert {r.line: r.errors for r in rows} == {
        2: ["share_weight: Enter a number greater than zero."],
        3: [
            'share_weight: "12,34,5" is not a number.',
            'email: "not-an-email" is not an email address.',
            'active: "maybe" is not yes or no.',
        ],
        4: ["label: This cell is empty."],
        5: ["label: Must be on one line.", "share_weight: Enter a number with at most four decimals."],
        6: ["owner / email: Name the owner."],
    }


def test_bad_contribution_rows():
    content = b"date,amount,member,comment\n2026-02-30,10,Ann,\n15/01/2026,-5,Ann,\n,10.001,,\n"
    rows = contribution_rows(read_table(content))
    assert {r.line: r.errors for r in rows} == {
        2: ['date: "2026-02-30" is not a date; write 2026-01-31 or 31.01.2026.'],
        3: [
            'date: "15/01/2026" is not a date; write 2026-01-31 or 31.01.2026.',
            "amount: Enter an amount greater than zero.",
        ],
        4: ["date: This cell is empty.", "amount: Enter an amount with at most two decimals."],
    }


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The file is empty."),
        (
            b"label;owner\nPlot 1;Ann\n",
            "The header (line 1) has no share_weight (share_weight or share weight or доля or "
            "коэффициент or площадь) column.",
        ),
        (
            b"label,share_weight,note\nPlot 1,1,x\n",
            "The header (line 1) has neither a owner (owner or владелец) nor a email (email or e-mail) column.",  # noqa: E501
        ),
        (
            "Участок;Доля;Площадь;Владелец\n".encode("cp1251"),
            "Two columns give the share_weight: Доля and Площадь. Keep one.",
        ),
        (b"PK\x03\x04not really a zip", "The file is not a readable XLSX workbook."),
        (
            b"label;share\x98weight\n",
            "The file is neither UTF-8 nor Windows-1251 text, nor an XLSX workbook.",
        ),
    ],
)
def test_files_that_cannot_be_read(content, message):
    with pytest.raises(FileError) as error:
        property_rows(read_table(content))
    assert str(error.value) == message


@pytest.mark.parametrize(
    "text, comma, value",
    [
        ("1234.5", False, "1234.5"),
        ("1 234,5", False, "1234.5"),
        ("1\u00a0234,50", False, "1234.50"),
        ("3,85%", False, "3.85"),
        ("р.65 000", False, "65000"),
        ("65 000 ₽", False, "65000"),
        ("1,234.50", False, "1234.50"),
        ("1.234,50", False, "1234.50"),
        ("12,34", False, "12.34"),
        ("1,234", False, "1234"),
        ("1,234", True, "1.234"),
        ("1,234,567", True, "1234567"),
        ("1 234 567,89 руб.", True, "1234567.89"),
        ("€12.50", False, "12.50"),
        ("-5", False, "-5"),
    ],
)
def test_numbers_in_either_convention(text, comma, value):
    assert read_number(text, decimal_comma=comma) == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "1e3", "NaN", "12.", ",5", "1,2,3", "1 23 4,5", "--1", ""])
def test_not_numbers(text):
    with pytest.raises(CellError):
        read_number(text, decimal_comma=False)


def test_dates_and_booleans():
    assert read_date("2026-01-05") == read_date("05.01.2026") == read_date("5.1.2026") == date(2026, 1, 5)
    assert [read_bool(v) for v in ("yes", "Да", "TRUE", "1", "no", "НЕТ", "false", "0")] == [True] * 4 + [
        False
    ] * 4
