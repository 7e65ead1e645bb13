"""The bank import pages in Russian (issue 12): upload, review, fix, confirm and a refused
file read in the treasurer's words, with dates as 10.01.2026 and money as 1 500,00."""

import re

from tests.conftest import login
from tests.integration.test_bank_import_pages import upload_page
from tests.integration.test_bank_imports import STATEMENT, World
from tests.integration.test_period_pages_ru import visible_text
from tests.integration.test_records_api import ok


def test_the_bank_import_pages_speak_russian(client, community):
    world = World(community)
    login(client, "admin@example.org")
    page = visible_text(client.get(community.page("/bank-imports") + "?lang=ru"))
    assert "Банковские выписки" in page and "Прочитать выписку" in page
    assert "Какие файлы подходят?" in page
    assert "Upload the bank statement" not in page

    response = upload_page(client, world, STATEMENT)
    review_url = response.headers["Location"]
    page = visible_text(client.get(review_url))
    assert "7 строк: 3 сопоставлены, 4 не сопоставлены." in page
    assert "Контрагент и назначение" in page and "Записать сопоставленные строки" in page
    assert "10.01.2026" in page and "1 500,00" in page
    assert "2025 Q4 (закрыт)" in page and "вне периодов" in page
    for english in ("matched", "unmatched", "no period", "closed", "Skip", "2026-01-10"):
        assert not re.search(rf"\b{english}\b", page), english

    import_id = review_url.rsplit("/", 1)[-1]
    lines = ok(world.api.get(world.url(f"/bank-imports/{import_id}")))["lines"]
    row = client.post(
        f"{review_url}/lines/{lines[2]['id']}",
        data={"payment_type": "x" * 81},
        headers={"HX-Request": "true"},
    )
    assert row.status_code == 422
    assert (
        "сопоставлена Значение не должно содержать более 80 символов. Сохранить "
        "Пропустить" in visible_text(row)
    )

    done = visible_text(client.post(f"{review_url}/confirm", follow_redirects=True))
    assert "Из выписки записаны 3 строки." in done
    assert "3 записаны" in done
    again = visible_text(client.post(f"{review_url}/confirm", follow_redirects=True))
    assert "Новых строк для записи нет." in again


def test_a_refused_statement_says_why_in_russian(client, community):
    world = World(community)
    login(client, "admin@example.org")
    client.get(community.page("/bank-imports") + "?lang=ru")
    response = upload_page(client, world, b"date,amount,counterparty\n2026-99-01,0,X\n")
    page = client.get(response.headers["Location"])
    assert page.status_code == 422
    text = visible_text(page)
    assert "Выписку не удалось прочитать." in text
    assert "1 строку не удалось прочитать; ничего не загружено. Строка 2:" in text
    assert "Сумма равна нулю." in text
    assert "Прочитать другой файл" in text
