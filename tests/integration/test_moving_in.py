"""A Russian garden cooperative moves in (the "real community moves in" issue, done when):
the treasurer signs up, imports 60 plots from a Windows-1251 spreadsheet with Russian headers
and decimal commas, imports last quarter's payments, enters the old books' balances as
adjustments, pays back a member's out-of-pocket expense, closes the quarter and starts the
next one from it — and every balance is right to the cent, computed here by hand.

The numbers are chosen so the hand arithmetic is plain: plot i weighs 5, 10 or 15 (i mod 3),
600 in all, so 12 000,00 of membership dues split at exactly 20,00 per unit of area; the guard
(6 000,00, an equal fee) is 100,00 per plot.
"""

import io

from conftest import signup

from tests.conftest import Api
from tests.helpers import ok

PLOTS = 60


def weight(i: int) -> int:
    return 5 + (i % 3) * 5


def upload(api, path, text: str):
    return api.post(
        path,
        data={"file": (io.BytesIO(text.encode("cp1251")), "файл.csv")},
        content_type="multipart/form-data",
    )


def test_a_garden_cooperative_moves_in_and_every_balance_is_right(client):
    created = signup(
        client,
        slug="snt-romashka",
        email="kaznachei@example.org",
        name="Казначей Ольга",
        community_name="СНТ «Ромашка»",
    )
    api, c = Api(client, created["token"]), "/api/c/snt-romashka"
    ok(api.patch(f"{c}/settings", json={"currency": "RUB"}))

    # 60 plots with their owners; most owners will never log in (no email).
    rows = ["Участок;Площадь, сотки;Владелец;Email;Активен"]
    for i in range(1, PLOTS + 1):
        email = f"plot{i}@example.org" if i <= 3 else ""
        rows.append(f"Участок {i};{weight(i)},00;Владелец {i};{email};да")
    plots = ok(upload(api, f"{c}/imports/properties", "\r\n".join(rows) + "\r\n"), 201)
    assert (plots["created"], plots["updated"]) == (PLOTS, 0)
    members = {m["name"]: m["id"] for m in ok(api.get(f"{c}/members"))}
    owner = {i: members[f"Владелец {i}"] for i in range(1, PLOTS + 1)}

    q1 = ok(
        api.post(
            f"{c}/periods",
            json={"name": "2026 I квартал", "start_date": "2026-01-01", "end_date": "2026-03-31"},
        ),
        201,
    )
    p = f"{c}/periods/{q1['id']}"
    ok(
        api.post(
            f"{p}/budget-items",
            json={"payment_type": "Членские взносы", "budgeted_cost": "12000.00", "strategy": "proportional"},
        ),
        201,
    )
    ok(
        api.post(
            f"{p}/budget-items",
            json={"payment_type": "Охрана", "budgeted_cost": "6000.00", "strategy": "fixed_fee"},
        ),
        201,
    )

    # Last quarter's payments, as the bank's spreadsheet had them: every plot paid 300,00,
    # plot 2 paid 1 000,50, plot 60 paid nothing.
    payments = ["Дата;Сумма;Участок;Комментарий"]
    for i in range(1, PLOTS):
        amount = "1 000,50" if i == 2 else "300,00"
        payments.append(f"{(i % 28) + 1:02d}.02.2026;{amount};Участок {i};взнос за I кв.")
    paid = ok(upload(api, f"{p}/imports/contributions", "\n".join(payments) + "\n"), 201)
    assert paid["created"] == PLOTS - 1

    # The old books: plot 1 owed 250,00, plot 2 was 100,00 ahead.
    for i, amount, reason in (
        (1, "-250.00", "Долг по старой тетради"),
        (2, "100.00", "Переплата по старой тетради"),
    ):
        ok(
            api.post(
                f"{p}/adjustments",
                json={"member_id": owner[i], "amount": amount, "date": "2026-01-01", "reason": reason},
            ),
            201,
        )
    # The dues are paid from the fund; the owner of plot 3 paid the guard out of pocket and
    # the fund pays them back.
    ok(
        api.post(
            f"{p}/expenses",
            json={
                "amount": "12000.00",
                "date": "2026-03-20",
                "payment_type": "Членские взносы",
                "vendor": "Правление",
            },
        ),
        201,
    )
    ok(
        api.post(
            f"{p}/expenses",
            json={
                "amount": "6000.00",
                "date": "2026-03-10",
                "payment_type": "Охрана",
                "vendor": "ЧОП «Щит»",
                "paid_by_member_id": owner[3],
            },
        ),
        201,
    )
    ok(
        api.post(
            f"{p}/payouts",
            json={
                "member_id": owner[3],
                "amount": "6000.00",
                "date": "2026-03-25",
                "comment": "Возврат за охрану",
            },
        ),
        201,
    )

    ok(api.post(f"{p}/close"), 202)
    sheet = ok(api.get(f"{p}/balance-sheet"))
    assert sheet["period"]["status"] == "closed" and sheet["provisional"] is False
    rows_by_member = {r["member_id"]: r for r in sheet["rows"]}
    assert len(rows_by_member) == PLOTS  # every owner; the treasurer holds no plot and no money

    def expected_closing(i: int) -> str:
        cents = {2: 100050, PLOTS: 0}.get(i, 30000)  # paid in
        cents -= weight(i) * 2000 + 10000  # dues share and the guard fee
        cents += {1: -25000, 2: 10000}.get(i, 0)  # the old books
        # plot 3: + 6 000,00 out of pocket − 6 000,00 paid back = 0
        sign, cents = ("-", -cents) if cents < 0 else ("", cents)
        return f"{sign}{cents // 100}.{cents % 100:02d}"

    for i in range(1, PLOTS + 1):
        assert rows_by_member[owner[i]]["closing"] == expected_closing(i), i
    assert rows_by_member[owner[1]]["closing"] == "-250.00"
    assert rows_by_member[owner[2]]["closing"] == "700.50"
    assert (
        rows_by_member[owner[3]]["paid_expenses"],
        rows_by_member[owner[3]]["payouts"],
        rows_by_member[owner[3]]["closing"],
    ) == ("6000.00", "6000.00", "100.00")
    assert rows_by_member[owner[PLOTS]]["closing"] == "-200.00"
    # paid in 17 400,00 + 1 000,50; out: the dues 12 000,00 and the payback 6 000,00
    assert sheet["fund"]["cash"] == "400.50"
    assert sheet["totals"]["adjustments"] == "-150.00"

    # The next quarter starts from this one: its budget, and everyone's balance carried over.
    q2 = ok(
        api.post(
            f"{c}/periods",
            json={
                "name": "2026 II квартал",
                "start_date": "2026-04-01",
                "end_date": "2026-06-30",
                "copy_budget_from": q1["id"],
            },
        ),
        201,
    )
    budget = ok(api.get(f"{c}/periods/{q2['id']}/budget-items"))
    assert sorted((b["payment_type"], b["budgeted_cost"], b["strategy"]) for b in budget) == [
        ("Охрана", "6000.00", "fixed_fee"),
        ("Членские взносы", "12000.00", "proportional"),
    ]
    next_sheet = ok(api.get(f"{c}/periods/{q2['id']}/balance-sheet"))
    openings = {r["member_id"]: r["opening"] for r in next_sheet["rows"]}
    assert openings[owner[1]] == "-250.00"
    assert openings[owner[2]] == "700.50"
    assert openings[owner[PLOTS]] == "-200.00"
