"""The period pages in Russian and in plain words (SPEC §7, issue 12).

A RUB community, built through the API: Olga Owner holds Plot 1 (weight 1), the admin
Plot 2 (weight 3). In "2026 Q1" Olga pays in 1234.56; the budget has one item of each
strategy (Security split by share, Road equal per property, Water by tariff, Power by meter,
Party not split) and Olga's plot has a Water reading. Every tab, the list and the sheet are
read in Russian and in English: the Russian words are there, money reads `1 234,56 ₽`, and
no code word (fixed_fee, usage_based, proportional, stale) is shown to anyone.
"""

import html as html_lib
import re
from decimal import Decimal

import pytest
from conftest import login

TABS = ("/", "/expenses", "/budget", "/readings", "/charges", "/payouts", "/adjustments", "/sheet")
TAB_WORDS = (
    "Взносы",
    "Расходы",
    "Смета",
    "Показания счётчиков",
    "Начисления",
    "Выплаты",
    "Корректировки",
    "Сальдо",
)
CODE_WORDS = ("fixed_fee", "usage_based", "usage based", "proportional", "stale")


def visible_text(response) -> str:
    """What a person reads: no tags, scripts or attributes; spaces normalised (Babel's
    no-break spaces in amounts become plain ones)."""
    page = response.get_data(as_text=True)
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = html_lib.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"[\s\u00a0\u202f]+", " ", page)


class World:
    def __init__(self, community, owner):
        self.community, self.owner = community, owner
        self.api, self.url = community.api, community.url
        settings = self.api.patch(self.url("/settings"), json={"currency": "RUB"})
        assert settings.status_code == 200, settings.get_json()
        self.plot1 = self.post("/properties", label="Plot 1", share_weight="1", owner_member_id=owner.id)[
            "id"
        ]
        self.post("/properties", label="Plot 2", share_weight="3", owner_member_id=community.admin_member_id)
        self.q1 = self.post("/periods", name="2026 Q1", start_date="2026-01-01", end_date="2026-03-31")["id"]
        self.record("contributions", member_id=owner.id, amount="1234.56", date="2026-01-15")
        for name, strategy, rate in (
            ("Security", "proportional", None),
            ("Road", "fixed_fee", None),
            ("Water", "usage_based", "2.5"),
            ("Power", "usage_based", None),
            ("Party", "none", None),
        ):
            item = self.record(
                "budget-items",
                payment_type=name,
                budgeted_cost="400.00",
                strategy=strategy,
                **({"unit_rate": rate} if rate else {}),
            )
            if name == "Water":
                self.water = item
        self.record("readings", property_id=self.plot1, budget_item_id=self.water, end_reading="10")
        self.record(
            "expenses", amount="300.00", date="2026-01-20", payment_type="Security", vendor="Guard Co"
        )
        self.record("charges", member_id=owner.id, amount="25.00", date="2026-02-01", description="Gate key")
        self.record("payouts", member_id=owner.id, amount="10.00", date="2026-02-02", comment="Nails")
        self.record("adjustments", member_id=owner.id, amount="-5.00", date="2026-02-03", reason="Old books")

    def post(self, path, **json):
        response = self.api.post(self.url(path), json=json)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def record(self, path, **json):
        return self.post(f"/periods/{self.q1}/{path}", **json)["id"]

    def page(self, path="", period=None):
        return self.community.page(f"/periods/{period or self.q1}{path}")


@pytest.fixture
def world(community, owner):
    return World(community, owner)


@pytest.fixture
def admin(client, community, world):
    login(client, "admin@example.org")
    return client


