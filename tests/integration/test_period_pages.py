"""The period pages (SPEC §6): tabs, inline add/edit/void over htmx, the readings grid, what
owners see, closed periods, and the audit log.

The world, built through the API: Olga Owner holds Plot 1 (weight 1), the admin Plot 2
(weight 3). In "2026 Q1" Olga pays in 1250.00, the fund pays a 300.00 Security invoice
(budget 400.00, proportional: Olga 75.00, Ada 225.00) and Olga has a 25.00 key charge:
Olga closes at 1250.00 − 75.00 − 25.00 = 1150.00, Ada at −225.00, fund cash 950.00.
"""

import re

import pytest
from conftest import login
from sqlalchemy import select

from app.extensions import db
from app.models import Period
from app.tenancy import community_scope

HTMX = {"HX-Request": "true"}
DAY = "2026-02-10"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _rows(html, kind) -> list[str]:
    return re.findall(rf'<tr id="{kind}-\d+">.*?</tr>', html, re.S)


class World:
    def __init__(self, community, owner):
        self.community, self.owner = community, owner
        self.api, self.url = community.api, community.url
        self.plot1 = self.post("/properties", label="Plot 1", share_weight="1", owner_member_id=owner.id)[
            "id"
        ]
        self.plot2 = self.post(
            "/properties", label="Plot 2", share_weight="3", owner_member_id=community.admin_member_id
        )["id"]
        self.period = self.post("/periods", name="2026 Q1", start_date="2026-01-01", end_date="2026-03-31")[
            "id"
        ]
        self.contribution = self.record(
            "contributions", member_id=owner.id, amount="1250.00", date="2026-01-15", comment="Q1 dues"
        )
        self.expense = self.record(
            "expenses", amount="300.00", date="2026-01-20", payment_type="Security", vendor="Guard Co"
        )
        self.item = self.record(
            "budget-items", payment_type="Security", budgeted_cost="400.00", strategy="proportional"
        )
        self.charge = self.record(
            "charges", member_id=owner.id, amount="25.00", date="2026-02-01", description="Gate key"
        )

    def post(self, path, **json):
        response = self.api.post(self.url(path), json=json)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def record(self, path, **json):
        return self.post(f"/periods/{self.period}/{path}", **json)["id"]

    def page(self, path=""):
        return self.community.page(f"/periods/{self.period}{path}")


@pytest.fixture
def world(community, owner):
    return World(community, owner)


@pytest.fixture
def admin(client, community, world):
    login(client, "admin@example.org")
    return client


@pytest.fixture
def owner_client(app, world):
    client = app.test_client()
    login(client, "owner@example.org")
    return client


def _close(app, community, period_id):
    with app.app_context(), community_scope(community.id):
        db.session.execute(select(Period).where(Period.id == period_id)).scalar_one().status = "closed"
        db.session.commit()


# --- the list and the page ------------------------------------------------------------------


def test_periods_list_shows_the_period_and_htmx_creates_another(admin, community, world):
    page = _text(admin.get(community.page("/periods/")))
    assert re.search(
        r'<a href="/c/maple/periods/\d+/">2026 Q1</a></td>\s*<td>Jan 1, 2026</td>\s*'
        r'<td>Mar 31, 2026</td>\s*<td><strong class="status status-open">open</strong>',
        page,
    )

    response = admin.post(
        community.page("/periods/"),
        headers=HTMX,
        data={"name": "2026 Q2", "start_date": "2026-04-01", "end_date": "2026-06-30"},
    )

    assert response.status_code == 200
    html = _text(response)
    assert html.lstrip().startswith('<section id="periods-section">')
    assert len(_rows(html, "period")) == 2 and ">2026 Q2</a>" in html


