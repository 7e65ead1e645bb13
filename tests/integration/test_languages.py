"""Languages (SPEC §7): which language a page speaks and why, money and dates the reader's
way, amounts and dates typed the reader's way on pages (never in the API), error messages
of the API in the language of Accept-Language, mails in the community's language."""

import re

import pytest
from conftest import PASSWORD, login
from sqlalchemy import select

from app.extensions import db, mail
from app.models import User

HTMX = {"HX-Request": "true"}
RU = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}


def seen(response) -> str:
    """The page as a reader sees its spaces: NBSP and narrow NBSP are spaces."""
    return re.sub(r"[\u00a0\u202f]", " ", response.get_data(as_text=True))


def language(response) -> str:
    return re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True)).group(1)


def user_locale(app, email):
    with app.app_context():
        return db.session.execute(select(User.locale).where(User.email == email)).scalar_one()


@pytest.fixture
def admin(client, community):
    login(client, "admin@example.org")
    return client


@pytest.fixture
def period(community):
    response = community.api.post(
        community.url("/periods"),
        json={"name": "2026 Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def set_settings(community, **changes):
    response = community.api.patch(community.url("/settings"), json=changes)
    assert response.status_code == 200, response.get_json()


# --- which language -----------------------------------------------------------------------


def test_a_visitor_gets_the_browser_language_and_keeps_a_lang_choice_in_the_session(client):
    assert language(client.get("/", headers=RU)) == "ru"
    assert language(client.get("/", headers=EN)) == "en"
    assert language(client.get("/")) == "en"

    assert language(client.get("/?lang=en", headers=RU)) == "en"
    assert language(client.get("/login", headers=RU)) == "en"  # the choice stays
    assert language(client.get("/signup?lang=ru", headers=EN)) == "ru"
    assert language(client.get("/", headers=EN)) == "ru"


def test_an_unknown_lang_is_ignored(client):
    assert language(client.get("/?lang=de", headers=RU)) == "ru"
    assert language(client.get("/?lang=<script>", headers=EN)) == "en"


def test_a_users_choice_is_saved_on_the_account_and_follows_them(app, client, community):
    login(client, "admin@example.org")
    assert user_locale(app, "admin@example.org") is None
    assert language(client.get(community.page("/"), headers=EN)) == "en"

    assert language(client.get(community.page("/?lang=ru"), headers=EN)) == "ru"
    assert user_locale(app, "admin@example.org") == "ru"

    other_browser = app.test_client()
    login(other_browser, "admin@example.org")
    assert language(other_browser.get(community.page("/"), headers=EN)) == "ru"
    assert language(other_browser.get("/account/", headers=EN)) == "ru"


def test_the_community_language_applies_when_nobody_chose_and_the_browser_says_nothing(client, community):
    set_settings(community, locale="ru")
    login(client, "admin@example.org")

    assert language(client.get(community.page("/"))) == "ru"
    assert language(client.get(community.page("/"), headers=EN)) == "en"  # the browser's first
    client.get(community.page("/?lang=en"))
    assert language(client.get(community.page("/"))) == "en"  # the user's choice first


def test_the_header_links_to_the_page_in_the_other_language(client):
    page = client.get("/login?next=%2Fc%2Fmaple%2F", headers=EN).get_data(as_text=True)
    assert 'href="/login?next=%2Fc%2Fmaple%2F&amp;lang=ru" hreflang="ru"' in page
    page = client.get("/?lang=ru").get_data(as_text=True)
    assert 'href="/?lang=en" hreflang="en"' in page


def test_the_community_locale_setting_takes_en_or_ru_only(community, admin):
    assert community.api.get(community.url("/settings")).get_json()["locale"] == "en"
    refused = community.api.patch(community.url("/settings"), json={"locale": "de"})
    assert refused.status_code == 400
    assert list(refused.get_json()["error"]["fields"]) == ["locale"]

    page = admin.get(community.page("/settings/")).get_data(as_text=True)
    assert re.search(r'<select[^>]*name="locale"', page)
    saved = admin.post(
        community.page("/settings/"), data={"name": "Maple Court", "currency": "RUB", "locale": "ru"}
    )
    assert saved.status_code == 302
    assert community.api.get(community.url("/settings")).get_json()["locale"] == "ru"


# --- the API ------------------------------------------------------------------------------


def test_api_error_messages_follow_accept_language_and_nothing_else(app, client, community):
    login(client, "admin@example.org")
    client.get(community.page("/?lang=ru"))  # the user chose Russian pages
    missing = community.url("/no-such-thing")

    assert community.api.get(missing).get_json()["error"]["message"] == "Not found."
    ru = community.api.get(missing, headers=RU).get_json()["error"]
    assert ru == {"code": "not_found", "message": "Не найдено."}
    assert community.api.get(missing, headers=EN).get_json()["error"]["message"] == "Not found."


def test_api_validation_messages_in_russian_and_the_api_stays_strict(community, period):
    url = community.url(f"/periods/{period}/contributions")
    body = {"member_id": community.admin_member_id, "amount": "10,50", "date": "15.02.2026"}

    refused = community.api.post(url, json=body, headers=RU)
    assert refused.status_code == 400
    error = refused.get_json()["error"]
    assert error["message"] == "Некоторые поля заполнены неверно."
    assert error["fields"] == {
        "amount": ["Введите число, например 1250,50 или 1250.50."],
        "date": ["Введите дату в виде ГГГГ-ММ-ДД."],
    }

    english = community.api.post(url, json=body).get_json()["error"]["fields"]
    assert english == {"amount": ["Enter a number, like 1250.50."], "date": ["Enter a date as YYYY-MM-DD."]}


# --- formats and input on pages -----------------------------------------------------------


def _contribution(community, period, amount, date="2026-02-10"):
    response = community.api.post(
        community.url(f"/periods/{period}/contributions"),
        json={"member_id": community.admin_member_id, "amount": amount, "date": date},
    )
    assert response.status_code == 201, response.get_json()


def test_a_russian_page_shows_roubles_the_russian_way_and_english_its_way(community, admin, period):
    set_settings(community, currency="RUB")
    _contribution(community, period, "1234.56")
    tab = community.page(f"/periods/{period}/contributions")

    assert "1 234,56 ₽" in seen(admin.get(tab + "?lang=ru"))
    assert "RUB 1,234.56" in seen(admin.get(tab + "?lang=en"))


def test_a_russian_contribution_form_takes_a_decimal_comma_and_a_russian_date(community, admin, period):
    admin.get(community.page("/?lang=ru"))
    url = community.page(f"/periods/{period}/contributions")
    for amount, date in (
        ("10,50", "15.02.2026"),
        ("1 234,56", "16.02.2026"),
        ("1\u00a0000", "2026-02-17"),
        ("7.25", "18.02.2026"),
    ):
        response = admin.post(
            url,
            headers=HTMX,
            data={"member_id": str(community.admin_member_id), "amount": amount, "date": date},
        )
        assert response.status_code == 200, (amount, seen(response)[-2000:])

    listed = community.api.get(community.url(f"/periods/{period}/contributions")).get_json()
    items = listed["items"] if isinstance(listed, dict) else listed
    assert sorted((c["date"], c["amount"]) for c in items) == [
        ("2026-02-15", "10.50"),
        ("2026-02-16", "1234.56"),
        ("2026-02-17", "1000.00"),
        ("2026-02-18", "7.25"),
    ]


def test_a_russian_form_still_refuses_what_is_not_a_number_and_says_so_in_russian(community, admin, period):
    admin.get(community.page("/?lang=ru"))
    url = community.page(f"/periods/{period}/contributions")
    for amount, message in (
        ("10,555", "Введите сумму не больше чем с двумя знаками после запятой."),
        ("1,234.56", "Введите число, например 1250,50 или 1250.50."),
        ("12 34,5", "Введите число, например 1250,50 или 1250.50."),
    ):
        response = admin.post(
            url,
            headers=HTMX,
            data={"member_id": str(community.admin_member_id), "amount": amount, "date": "15.02.2026"},
        )
        assert response.status_code == 422, amount
        assert f'<small class="field-error">{message}</small>' in seen(response), amount
    response = admin.post(
        url,
        headers=HTMX,
        data={"member_id": str(community.admin_member_id), "amount": "5", "date": "31.02.2026"},
    )
    assert '<small class="field-error">Введите дату в виде ДД.ММ.ГГГГ.</small>' in seen(response)


def test_an_english_page_does_not_read_a_comma_as_a_decimal_point(community, admin, period):
    response = admin.post(
        community.page(f"/periods/{period}/contributions?lang=en"),
        headers=HTMX,
        data={"member_id": str(community.admin_member_id), "amount": "10,50", "date": "15.02.2026"},
    )
    assert response.status_code == 422
    assert "Enter a number, like 1250.50." in seen(response)
    assert "Enter a date as YYYY-MM-DD." in seen(response)


# --- mails --------------------------------------------------------------------------------


def test_an_invite_mail_speaks_the_community_language_whatever_the_admin_reads(app, client, community):
    set_settings(community, locale="ru")
    login(client, "admin@example.org")
    client.get(community.page("/?lang=en"))  # the admin reads English pages
    with mail.record_messages() as outbox:
        response = client.post(
            community.page("/members/"),
            data={"name": "Нина Соседова", "email": "nina@example.org", "role": "owner"},
        )
        assert response.status_code in (200, 302)
    assert len(outbox) == 1
    assert outbox[0].subject == "Приглашение в «Maple Court» в Levy"
    assert outbox[0].body.startswith("Здравствуйте, Нина Соседова!\n\n«Maple Court» ведёт учёт")


def test_a_reminder_mail_in_russian_shows_roubles_the_russian_way(app, community, owner):
    from app.models import Community, Member
    from app.services import reminders
    from app.tenancy import community_scope

    set_settings(community, locale="ru", currency="RUB")
    with app.test_request_context("/", headers=EN), community_scope(community.id):
        member = db.session.get(Member, owner.id)
        subject, body = reminders.message(
            member, db.session.get(Community, community.id), 123456, None, "https://levy.example/c/maple/"
        )
    subject, body = (re.sub(r"[\u00a0\u202f]", " ", text) for text in (subject, body))
    assert subject == "«Maple Court»: напоминание об оплате — к оплате 1 234,56 ₽"
    assert "Здравствуйте, Olga Owner!" in body
    assert "По вашему балансу в «Maple Court» к оплате 1 234,56 ₽." in body


def test_pages_ask_a_visitor_to_log_in_in_their_language(client, community):
    response = client.get("/account/", headers=RU)
    assert response.status_code == 302
    assert "Войдите, чтобы увидеть эту страницу." in seen(client.get(response.location, headers=RU))


def test_a_russian_sign_up_page_suggests_roubles_and_the_api_keeps_euros(client):
    assert re.search(
        r'name="currency"[^>]*value="RUB"', client.get("/signup", headers=RU).get_data(as_text=True)
    )
    assert re.search(
        r'name="currency"[^>]*value="EUR"', client.get("/signup", headers=EN).get_data(as_text=True)
    )
    response = client.post(
        "/api/signup",
        headers=RU,
        json={
            "community_name": "СНТ Ромашка",
            "slug": "romashka",
            "name": "Анна",
            "email": "anna@example.org",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["community"]["currency"] == "EUR"