def test_every_tab_of_the_period_page_speaks_russian(admin, world):
    pages = {tab: visible_text(admin.get(world.page(tab) + "?lang=ru")) for tab in TABS}
    pages["/readings"] = visible_text(admin.get(world.page("/readings") + f"?item={world.water}"))

    for tab, text in pages.items():
        for word in TAB_WORDS:  # the tab bar, on every tab
            assert word in text, (tab, word)
        assert "1 квартал 2026" not in text  # the placeholder is an attribute, not text
        assert "01.01.2026 – 31.03.2026 · открыт" in text, tab
    assert "15.01.2026 Olga Owner 1 234,56 ₽" in pages["/"]
    assert "Итого 1 234,56 ₽" in pages["/"]
    assert "Записать взнос" in pages["/"]
    assert "Поставщик" in pages["/expenses"] and "300,00 ₽" in pages["/expenses"]
    budget = pages["/budget"]
    for line in (
        "Security пропорционально доле",
        "Road поровну на участок",
        "Water по тарифу 2,5",
        "Power по счётчикам",
        "Party не распределяется",
    ):
        assert line in budget, line
    assert "По смете Фактически Отклонение Начислено" in budget
    assert "Итого 2 000,00 ₽ 300,00 ₽ 1 700,00 ₽" in budget
    readings = pages["/readings"]
    assert "Тариф 2,5 за единицу" in readings
    assert "Plot 1 Olga Owner 10 25,00 ₽ Аннулировать" in readings  # the inputs hold 0 and 10
    assert "Сохранить показания" in readings
    assert "Начислить члену товарищества" in pages["/charges"] and "25,00 ₽" in pages["/charges"]
    assert "Выплатить члену товарищества" in pages["/payouts"]
    assert "-5,00 ₽" in pages["/adjustments"]
    sheet = pages["/sheet"]
    assert "Входящее сальдо" in sheet and "Исходящее сальдо" in sheet
    assert "предварительно" in sheet and "Смета и факт" in sheet
    assert "Security пропорционально доле 400,00 ₽ 300,00 ₽ 100,00 ₽" in sheet
    assert "Water по тарифу" in sheet
    assert "Остаток в фонде на конец периода: 924,56 ₽" in sheet


def test_no_code_word_on_any_period_page_in_either_language(admin, world):
    for lang in ("en", "ru"):
        for tab in TABS:
            text = visible_text(admin.get(world.page(tab) + f"?lang={lang}"))
            for word in CODE_WORDS:
                assert word not in text, (lang, tab, word)
        listing = visible_text(admin.get(world.community.page("/periods/") + f"?lang={lang}"))
        for word in CODE_WORDS:
            assert word not in listing, (lang, word)
    budget = visible_text(admin.get(world.page("/budget") + "?lang=en"))
    for line in (
        "Security split by share",
        "Road equal per property",
        "Water by tariff 2.5",
        "Power by meter",
        "Party not split",
    ):
        assert line in budget, line
    # The form's choices and their help, in words too.
    assert "equal per property" in budget and "the total split equally per property" in budget


def test_an_out_of_date_period_says_so_in_a_sentence(admin, world):
    """A closed period after a reopened one: "out of date" in words, never "stale"."""
    q2 = world.post("/periods", name="2026 Q2", start_date="2026-04-01", end_date="2026-06-30")["id"]
    world.api.post(
        world.url(f"/periods/{world.q1}/budget-items"),
        json={"payment_type": "Unused", "budgeted_cost": "1.00", "strategy": "none"},
    )
    for period_id in (world.q1, q2):
        assert world.api.post(world.url(f"/periods/{period_id}/close")).status_code == 202
    assert admin.post(world.page("/reopen"), data={}).status_code in (200, 302)

    for lang, label in (("en", "out of date"), ("ru", "требует пересчёта")):
        listing = visible_text(admin.get(world.community.page("/periods/") + f"?lang={lang}"))
        sheet = visible_text(admin.get(world.page("/sheet", q2) + f"?lang={lang}"))
        for text in (listing, sheet):
            assert label in text and "stale" not in text, lang
    ru_page = visible_text(admin.get(world.page("/", q2) + "?lang=ru"))
    assert "закрыт" in ru_page and "Период закрыт; откройте его заново" in ru_page

    # The reopened period offers the correction preview, in Russian too.
    reopened = visible_text(admin.get(world.page("/") + "?lang=ru"))
    assert "Что изменится после исправления" in reopened
    preview = visible_text(admin.get(world.page("/recompute-preview") + "?lang=ru"))
    assert "Если закрыть период «2026 Q1» сейчас" in preview
    assert (
        "2026 Q2 Член товарищества Было Станет Изменение" in preview
        or "Исходящее сальдо не меняется." in preview
    )


def test_refusals_and_form_errors_speak_russian(admin, world):
    response = admin.post(
        world.page("/charges") + "?lang=ru",
        data={"member_id": str(world.owner.id), "amount": "5", "date": "01.04.2026", "description": "Поздно"},
    )
    assert response.status_code == 422
    assert "Дата должна быть в пределах периода (01.01.2026 – 31.03.2026)." in visible_text(response)

    response = admin.post(
        world.page("/budget") + "?lang=ru",
        data={"payment_type": "Охрана", "budgeted_cost": "10", "strategy": "fixed_fee", "unit_rate": "1"},
    )
    assert response.status_code == 422
    assert "Тариф задаётся только для способа «по счётчикам»." in visible_text(response)

    # The API's message follows Accept-Language.
    answer = world.api.post(
        world.url(f"/periods/{world.q1}/budget-items"),
        json={"payment_type": "Security", "budgeted_cost": "1.00", "strategy": "none"},
        headers={"Accept-Language": "ru"},
    )
    assert answer.status_code == 400
    assert answer.get_json()["error"]["message"] == "Статья сметы заполнена неверно."
    assert answer.get_json()["error"]["fields"] == {
        "payment_type": ["У этой статьи уже есть строка сметы в этом периоде."]
    }


