"""Bank statement parsers (SPEC §6): CSV in either convention and encoding, and the
1CClientBankExchange text format in Windows-1251, written here byte by byte."""

from datetime import date

import pytest

from app.importing import FileError
from app.importing.statements import StatementLine, read_statement


def test_csv_in_english_with_signed_amounts():
    content = (
        b"Date,Amount,Counterparty,Purpose\n"
        b'2026-01-05,"1,250.50",Ada Admin,Plot 12 January\n'
        b'2026-01-06,-300,Guard Co,"Security, January"\n'
    )
    assert read_statement(content) == [
        StatementLine(2, date(2026, 1, 5), 125050, "Ada Admin", "Plot 12 January"),
        StatementLine(3, date(2026, 1, 6), -30000, "Guard Co", "Security, January"),
    ]


def test_csv_in_russian_windows_1251_semicolons_and_decimal_commas():
    content = (
        "Дата;Сумма;Контрагент;Назначение\r\n"
        "05.01.2026;1 250,50;Иванова  Мария;Взнос, участок 12\r\n"
        "06.01.2026;-1 234,00;ООО Охрана;Охрана за январь\r\n"
    ).encode("cp1251")
    assert read_statement(content) == [
        StatementLine(2, date(2026, 1, 5), 125050, "Иванова Мария", "Взнос, участок 12"),
        StatementLine(3, date(2026, 1, 6), -123400, "ООО Охрана", "Охрана за январь"),
    ]


def test_csv_in_utf8_with_a_bom():
    content = "\ufeffдата,сумма,контрагент,назначение\n2026-02-01,100,Пётр,уч. 3\n".encode()
    assert read_statement(content) == [StatementLine(2, date(2026, 2, 1), 10000, "Пётр", "уч. 3")]


def test_a_bad_line_refuses_the_whole_file_and_names_every_bad_line():
    content = (
        b"date,amount,counterparty,purpose\n2026-01-05,10,A,x\n31.02.2026,10,B,y\n"
        b"2026-01-07,0,C,z\n2026-01-08,1.005,D,w\n"
    )
    with pytest.raises(FileError) as error:
        read_statement(content)
    message = str(error.value)
    assert message.startswith("3 lines cannot be read; nothing was imported.")
    assert "Line 3: date:" in message and "Line 4: amount: The amount is zero." in message
    assert "Line 5: amount:" in message and "Line 2" not in message


def test_a_csv_without_the_amount_column_is_refused():
    with pytest.raises(FileError, match="no amount"):
        read_statement(b"date,counterparty,purpose\n2026-01-05,A,x\n")


def test_an_empty_file_is_refused():
    with pytest.raises(FileError, match="empty"):
        read_statement(b"  \n")


ONE_C = """1CClientBankExchange
ВерсияФормата=1.03
Кодировка=Windows
Отправитель=Бухгалтерия предприятия
ДатаНачала=01.01.2026
ДатаКонца=31.01.2026
РасчСчет=40703810000000000001
СекцияРасчСчет
ДатаНачала=01.01.2026
РасчСчет=40703810000000000001
НачальныйОстаток=1000.00
КонецРасчСчет
СекцияДокумент=Платежное поручение
Номер=15
Дата=10.01.2026
Сумма=1500.00
ПлательщикСчет=40817810099910004312
Плательщик=ИНН 770000000000 Иванова Мария Петровна
ПолучательСчет=40703810000000000001
Получатель=СНТ Берёзка
НазначениеПлатежа=Членский взнос за 2026 г., участок 12. НДС не облагается
КонецДокумента
СекцияДокумент=Платежное поручение
Номер=16
Дата=11.01.2026
Сумма=4200,50
ПлательщикСчет=40703810000000000001
Плательщик=СНТ Берёзка
ПолучательСчет=40702810500000000777
Получатель=ИНН 7701234567 ООО "Охрана"
Получатель1=ООО "Охрана"
НазначениеПлатежа=Оплата охраны по счёту 5
КонецДокумента
КонецФайла
"""


def test_1c_client_bank_exchange_in_windows_1251():
    assert read_statement(ONE_C.replace("\n", "\r\n").encode("cp1251")) == [
        StatementLine(
            13,
            date(2026, 1, 10),
            150000,
            "Иванова Мария Петровна",
            "Членский взнос за 2026 г., участок 12. НДС не облагается",
        ),
        StatementLine(23, date(2026, 1, 11), -420050, 'ООО "Охрана"', "Оплата охраны по счёту 5"),
    ]


def test_1c_own_account_only_in_its_section():
    text = ONE_C.replace("РасчСчет=40703810000000000001\nСекцияРасчСчет", "СекцияРасчСчет", 1)
    lines = read_statement(text.encode("cp1251"))
    assert [line.amount_cents for line in lines] == [150000, -420050]


def test_1c_without_its_own_account_is_refused():
    text = ONE_C.replace("РасчСчет=40703810000000000001\n", "")
    with pytest.raises(FileError, match="РасчСчет"):
        read_statement(text.encode("cp1251"))


def test_1c_bad_date_names_the_documents_line():
    text = ONE_C.replace("Дата=11.01.2026", "Дата=2026/01/11")
    with pytest.raises(FileError, match="Line 23: Дата:"):
        read_statement(text.encode("cp1251"))


def test_1c_cut_off_is_refused():
    text = ONE_C.split("КонецДокумента")[0]
    with pytest.raises(FileError, match="КонецДокумента"):
        read_statement(text.encode("cp1251"))
