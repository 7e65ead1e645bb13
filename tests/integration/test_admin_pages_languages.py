"""The admin pages in Russian and English (SPEC §7), and the audit log in plain words
(issue 12): names instead of ids, actions as phrases, 50 entries a page, filters.

The world is test_period_pages' (Olga Owner pays 1250.00 in "2026 Q1", …).
"""

import html as html_lib
import io
import re
from datetime import datetime, timedelta

import pytest
from conftest import login
from test_period_pages import World

from app.extensions import db
from app.models import AuditEntry
from app.tenancy import community_scope


@pytest.fixture
def world(community, owner):
    return World(community, owner)


@pytest.fixture
def admin(client, community, world):
    login(client, "admin@example.org")
    return client


def text(response) -> str:
    """The page's text, tags left in, entities decoded and spaces normalised."""
    body = html_lib.unescape(response.get_data(as_text=True))
    return re.sub(r"[\u00a0\u202f]", " ", body)


# --- the pages in both languages --------------------------------------------------------------

PAGES = {
    "/members/": ("Члены товарищества", "Добавить члена товарищества", "Владелец"),
    "/properties/": ("Участки", "Владелец", "Доля", "Добавить участок"),
    "/settings/": ("Настройки", "Название товарищества", "Сохранить настройки"),
    "/properties/import": ("Импорт участков", "Таблица (CSV или XLSX)", "Каким должен быть файл"),
    "/audit/": ("Журнал изменений", "Кто", "Действие", "Изменения"),
}
ENGLISH = {
    "/members/": ("Members", "Add a member", "Owner"),
    "/properties/": ("Properties", "Owner", "Share weight", "Add a property"),
    "/settings/": ("Settings", "Community name", "Save settings"),
    "/properties/import": (
        "Import properties",
        "Spreadsheet (CSV or XLSX)",
        "What the file should look like",
    ),
    "/audit/": ("Audit log", "Who", "Action", "Changes"),
}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_admin_pages_speak_russian_with_lang_ru_and_english_by_default(admin, community, path):
    english = text(admin.get(community.page(path)))
    russian = text(admin.get(community.page(path + "?lang=ru")))

    assert all(word in english for word in ENGLISH[path]), path
    assert all(word in russian for word in PAGES[path]), path
    assert "Share weight" not in russian and "Add a member" not in russian


def test_properties_show_the_share_with_a_decimal_comma_in_russian(admin, community, world):
    admin.post(
        community.page(f"/properties/{world.plot1}"),
        data={
            "label": "Plot 1",
            "share_weight": "12,5",
            "owner_member_id": str(world.owner.id),
            "active": "y",
        },
        query_string={"lang": "ru"},
    )
    page = text(admin.get(community.page("/properties/?lang=ru")))
    assert re.search(r'<td class="amount">12,5</td>\s*<td>Olga Owner</td>\s*<td>да</td>', page)


def test_a_member_who_still_owns_a_property_is_refused_in_russian(admin, community, world):
    admin.get(community.page("/members/?lang=ru"))
    refused = admin.post(community.page(f"/members/{world.owner.id}/remove"))
    assert refused.status_code == 409
    page = text(refused)
    assert (
        "Olga Owner ещё владеет участком Plot 1. Сначала передайте его другому владельцу "
        "или сделайте неактивным."
    ) in page


def test_tokens_page_speaks_russian(admin):
    page = text(admin.get("/tokens/?lang=ru"))
    assert "Токены API" in page and "Создать токен" in page and "Название токена" in page


# --- imports: row errors in the reader's language ---------------------------------------------

BAD_PLOTS = "Участок;Доля;Владелец\nУчасток 1;ноль;Ada Admin\n".encode()


def test_an_import_preview_shows_row_errors_in_russian(admin, community):
    admin.get(community.page("/properties/import?lang=ru"))
    preview = admin.post(
        community.page("/properties/import"),
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(BAD_PLOTS), "plots.csv")},
    )
    page = text(preview)
    assert preview.status_code == 422
    assert "Импорт участков: предпросмотр" in page
    assert "новых: 0, обновить: 0, <strong>с ошибками: 1</strong>." in page
    assert "Доля: «ноль» — не число." in page
    assert "<td>ошибка</td>" in page


def test_the_import_api_answers_in_the_language_asked_for(community):
    url = community.url("/imports/properties")
    headers = {"Content-Type": "text/csv"}
    english = community.api.post(url, data=BAD_PLOTS, headers=headers).get_json()
    russian = community.api.post(url, data=BAD_PLOTS, headers={**headers, "Accept-Language": "ru"}).get_json()

    assert english["error"]["message"] == "1 row in error; nothing was imported."
    assert english["error"]["fields"] == {"line 2": ['Доля: "ноль" is not a number.']}
    assert russian["error"]["message"] == "1 строка с ошибкой; ничего не импортировано."
    assert russian["error"]["fields"] == {"line 2": ["Доля: «ноль» — не число."]}


# --- the audit log in plain words -------------------------------------------------------------


def edit_contribution(admin, world, amount):
    admin.post(
        world.page(f"/contributions/{world.contribution}"),
        data={"member_id": str(world.owner.id), "amount": amount, "date": "2026-01-15", "comment": "Q1 dues"},
    )