def test_an_overlapping_period_is_422_with_the_error_at_the_field(admin, community, world):
    response = admin.post(
        community.page("/periods/"),
        headers=HTMX,
        data={"name": "Overlap", "start_date": "2026-03-01", "end_date": "2026-04-30"},
    )

    assert response.status_code == 422
    assert re.search(
        r'id="start_date"[^>]*>\s*<span id="start_date-errors">\s*<small '
        r'class="field-error">Overlaps “2026 Q1” \(Jan 1, 2026 – Mar 31, 2026\)\.</small>',
        _text(response),
    )


@pytest.mark.parametrize(
    ("tab", "expected"),
    [
        (
            "/",
            [
                r"<td>Jan 15, 2026</td>\s*<td>Olga Owner</td>\s*<td class=\"amount\">€1,250.00</td>\s*"
                r"<td>Q1 dues</td>",
                r'id="contributions-total">€1,250.00<',
            ],
        ),
        (
            "/expenses",
            [
                r"<td>Security</td>\s*<td>Guard Co</td>\s*<td></td>\s*<td>Fund</td>\s*"
                r"<td>Security</td>\s*<td class=\"amount\">€300.00</td>",
                r'id="expenses-total">€300.00<',
            ],
        ),
        (
            "/budget",
            [
                r"<td>Security</td>\s*<td>split by share</td>\s*<td class=\"amount\"></td>\s*"
                r"<td class=\"amount\">€400.00</td>\s*<td class=\"amount\">€300.00</td>\s*"
                r"<td class=\"amount\"><span class=\"amount credit\">€100.00</span></td>\s*"
                r"<td class=\"amount\">€300.00</td>"
            ],
        ),
        (
            "/charges",
            [
                r"<td>Feb 1, 2026</td>\s*<td>Olga Owner</td>\s*<td class=\"amount\">€25.00</td>"
                r"\s*<td>Gate key</td>",
                r'id="charges-total">€25.00<',
            ],
        ),
        (
            "/sheet",
            [
                r"<td>Olga Owner</td>\s*<td class=\"amount\"><span class=\"amount \">€0.00</span>"
                r"</td>\s*<td class=\"amount\">€1,250.00</td>\s*<td class=\"amount\">€0.00</td>\s*"
                r"<td class=\"amount\">€75.00</td>\s*<td class=\"amount\">€0.00</td>\s*"
                r"<td class=\"amount\">€25.00</td>\s*<td class=\"amount\">€0.00</td>\s*"
                r"<td class=\"amount\"><span class=\"amount \">€0.00</span></td>\s*"
                r"<td class=\"amount\"><span class=\"amount credit\">€1,150.00</span>",
                r"<td>Ada Admin</td>.*?<span class=\"amount debt\">-€225.00</span>",
                r'id="fund-cash"><span class="amount credit">€950.00</span>',
                r">provisional<",
            ],
        ),
    ],
)
def test_each_tab_shows_the_recorded_data(admin, world, tab, expected):
    response = admin.get(world.page(tab))

    assert response.status_code == 200
    html = _text(response)
    assert "<h1>2026 Q1</h1>" in html
    for pattern in expected:
        assert re.search(pattern, html, re.S), pattern


def test_a_tab_link_over_htmx_answers_only_the_tab_region(admin, world):
    response = admin.get(world.page("/charges"), headers=HTMX)

    html = _text(response)
    assert html.lstrip().startswith('<div id="period-tab">')
    assert "<html" not in html and "<h1>" not in html
    assert re.search(r'href="/c/maple/periods/\d+/charges"[^>]*aria-current="page">Charges</a>', html)
    assert response.headers["Vary"].startswith("HX-Request")


def test_the_balance_sheet_downloads_as_csv(admin, world):
    response = admin.get(world.page("/sheet.csv"))

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert _text(response).splitlines() == [
        "Member,Opening,Contributions,Paid expenses,Allocated,Usage,Service charges,Payouts,"
        "Adjustments,Closing",
        "Ada Admin,0.00,0.00,0.00,225.00,0.00,0.00,0.00,0.00,-225.00",
        "Olga Owner,0.00,1250.00,0.00,75.00,0.00,25.00,0.00,0.00,1150.00",
        "Total,0.00,1250.00,0.00,300.00,0.00,25.00,0.00,0.00,925.00",
    ]


