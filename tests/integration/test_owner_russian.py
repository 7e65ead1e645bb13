"""The owner's side in Russian (SPEC §7, issue 12): the dashboard, the statement page, its PDF
and CSV, the history, the reminders and receivables pages speak Russian to a Russian reader,
with money as ``1 234,56 ₽`` and dates as ``31.03.2026``, and no code words; the same pages in
English are unchanged.

The world (a garden cooperative, in roubles), amounts by hand:

    Ольга Петрова   Участок 12 (weight 1)          the owner
    Борис Иванов    Участок 14 (weight 1)

Q1 2026 (Jan–Mar), closed:
    Охрана   split by share   4 938.24 over 1 : 1 → 2 469.12 each
    Ольга pays 1 234.56 on 10.01.2026 → closing −1 234.56 (to pay 1 234,56 ₽)
    Борис pays nothing                → closing −2 469.12
"""

import io
import re

import pytest
from flask_babel import ngettext
from pypdf import PdfReader

from tests.conftest import invite_and_join, login
from tests.helpers import page_ok as ok

RU_OWES = "1 234,56 ₽"


def plain(text: str) -> str:
    """Babel's non-breaking spaces (U+00A0, U+202F) as plain ones, runs of space as one."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def visible(response) -> str:
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r" ([.,;:?])", r"\1", plain(re.sub(r"<[^>]+>", " ", html)))


class World:
    def __init__(self, community):
        self.api, self.url = community.api, community.url

    def post(self, path, **json):
        response = self.api.post(self.url(path), json=json)
        assert response.status_code in (201, 202), response.get_json()
        return response.get_json()


@pytest.fixture
def world(community):
    w = World(community)
    ok(w.api.patch(w.url("/settings"), json={"currency": "RUB"}))
    member, _ = invite_and_join(community.api, community.slug, "Ольга Петрова", "olga@example.org")
    w.olga = member["id"]
    w.boris = w.post("/members", name="Борис Иванов", email="boris@example.org", role="owner")["id"]
    w.post("/properties", label="Участок 12", share_weight="1", owner_member_id=w.olga)
    w.post("/properties", label="Участок 14", share_weight="1", owner_member_id=w.boris)
    w.q1 = w.post("/periods", name="1 квартал", start_date="2026-01-01", end_date="2026-03-31")["id"]
    w.post(
        f"/periods/{w.q1}/budget-items",
        payment_type="Охрана",
        strategy="proportional",
        budgeted_cost="5000.00",
    )
    w.post(
        f"/periods/{w.q1}/expenses",
        payment_type="Охрана",
        amount="4938.24",
        date="2026-01-15",
        vendor="ЧОП Рубеж",
    )
    w.post(
        f"/periods/{w.q1}/contributions",
        member_id=w.olga,
        amount="1234.56",
        date="2026-01-10",
        comment="Перевод за январь",
    )
    w.post(f"/periods/{w.q1}/close")
    return w


@pytest.fixture
def olga(app, world):
    browser = app.test_client()
    login(browser, "olga@example.org")
    return browser


@pytest.fixture
def admin(app, world):
    browser = app.test_client()
    login(browser, "admin@example.org")
    return browser


def test_owner_dashboard_in_russian(world, olga):
    page = visible(ok(olga.get("/c/maple/?lang=ru")))

    assert f"К оплате: {RU_OWES}." in page
    assert f"Перечислите {RU_OWES} на счёт товарищества." in page
    assert "Сальдо сейчас" in page and "Ваши взносы" in page
    assert "Начислено: ваша доля расходов 2 469,12 ₽" in page
    assert "Мои взносы" in page and "10.01.2026" in page
    assert "01.01.2026 – 31.03.2026" in page
    assert "Откуда этот долг?" in page
    assert "владелец в этом товариществе" in page  # the role in words, not "owner"
    for english in ("You owe", "Balance now", "Payments I made", "owner of this community"):
        assert english not in page


def test_owner_dashboard_in_english_is_unchanged(world, olga):
    page = visible(ok(olga.get("/c/maple/?lang=en")))

    assert "You owe RUB 1,234.56." in page
    assert "Balance now" in page and "Payments I made" in page
    assert "Jan 10, 2026" in page
    assert "К оплате" not in page


def test_statement_page_in_russian(world, olga):
    page = visible(ok(olga.get(f"/c/maple/me/periods/{world.q1}/statement?lang=ru")))

    assert f"Почему мой баланс -{RU_OWES}" in page
    assert "Входящее сальдо" in page and "Исходящее сальдо" in page
    assert "+ Взносы 1 234,56 ₽" in page
    assert "Перевод за январь" in page and "10.01.2026" in page
    # The split in words and Russian numbers: no "proportional", decimal commas.
    assert (
        "Охрана · Участок 12 · пропорционально доле доля 1 из 2 × итого 4 938,24 ₽ "
        "= ровно 2 469,1200, округлено до 2 469,12 ₽"
    ) in page
    assert "Минус — к оплате товариществу" in page
    assert "закрыт" in page
    for code in ("proportional", "Opening balance", "closed"):
        assert code not in page


def test_statement_pdf_in_russian(world, olga):
    olga.get("/c/maple/?lang=ru")  # the choice is saved on the account
    response = ok(olga.get(f"/c/maple/me/periods/{world.q1}/statement.pdf"))
    assert response.mimetype == "application/pdf"

    pdf = plain(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages))
    assert "Maple Court: выписка по лицевому счёту" in pdf
    assert "с 01.01.2026 по 31.03.2026" in pdf
    for heading in ("Раздел", "Дата", "Что", "Сумма"):
        assert heading in pdf
    assert "Входящее сальдо" in pdf and "Взносы" in pdf and "Начислено" in pdf
    assert "10.01.2026" in pdf and "1 234,56 ₽" in pdf
    assert "пропорционально доле" in pdf
    assert f"Сальдо: -{RU_OWES} (к оплате)" in pdf
    assert "Opening balance" not in pdf and "proportional" not in pdf


def test_statement_pdf_in_english_is_unchanged(world, olga):
    response = ok(olga.get(f"/c/maple/me/periods/{world.q1}/statement.pdf?lang=en"))

    pdf = plain(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages))
    assert "Maple Court: statement" in pdf
    assert "Opening balance" in pdf and "Contributions" in pdf
    assert "Balance: -RUB 1,234.56 (you owe)" in pdf
    assert "выписка" not in pdf


def test_statement_csv_header_follows_the_reader_and_numbers_stay_machine(world, olga):
    ru = ok(olga.get(f"/c/maple/me/periods/{world.q1}/statement.csv?lang=ru"))
    body = ru.get_data(as_text=True)
    assert body.startswith("\ufeff")  # Russian Excel reads UTF-8 after a BOM; ";" and ","
    lines = body[1:].splitlines()
    assert lines[0].startswith("раздел;дата;описание;участок;")
    assert "Взносы;2026-01-10;Перевод за январь;;;;;;;;1234,56" in lines  # no code words
    assert lines[-1] == "Исходящее сальдо;2026-03-31;Исходящее сальдо;;;;;;;;-1234,56"

    en = ok(olga.get(f"/c/maple/me/periods/{world.q1}/statement.csv?lang=en"))
    assert en.get_data(as_text=True).splitlines()[0].startswith("section,date,description,")
    assert (
        "Contributions,2026-01-10,Перевод за январь,,,,,,,,1234.56" in en.get_data(as_text=True).splitlines()
    )


def test_history_in_russian(world, olga):
    page = visible(ok(olga.get("/c/maple/me/history?lang=ru")))

    assert "Моя история" in page and "Исходящее" in page and "Начислено" in page
    assert "1 квартал закрыт" in page
    assert "Почему" in page and f"-{RU_OWES}" in page


def test_admin_dashboard_counts_debtors_with_russian_plurals(world, admin):
    page = visible(ok(admin.get("/c/maple/?lang=ru")))

    assert "Крупнейшие должники 2 должника, всего 3 703,68 ₽" in page
    assert "Последний период" in page and "закрыт" in page
    assert "Закрытие периода 1 квартал" in page and "готово" in page
    english = visible(ok(admin.get("/c/maple/?lang=en")))
    assert "2 members in debt, RUB 3,703.68 in all" in english


def test_reminders_and_receivables_pages_in_russian(world, admin):
    reminders = visible(ok(admin.get("/c/maple/reminders?lang=ru")))
    assert "Напоминания об оплате" in reminders and "Должники за период 1 квартал" in reminders
    assert "Отправить напоминания" in reminders and "2 469,12 ₽" in reminders

    receivables = visible(ok(admin.get("/c/maple/receivables")))
    assert "Задолженности" in receivables and "Сроки задолженности" in receivables
    assert "2 должника, долг 3 703,68 ₽" in receivables
    assert "окончен 31.03.2026" in receivables

    confirm = visible(
        ok(
            admin.post(
                "/c/maple/receivables/remind", data={"member_ids": [str(world.olga), str(world.boris)]}
            )
        )
    )
    assert "Отправить 2 напоминания?" in confirm


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (1, "1 должник"),
        (2, "2 должника"),
        (5, "5 должников"),
        (11, "11 должников"),
        (21, "21 должник"),
        (22, "22 должника"),
    ],
)
def test_russian_plural_forms(app, count, words):
    with app.test_request_context("/c/maple/?lang=ru"):
        text = ngettext(
            "%(num)d member in debt, %(total)s in all",
            "%(num)d members in debt, %(total)s in all",
            count,
            total="1 ₽",
        )
    assert text == f"{words}, всего 1 ₽"


@pytest.mark.parametrize(
    ("count", "words"), [(1, "1 из 1 участка"), (3, "1 из 3 участков"), (21, "1 из 21 участка")]
)
def test_share_of_properties_in_russian(app, count, words):
    with app.test_request_context("/?lang=ru"):
        text = ngettext("1 of %(num)d property", "1 of %(num)d properties", count)
    assert text == words
