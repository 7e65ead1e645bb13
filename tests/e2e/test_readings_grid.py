"""An admin reads the water meters: the readings grid, its tariff costs, the balance sheet.

The community is built through the JSON API of the live server (the admin's bearer token);
the admin enters the readings in the browser. Selectors are what a person reads.

    Olga Owner  Flat 1;  Bea Brown  Flat 2
    Q1 2026     Water, usage based, tariff 1.25 per unit
                Flat 1  100     → 110.5     consumption 10.5    × 1.25 = 13.125   → 13.13
                Flat 2  2000.125 → 2023.582  consumption 23.457  × 1.25 = 29.32125 → 29.32
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency
from playwright.sync_api import expect

from tests.e2e.live import LiveCommunity, log_in

RATE = Decimal("1.25")
READINGS = {  # property: (owner, start, end)
    "Flat 1": ("Olga Owner", "100", "110.5"),
    "Flat 2": ("Bea Brown", "2000.125", "2023.582"),
}


def build(base, slug):
    community = LiveCommunity(base, slug, "Birch Mews")
    post = community.post

    olga = post("/members", name="Olga Owner", email=f"olga@{slug}.example", role="owner")
    bea = post("/members", name="Bea Brown", email=f"bea@{slug}.example", role="owner")
    post("/properties", label="Flat 1", share_weight="1", owner_member_id=olga["id"])
    post("/properties", label="Flat 2", share_weight="1", owner_member_id=bea["id"])
    q1 = post("/periods", name="Q1", start_date="2026-01-01", end_date="2026-03-31")["id"]
    post(
        f"/periods/{q1}/budget-items",
        payment_type="Water",
        strategy="usage_based",
        budgeted_cost="50.00",
        unit_rate=str(RATE),
    )
    return f"ada@{slug}.example", q1


def euros(amount: Decimal) -> str:
    return format_currency(amount, "EUR", locale="en")


def tariff(start: str, end: str) -> Decimal:
    """Round half up to the cent of consumption × rate, as the spec says."""
    return ((Decimal(end) - Decimal(start)) * RATE).quantize(Decimal("0.01"), ROUND_HALF_UP)


def column(table, name: str) -> int:
    headers = [h.strip() for h in table.get_by_role("columnheader").all_inner_texts()]
    return headers.index(name)


def test_admin_enters_readings_and_sees_usage_charges(live_server, page):
    email, period_id = build(live_server, "birch-mews")
    costs = {label: tariff(start, end) for label, (_, start, end) in READINGS.items()}
    assert costs == {"Flat 1": Decimal("13.13"), "Flat 2": Decimal("29.32")}  # half up

    log_in(page, live_server, email)
    page.goto(f"{live_server}/c/birch-mews/periods/{period_id}/")
    tabs = page.get_by_role("navigation", name="Period sections")
    tabs.get_by_role("link", name="Readings").click()

    section = page.get_by_role("region", name="Meter readings")
    expect(section.get_by_label("Budget item")).to_have_value(re.compile(r"\d+"))
    expect(section.get_by_text("Tariff 1.25 per unit")).to_be_visible()
    page.evaluate("window.__levyNoReload = true")

    for label, (owner, start, end) in READINGS.items():
        row = section.get_by_role("row").filter(has_text=label)
        expect(row).to_contain_text(owner)
        row.get_by_label(f"Start reading of {label}").fill(start)
        row.get_by_label(f"End reading of {label}").fill(end)
    section.get_by_role("button", name="Save readings").click()

    expect(section.get_by_role("status")).to_have_text("Saved 2 readings.")
    table = section.get_by_role("table")
    consumption_at, cost_at = column(table, "Consumption"), column(table, "Cost")
    for label, (_, start, end) in READINGS.items():
        cells = table.get_by_role("row").filter(has_text=label).get_by_role("cell")
        consumption = Decimal(end) - Decimal(start)
        expect(cells.nth(consumption_at)).to_have_text(format(consumption.normalize(), "f"))
        expect(cells.nth(cost_at)).to_have_text(euros(costs[label]))
        # What was saved stays in the inputs, to be corrected if need be.
        expect(cells.get_by_label(f"End reading of {label}")).to_have_value(end)
    expect(section.locator("#readings-total-consumption")).to_have_text("33.957")
    expect(section.locator("#readings-total-cost")).to_have_text(euros(sum(costs.values())))
    assert page.evaluate("window.__levyNoReload === true"), "saving the grid reloaded the page"

    # The balance sheet: each member is charged their own meter's tariff cost.
    tabs.get_by_role("link", name="Balance sheet").click()
    sheet = page.get_by_role("region", name="Balance sheet")
    rows = sheet.locator("#sheet-rows")
    expect(rows).to_be_visible()
    usage_at, closing_at = column(rows, "Usage"), column(rows, "Closing")
    for label, (owner, _, _) in READINGS.items():
        cells = rows.get_by_role("row").filter(has_text=owner).get_by_role("cell")
        expect(cells.nth(usage_at)).to_have_text(euros(costs[label]))
        expect(cells.nth(closing_at)).to_have_text(euros(-costs[label]))
        expect(cells.nth(closing_at).locator(".debt")).to_have_count(1)
    totals = rows.locator("#sheet-totals > th, #sheet-totals > td")
    expect(totals.nth(usage_at)).to_have_text("€42.45")
    water = sheet.locator("#sheet-budget").get_by_role("row").filter(has_text="Water")
    expect(water).to_contain_text("by tariff")
    expect(water).to_contain_text("€42.45")  # charged
    assert not page.console_errors, page.console_errors