def test_the_balance_sheet_csv_from_a_russian_page_is_what_russian_excel_opens(admin, world):
    """In Russian: a BOM, ";" between cells, decimal commas, the columns and the total line in
    words; the API's CSV of the same sheet keeps its keys, commas and dots."""
    body = admin.get(world.page("/sheet.csv") + "?lang=ru").get_data(as_text=True)

    assert body.startswith("\ufeff")
    assert body[1:].splitlines() == [
        "Член товарищества;Входящее сальдо;Взносы;Оплаченные расходы;Доля расходов;"
        "По счётчику;Начисления;Выплаты;Корректировки;Исходящее сальдо",
        "Ada Admin;0,00;0,00;0,00;225,00;0,00;0,00;0,00;0,00;-225,00",
        "Olga Owner;0,00;1250,00;0,00;75,00;0,00;25,00;0,00;0,00;1150,00",
        "Итого;0,00;1250,00;0,00;300,00;0,00;25,00;0,00;0,00;925,00",
    ]
    api = world.api.get(
        world.url(f"/periods/{world.period}/balance-sheet?format=csv"), headers={"Accept-Language": "ru"}
    ).get_data(as_text=True)
    assert api.splitlines()[0].startswith("member_id,name,opening,")
    assert api.splitlines()[-1] == ",Total,0.00,1250.00,0.00,300.00,0.00,25.00,0.00,0.00,925.00"


# --- htmx entry work ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "section", "kind", "data", "row", "total"),
    [
        (
            "/contributions",
            "contributions",
            "contribution",
            {"member_id": "{owner}", "amount": "40", "date": DAY, "comment": "Extra"},
            r"<td>Feb 10, 2026</td>\s*<td>Olga Owner</td>\s*<td class=\"amount\">€40.00</td>\s*<td>Extra</td>",  # noqa: E501
            r'id="contributions-total">€1,290.00<',
        ),
        (
            "/expenses",
            "expenses",
            "expense",
            {
                "amount": "12.50",
                "date": DAY,
                "payment_type": "Snow removal",
                "vendor": "Plow",
                "paid_by_member_id": "{owner}",
            },
            r"<td>Snow removal</td>\s*<td>Plow</td>\s*<td></td>\s*<td>Olga Owner</td>\s*"
            r"<td><mark class=\"unassigned\">unassigned</mark></td>\s*<td class=\"amount\">€12.50</td>",
            r'id="expenses-total">€312.50<',
        ),
        (
            "/charges",
            "charges",
            "charge",
            {"member_id": "{owner}", "amount": "5.00", "date": DAY, "description": "Late fee"},
            r"<td>Olga Owner</td>\s*<td class=\"amount\">€5.00</td>\s*<td>Late fee</td>",
            r'id="charges-total">€30.00<',
        ),
        (
            "/budget",
            "budget",
            "budget-item",
            {"payment_type": "Water", "budgeted_cost": "80", "strategy": "usage_based", "unit_rate": "1.5"},
            r"<td>Water</td>\s*<td>by tariff</td>\s*<td class=\"amount\">1.5</td>\s*"
            r"<td class=\"amount\">€80.00</td>",
            r'id="budget-total-budgeted">€480.00<',
        ),
    ],
)
def test_htmx_add_answers_the_section_with_the_new_row_and_total(
    admin, world, path, section, kind, data, row, total
):
    data = {k: v.format(owner=world.owner.id) for k, v in data.items()}

    response = admin.post(world.page(path), headers=HTMX, data=data)

    assert response.status_code == 200, _text(response)[:2000]
    html = _text(response)
    assert html.lstrip().startswith(f'<section id="{section}-section"')
    assert len([r for r in _rows(html, kind) if re.search(row, r)]) == 1
    assert re.search(total, html)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("12.345", "Enter an amount with at most two decimals."),
        ("-5", "Enter an amount greater than zero."),
    ],
)
def test_an_invalid_amount_is_422_with_the_message_at_the_field(admin, world, amount, message):
    response = admin.post(
        world.page("/contributions"),
        headers=HTMX,
        data={"member_id": str(world.owner.id), "amount": amount, "date": DAY},
    )
    assert response.status_code == 422
    assert re.search(
        rf'aria-invalid="true"[^>]*name="amount"[^>]*>\s*<span id="amount-errors">'
        rf'\s*<small class="field-error">{re.escape(message)}</small>',
        _text(response),
    )
    assert len(_rows(_text(response), "contribution")) == 1


