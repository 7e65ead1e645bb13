"""The readings grid on a phone: one stacked block per property, a numeric keyboard, and the
consumption and provisional cost shown while typing (by tariff, and split by consumption).

    Flat 1 (Olga), Flat 2 (Bea); Q1 2026
    Water        by tariff 1.25:  Flat 1 100 → 110,5 typed = 10,5 × 1,25 = 13,125 → 13,13 €
    Electricity  by meter, 100.00 spent: Flat 1 1 → 2 (1), Flat 2 0 → 2 (2): 33,33 / 66,67
"""

import re

from playwright.sync_api import expect

from tests.e2e.live import LiveCommunity, log_in


def build(base, slug):
    community = LiveCommunity(base, slug, "Rowan Court")
    post = community.post
    olga = post("/members", name="Olga Owner", email=f"olga@{slug}.example", role="owner")
    bea = post("/members", name="Bea Brown", email=f"bea@{slug}.example", role="owner")
    post("/properties", label="Flat 1", share_weight="1", owner_member_id=olga["id"])
    post("/properties", label="Flat 2", share_weight="1", owner_member_id=bea["id"])
    q1 = post("/periods", name="Q1", start_date="2026-01-01", end_date="2026-03-31")["id"]
    water = post(
        f"/periods/{q1}/budget-items",
        payment_type="Water",
        strategy="usage_based",
        budgeted_cost="50.00",
        unit_rate="1.25",
    )["id"]
    power = post(
        f"/periods/{q1}/budget-items",
        payment_type="Electricity",
        strategy="usage_based",
        budgeted_cost="100.00",
    )["id"]
    post(f"/periods/{q1}/expenses", payment_type="Electricity", amount="100.00", date="2026-01-20")
    return f"ada@{slug}.example", q1, water, power


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), (
        page.url
    )


def test_readings_on_a_phone_show_consumption_and_cost_while_typing(live_server, phone_page):
    page = phone_page
    email, q1, water, power = build(live_server, "rowan-court")
    log_in(page, live_server, email)

    page.goto(f"{live_server}/c/rowan-court/periods/{q1}/readings?item={water}&lang=ru")
    grid = page.locator("#readings-grid")
    flat1 = grid.locator("tbody tr").filter(has_text="Flat 1")
    start, end = flat1.locator("input[name^=start]"), flat1.locator("input[name^=end]")
    expect(start).to_have_attribute("inputmode", "decimal")
    expect(end).to_have_attribute("inputmode", "decimal")
    start.fill("100")
    end.fill("110,5")
    # the decimal filter's format
    expect(flat1.locator("[id^=reading-consumption-]")).to_have_text(re.compile(r"^10[,.]5$"))
    expect(flat1.locator("[id^=reading-cost-]")).to_have_text(re.compile(r"^13,13\s€$"))
    expect(page.locator("#readings-total-cost")).to_have_text(re.compile(r"^13,13\s€$"))
    # One stacked block per property: the inputs sit under each other, not side by side.
    start_box, end_box = start.bounding_box(), end.bounding_box()
    assert end_box["y"] >= start_box["y"] + start_box["height"], "start and end side by side"
    no_sideways_scroll(page)

    page.goto(f"{live_server}/c/rowan-court/periods/{q1}/readings?item={power}&lang=en")
    grid = page.locator("#readings-grid")
    flat1 = grid.locator("tbody tr").filter(has_text="Flat 1")
    flat2 = grid.locator("tbody tr").filter(has_text="Flat 2")
    flat1.locator("input[name^=start]").fill("1")
    flat1.locator("input[name^=end]").fill("2")
    flat2.locator("input[name^=start]").fill("0")
    flat2.locator("input[name^=end]").fill("2")
    expect(flat1.locator("[id^=reading-cost-]")).to_have_text("€33.33")
    expect(flat2.locator("[id^=reading-cost-]")).to_have_text("€66.67")
    expect(flat2.locator("[id^=reading-consumption-]")).to_have_text("2")
    no_sideways_scroll(page)