# --- decimal commas in non-money inputs -----------------------------------------------------


def test_the_readings_grid_in_russian_takes_a_decimal_comma(admin, world):
    """A treasurer types a meter reading as she writes it, ``12,5``; it is saved as 12.5,
    and the grid shows it back with the comma."""
    response = admin.post(
        world.page("/readings") + "?lang=ru",
        headers={"HX-Request": "true"},
        data={
            "budget_item_id": str(world.water),
            f"start-{world.plot1}": "2,25",
            f"end-{world.plot1}": "12,5",
        },
    )

    assert response.status_code == 200, visible_text(response)[:2000]
    text = visible_text(response)
    assert "Сохранено" in text
    assert "Plot 1 Olga Owner 10,25 25,63 ₽" in text  # consumption and 2.5 × 10.25
    assert 'value="12,5"' in response.get_data(as_text=True)
    readings = world.api.get(world.url(f"/periods/{world.q1}/readings")).get_json()
    assert [(r["start_reading"], r["end_reading"]) for r in readings] == [("2.25", "12.5")]

    # The live preview reads the same way.
    preview = admin.post(
        world.page("/readings/preview") + "?lang=ru",
        data={
            "budget_item_id": str(world.water),
            f"start-{world.plot1}": "0",
            f"end-{world.plot1}": "1 000,5",
        },
    )
    assert preview.status_code == 200
    assert "1 000,5" in visible_text(preview)


def test_the_reading_form_reads_the_page_language(app):
    from werkzeug.datastructures import MultiDict

    from app.forms.ledger import ReadingForm

    def read(lang, end):
        form = ReadingForm(
            formdata=MultiDict({"property_id": "1", "budget_item_id": "2", "end_reading": end}),
            meta={"csrf": False, "input_locale": lang},
        )
        return form.validate(), form.end_reading.data

    with app.test_request_context("/"):
        assert read("ru", "12,5") == (True, Decimal("12.500"))
        assert read("ru", "12.5") == (True, Decimal("12.500"))
        assert read("en", "12,5")[0] is False
        assert read(None, "12,5")[0] is False


def test_an_owner_reads_the_readings_in_russian(app, world):
    """The owner's read-only grid shows each reading as a number of the page's language."""
    world.api.patch(world.url("/settings"), json={"owners_see_balance_sheet": True})
    items = world.api.get(world.url(f"/periods/{world.q1}/budget-items")).get_json()
    power = next(i["id"] for i in items if i["payment_type"] == "Power")
    world.record(
        "readings", property_id=world.plot1, budget_item_id=power, start_reading="0.5", end_reading="12.25"
    )
    owner = app.test_client()
    login(owner, "owner@example.org")
    page = owner.get(world.page("/readings") + f"?item={power}&lang=ru")
    assert page.status_code == 200
    assert "Plot 1 Olga Owner 0,5 12,25 11,75" in visible_text(page)


def test_not_found_and_refusals_in_russian(admin, world):
    """A period that is not there: the page and the API say so in Russian; the correction
    preview of an open period that never closed, and of a closed one, says why not."""
    page = admin.get(world.page("/expenses", period=999999) + "?lang=ru")
    assert page.status_code == 404
    assert "Период не найден." in visible_text(page)
    answer = world.api.get(world.url("/periods/999999"), headers={"Accept-Language": "ru"})
    assert answer.status_code == 404
    assert answer.get_json()["error"]["message"] == "Период не найден."
    answer = world.api.get(world.url("/periods/999999"))
    assert answer.get_json()["error"]["message"] == "Period not found."
    sorted_wrong = world.api.get(world.url("/receivables?sort=shoe"), headers={"Accept-Language": "ru"})
    assert sorted_wrong.status_code == 400
    assert sorted_wrong.get_json()["error"]["message"] == "Неизвестный порядок сортировки."


def test_the_correction_preview_of_a_closed_period_says_why_not_in_russian(admin, world):
    assert world.api.post(world.url(f"/periods/{world.q1}/close")).status_code == 202
    answer = world.api.get(
        world.url(f"/periods/{world.q1}/recompute-preview"), headers={"Accept-Language": "ru"}
    )
    assert answer.status_code == 409
    assert answer.get_json()["error"]["message"] == (
        "Период «2026 Q1» сейчас в состоянии «закрыт»: предпросмотр исправлений есть только "
        "у переоткрытого (открытого) периода."
    )