def test_the_audit_log_names_members_not_ids(admin, community, world):
    edit_contribution(admin, world, "1300")
    english = text(admin.get(community.page("/audit/")))
    russian = text(admin.get(community.page("/audit/?lang=ru")))

    assert "member id" not in english and "member_id:" not in english
    assert re.search(r"<td>edited a contribution</td>\s*<td>Olga Owner</td>\s*<td>2026 Q1</td>", english)
    assert "<li>member: <ins>Olga Owner</ins></li>" in english
    assert "<li>owner: <ins>Olga Owner</ins></li>" in english  # Plot 1's owner
    assert "<li>split: <ins>split by share</ins></li>" in english
    assert "<li>date: <ins>Jan 15, 2026</ins></li>" in english
    assert "<li>figures: <ins>up to date</ins></li>" in english  # never "stale: False"

    assert re.search(r"<td>изменён взнос</td>\s*<td>Olga Owner</td>\s*<td>2026 Q1</td>", russian)
    assert "<li>сумма: <del>1 250,00 €</del> → <ins>1 300,00 €</ins></li>" in russian
    assert "<li>распределение: <ins>пропорционально доле</ins></li>" in russian
    assert "<li>дата: <ins>15.01.2026</ins></li>" in russian
    assert "<td>Ada Admin</td>" in russian


def add_entries(app, community, count, **values):
    start = datetime(2000, 1, 1)  # older than the world's entries
    with app.app_context(), community_scope(community.id):
        db.session.add_all(
            AuditEntry(
                community_id=community.id,
                actor="system",
                action="edit",
                entity="settings",
                entity_id=community.id,
                before={"name": f"Maple {i}"},
                after={"name": f"Maple {i + 1}"},
                created_at=start + timedelta(minutes=i),
                **values,
            )
            for i in range(count)
        )
        db.session.commit()


def entry_rows(page: str) -> list[str]:
    return re.findall(r'<tr id="audit-\d+">', page)


def test_the_audit_log_has_pages_of_50_and_no_silent_cap(app, admin, community, world):
    before = len(entry_rows(text(admin.get(community.page("/audit/")))))
    add_entries(app, community, 560)
    total = before + 560

    first = text(admin.get(community.page("/audit/")))
    assert len(entry_rows(first)) == 50
    assert f"Page 1 of {-(-total // 50)}" in first and f"{total} entries" in first
    assert "created the period" in first
    assert 'rel="prev"' not in first
    assert re.search(r'href="/c/maple/audit/\?page=2" rel="next"', first)

    last_number = -(-total // 50)
    last = text(admin.get(community.page(f"/audit/?page={last_number}")))
    assert len(entry_rows(last)) == total - 50 * (last_number - 1)
    assert "<li>title: <del>Maple 0</del> → <ins>Maple 1</ins></li>" in last  # past 500
    assert 'rel="next"' not in last and 'rel="prev"' in last
    assert len(entry_rows(text(admin.get(community.page("/audit/?page=999"))))) == len(entry_rows(last))


def test_the_audit_log_filters_by_member_kind_and_period(app, admin, community, world):
    edit_contribution(admin, world, "1300")
    add_entries(app, community, 60)

    olga = text(admin.get(community.page(f"/audit/?member_id={world.owner.id}")))
    actions = re.findall(r"<td>([a-z ]+)</td>\s*<td>Olga Owner</td>", olga)
    assert actions[:3] == ["edited a contribution", "added a charge", "added a contribution"]
    assert {"accepted the invite", "added a member"} <= set(actions)
    assert "<td>added a property</td>\n      <td>Plot 1</td>" in olga  # she owns it
    assert "<td>Plot 2</td>" not in olga
    assert "Security" not in olga and "changed the settings" not in olga
    assert f'<option value="{world.owner.id}" selected>Olga Owner</option>' in olga

    budget = text(admin.get(community.page("/audit/?entity=budget_item")))
    assert len(entry_rows(budget)) == 1 and "added a budget item" in budget

    in_period = text(admin.get(community.page(f"/audit/?period_id={world.period}")))
    assert "changed the settings" not in in_period and "added a property" not in in_period
    assert "edited a contribution" in in_period and "created the period" in in_period

    # Paging keeps the filter.
    settings = text(admin.get(community.page("/audit/?entity=settings")))
    assert 'href="/c/maple/audit/?entity=settings&amp;page=2"' in admin.get(
        community.page("/audit/?entity=settings")
    ).get_data(as_text=True)
    assert len(entry_rows(settings)) == 50


def test_another_communitys_member_filters_nothing_and_shows_nothing_of_theirs(
    admin, community, other_community, world
):
    other = other_community.api.post(other_community.url("/members"), json={"name": "Zed Zimmer"}).get_json()
    page = text(admin.get(community.page(f"/audit/?member_id={other['id']}")))
    assert page.count('<tr id="audit-') == 50 or "Olga Owner" in page
    assert "Zed Zimmer" not in page and "Bob Birch" not in page


def test_the_audit_api_keeps_its_shape(community, world):
    entries = community.api.get(community.url("/audit?entity=contribution")).get_json()
    assert set(entries[0]) == {
        "id",
        "at",
        "user_id",
        "actor",
        "action",
        "entity",
        "entity_id",
        "period_id",
        "before",
        "after",
    }
    assert entries[0]["action"] == "create" and entries[0]["after"]["member_id"] == world.owner.id


def test_the_formats_help_and_the_tokens_help_are_russian(admin, community):
    imports = text(admin.get(community.page("/properties/import?lang=ru")))
    tokens = text(admin.get("/tokens/?lang=ru"))
    assert "Числа вида <code>1234.5</code>" in imports and "<code>3,85%</code>" in imports
    assert "Передавайте токен как <code>Authorization: Bearer <token></code>" in tokens


def test_the_late_fee_setting_keeps_its_percent_sign_in_both_languages(admin, community):
    assert "Late fee, % of the overdue debt per period (0 = off)" in text(
        admin.get(community.page("/settings/"))
    )
    assert "Пени, % от просроченного долга за период (0 — не начислять)" in text(
        admin.get(community.page("/settings/?lang=ru"))
    )