def test_a_date_outside_the_period_is_422_at_the_date_field(admin, world):
    response = admin.post(
        world.page("/charges"),
        headers=HTMX,
        data={"member_id": str(world.owner.id), "amount": "5", "date": "2026-04-01", "description": "Late"},
    )

    assert response.status_code == 422
    assert (
        '<small class="field-error">The date must be within the period (Jan 1, 2026 – Mar 31, 2026).</small>'
    ) in _text(response)


def test_a_plain_post_redirects_to_the_tab(admin, world):
    response = admin.post(
        world.page("/charges"),
        data={"member_id": str(world.owner.id), "amount": "5", "date": DAY, "description": "Late"},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == world.page("/charges")


def test_inline_edit_saves_and_updates_the_total(admin, world):
    edit = admin.get(world.page(f"/contributions/{world.contribution}/edit"), headers=HTMX)
    assert re.search(rf'<tr id="contribution-{world.contribution}" class="editing">', _text(edit))
    assert f'form="edit-contribution-{world.contribution}"' in _text(edit)

    response = admin.post(
        world.page(f"/contributions/{world.contribution}"),
        headers=HTMX,
        data={"member_id": str(world.owner.id), "amount": "1300", "date": "2026-01-15", "comment": "Q1 dues"},
    )

    assert response.status_code == 200
    assert re.search(r'id="contributions-total">€1,300.00<', _text(response))
    assert 'class="editing"' not in _text(response)


def test_an_invalid_edit_keeps_the_edit_row_with_its_error(admin, world):
    response = admin.post(
        world.page(f"/expenses/{world.expense}"),
        headers=HTMX,
        data={"amount": "abc", "date": "2026-01-20", "payment_type": "Security"},
    )

    assert response.status_code == 422
    row = re.search(
        rf'<tr id="expense-{world.expense}" class="editing">.*?</tr>', _text(response), re.S
    ).group(0)
    assert '<small class="field-error">Enter a number, like 1250.50.</small>' in row


def test_void_removes_the_row(admin, world):
    response = admin.post(world.page(f"/charges/{world.charge}/void"), headers=HTMX)

    assert response.status_code == 200
    assert _rows(_text(response), "charge") == []
    assert 'id="charges-total">€0.00<' in _text(response)


def test_voiding_a_budget_item_with_readings_is_a_409_not_a_500(admin, world):
    water = world.record(
        "budget-items", payment_type="Water", budgeted_cost="80", strategy="usage_based", unit_rate="1.5"
    )
    world.record("readings", property_id=world.plot1, budget_item_id=water, end_reading="3")

    response = admin.post(world.page(f"/budget/{water}/void"), headers=HTMX)

    assert response.status_code == 409
    assert "This budget item has meter readings; void them first." in _text(response)
    assert response.headers["HX-Refresh"] == "true"


# --- the readings grid ----------------------------------------------------------------------


def test_the_readings_grid_saves_two_readings_with_consumption_and_tariff(admin, world):
    water = world.record(
        "budget-items", payment_type="Water", budgeted_cost="80", strategy="usage_based", unit_rate="1.5"
    )

    response = admin.post(
        world.page(f"/readings?item={water}"),
        headers=HTMX,
        data={
            "budget_item_id": str(water),
            f"end-{world.plot1}": "12.345",
            f"start-{world.plot2}": "2",
            f"end-{world.plot2}": "10",
        },
    )

    assert response.status_code == 200, _text(response)[:2000]
    html = _text(response)
    assert "Saved 2 readings." in html
    cell = r'<td class="amount" id="reading-\w+-\d+">'
    assert re.search(
        rf"<td>Plot 1</td>\s*<td>Olga Owner</td>.*?{cell}12.345</td>\s*"
        rf"{cell}€18.52</td>",
        html,
        re.S,
    )
    assert re.search(
        rf"<td>Plot 2</td>\s*<td>Ada Admin</td>.*?{cell}8</td>\s*"
        rf"{cell}€12.00</td>",
        html,
        re.S,
    )
    assert 'id="readings-total-cost">€30.52<' in html
    readings = world.api.get(world.url(f"/periods/{world.period}/readings")).get_json()
    assert [(r["start_reading"], r["end_reading"]) for r in readings] == [("0", "12.345"), ("2", "10")]


def test_a_bad_row_in_the_grid_saves_nothing_and_shows_its_error(admin, world):
    water = world.record("budget-items", payment_type="Water", budgeted_cost="80", strategy="usage_based")

    response = admin.post(
        world.page(f"/readings?item={water}"),
        headers=HTMX,
        data={
            "budget_item_id": str(water),
            f"end-{world.plot1}": "4",
            f"start-{world.plot2}": "9",
            f"end-{world.plot2}": "3",
        },
    )

    assert response.status_code == 422
    html = _text(response)
    assert "Nothing was saved: correct the marked rows." in html
    row = re.search(rf'<tr id="reading-row-{world.plot2}">.*?</tr>', html, re.S).group(0)
    assert "The end reading must not be below the start reading (9)." in row
    assert world.api.get(world.url(f"/periods/{world.period}/readings")).get_json() == []


def test_the_grid_previews_consumption_and_cost_as_typed_without_saving(admin, world):
    water = world.record(
        "budget-items", payment_type="Water", budgeted_cost="80", strategy="usage_based", unit_rate="1.5"
    )

    response = admin.post(
        world.page("/readings/preview"),
        headers=HTMX,
        data={
            "budget_item_id": str(water),
            f"start-{world.plot1}": "0",
            f"end-{world.plot1}": "12.345",
            f"start-{world.plot2}": "9",
            f"end-{world.plot2}": "3",
        },
    )

    assert response.status_code == 200
    html = _text(response)
    assert f'<span id="reading-consumption-{world.plot1}" hx-swap-oob="innerHTML">12.345</span>' in html
    assert f'<span id="reading-cost-{world.plot1}" hx-swap-oob="innerHTML">€18.52</span>' in html
    # an end below the start has no consumption yet (saving it shows the error)
    assert f'<span id="reading-cost-{world.plot2}" hx-swap-oob="innerHTML"></span>' in html
    assert '<span id="readings-total-cost" hx-swap-oob="innerHTML">€18.52</span>' in html
    assert world.api.get(world.url(f"/periods/{world.period}/readings")).get_json() == []


def test_the_preview_splits_the_expenses_by_consumption_without_a_rate(admin, world):
    power = world.record("budget-items", payment_type="Power", budgeted_cost="80", strategy="usage_based")
    world.record("expenses", amount="100.00", date=DAY, payment_type="Power")

    html = _text(
        admin.post(
            world.page("/readings/preview"),
            headers=HTMX,
            data={
                "budget_item_id": str(power),
                f"start-{world.plot1}": "1",
                f"end-{world.plot1}": "2",
                f"start-{world.plot2}": "0",
                f"end-{world.plot2}": "2",
            },
        )
    )

    assert f'<span id="reading-cost-{world.plot1}" hx-swap-oob="innerHTML">€33.33</span>' in html
    assert f'<span id="reading-cost-{world.plot2}" hx-swap-oob="innerHTML">€66.67</span>' in html


def test_the_preview_of_another_communitys_period_is_404(client, world, other_community):
    login(client, "birch@example.org")
    response = client.post(
        world.page("/readings/preview").replace("/c/maple/", "/c/birch/"),
        headers=HTMX,
        data={"budget_item_id": "1"},
    )

    assert response.status_code == 404


# --- owners ---------------------------------------------------------------------------------


def test_owner_sees_only_their_own_contributions_and_no_forms(owner_client, world):
    world.record("contributions", member_id=world.community.admin_member_id, amount="99.00", date=DAY)

    html = _text(owner_client.get(world.page("/")))

    assert [re.search(r"<td>Olga Owner</td>", r) is not None for r in _rows(html, "contribution")] == [True]
    assert "€99.00" not in html
    assert "<form" not in html.split('<div id="period-tab">')[1]
    assert "Rename" not in html


@pytest.mark.parametrize(
    "tab, message",
    [
        ("/sheet", "This community shows owners only their own balance."),
        ("/readings", "Meter readings are shown to admins."),
    ],
)
def test_owner_is_pointed_to_their_statement(owner_client, world, tab, message):
    assert message in _text(owner_client.get(world.page(tab)))


@pytest.mark.parametrize(
    "path", ["/contributions", "/budget", "/readings", "/readings/preview", "/name", "/charges/{charge}/void"]
)
def test_owner_posts_are_403(owner_client, world, path):
    response = owner_client.post(
        world.page(path.format(charge=world.charge)), headers=HTMX, data={"amount": "1"}
    )

    assert response.status_code == 403


# --- closed periods -------------------------------------------------------------------------


def test_a_closed_period_shows_no_forms_and_refuses_writes_with_409(app, admin, world):
    _close(app, world.community, world.period)

    page = _text(admin.get(world.page("/")))
    assert "This period is closed; reopen it to make corrections." in page
    assert 'action="/c/maple/periods/' + str(world.period) + '/contributions"' not in page
    assert "Reopen period" in page

    data = {"member_id": str(world.owner.id), "amount": "5", "date": DAY}
    htmx = admin.post(world.page("/contributions"), headers=HTMX, data=data)
    plain = admin.post(world.page(f"/contributions/{world.contribution}/void"))

    assert (htmx.status_code, plain.status_code) == (409, 409)
    assert "“2026 Q1” is closed; reopen it to change its records." in _text(htmx)
    assert "“2026 Q1” is closed; reopen it to change its records." in _text(plain)
    assert len(_rows(_text(plain), "contribution")) == 1


def _oob(html, element_id) -> str:
    """The element sent out of band with that id (its whole outer HTML), or ''."""
    match = re.search(rf'<(\w+) id="{element_id}"[^>]*hx-swap-oob="true"[^>]*>', html)
    if not match:
        return ""
    tag, depth, at = match.group(1), 0, match.start()
    for found in re.finditer(rf"<{tag}\b|</{tag}>", html[at:]):
        depth += -1 if found.group(0).startswith("</") else 1
        if depth == 0:
            return html[at : at + found.end()]
    return html[at:]


def test_a_close_ending_on_the_period_page_brings_every_part_up_to_date(admin, world):
    """The close posted from the expenses tab (eager: done at once): the title, the close
    control, the actions (Reopen), the open tab (no forms) and the preview area all come out
    of band, so the page is the closed period's without a reload."""
    response = admin.post(
        world.page("/close"), headers={**HTMX, "HX-Current-URL": "http://localhost" + world.page("/expenses")}
    )

    html = _text(response)
    assert response.status_code == 200
    assert "Closed." in html
    assert "closed" in _oob(html, "period-title")
    assert "Close period" not in _oob(html, "close-control")
    actions = _oob(html, "period-actions")
    assert "Reopen period" in actions and "Rename" in actions
    tab = _oob(html, "period-tab")
    assert 'aria-current="page">Expenses<' in tab and "Guard Co" in tab
    assert "This period is closed; reopen it to make corrections." in tab
    assert "<form" not in tab.split("</nav>", 1)[1]  # no add, edit or void
    assert _oob(html, "correction-preview-area").count("correction-preview-slot") == 0


def test_a_close_polled_from_the_job_page_sends_nothing_out_of_band(admin, world):
    response = admin.post(
        world.page("/close"), headers={**HTMX, "HX-Current-URL": "http://localhost/c/maple/jobs/1"}
    )
    assert "hx-swap-oob" not in _text(response)


def test_a_period_page_loaded_while_its_close_runs_keeps_polling(admin, world, monkeypatch):
    import app.tasks

    monkeypatch.setattr(app.tasks.close_period, "delay", lambda *args: None)
    assert admin.post(world.page("/close")).status_code == 302  # queued, never run

    page = _text(admin.get(world.page("/expenses")))

    job = re.search(
        r'<div id="job-(\d+)" class="job"\s+hx-get="(/c/maple/jobs/\d+)" '
        r'hx-trigger="every 1s"',
        page,
    )
    assert job, page
    assert "Closing… 0% (queued)" in page
    assert "Close period" not in page
    polled = _text(
        admin.get(
            job.group(2), headers={**HTMX, "HX-Current-URL": "http://localhost" + world.page("/expenses")}
        )
    )
    assert 'hx-trigger="every 1s"' in polled
    assert _oob(polled, "period-tab") == ""  # the tab is left alone while the job runs


def test_reopen_opens_the_period_again(app, admin, world):
    _close(app, world.community, world.period)

    response = admin.post(world.page("/reopen"), headers=HTMX)

    assert response.headers["HX-Redirect"] == world.page("/")
    assert world.api.get(world.url(f"/periods/{world.period}")).get_json()["status"] == "open"


def test_rename_over_htmx_answers_the_header(admin, world):
    response = admin.post(world.page("/name"), headers=HTMX, data={"name": "Winter 2026"})

    assert response.status_code == 200
    assert _text(response).lstrip().startswith('<header id="period-header">')
    assert "<h1>Winter 2026</h1>" in _text(response)


# --- the audit log --------------------------------------------------------------------------


def test_the_audit_log_lists_changes_and_filters_by_entity(admin, community, world):
    admin.post(
        world.page(f"/contributions/{world.contribution}"),
        data={"member_id": str(world.owner.id), "amount": "1300", "date": "2026-01-15", "comment": "Q1 dues"},
    )

    everything = _text(admin.get(community.page("/audit/")))
    contributions = _text(admin.get(community.page("/audit/?entity=contribution")))

    # In words: who, what was done, to whom, the period, and the amounts as money.
    assert re.search(
        r"<td>Ada Admin</td>\s*<td>edited a contribution</td>\s*<td>Olga Owner</td>\s*"
        r"<td>2026 Q1</td>\s*<td><ul class=\"audit-changes\">\s*<li>amount: "
        r"<del>€1,250.00</del> → <ins>€1,300.00</ins></li>\s*</ul>",
        everything,
    )
    assert "<td>added a budget item</td>" in everything
    assert "<td>created the period</td>" in everything
    actions = re.findall(r"<td>(added|edited|voided) a contribution</td>", contributions)
    assert actions == ["edited", "added"]
    assert "<td>added a budget item</td>" not in contributions


def test_owner_cannot_read_the_audit_log(owner_client, community):
    assert owner_client.get(community.page("/audit/")).status_code == 403


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/periods/{period}/readings?item=²", 404),
        ("/periods/{period}/contributions?edit=99999999999999999999", 404),
        ("/audit/?period_id=²", 200),
        ("/audit/?period_id=99999999999999999999", 200),
    ],
)
def test_odd_query_values_are_never_a_500(admin, community, world, path, status):
    assert admin.get(community.page(path.format(period=world.period))).status_code == status
