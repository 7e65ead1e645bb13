"""The fund pays a member back, on the period page's Payouts tab, and the balance sheet shows it.

Bea Brown  Plot 1 (1)
Q1 2026    Bea paid the fence repair herself: Repairs 333.33 paid by Bea (API), the only
           expense, split over Plot 1 alone → allocated 333.33; contributions 400.00 (API)
           → Bea 400.00 + 333.33 − 333.33 = 400.00 before the payout
           The treasurer pays her back 333.33 on the Payouts tab (page):
           closing 400.00 − 333.33 = 66.67; fund cash 400.00 − 333.33 = 66.67
"""

import re

from playwright.sync_api import expect

from tests.e2e.live import LiveCommunity, log_in


def build(base, slug):
    community = LiveCommunity(base, slug, "Fence Lane")
    post = community.post
    bea = post("/members", name="Bea Brown", email=f"bea@{slug}.example", role="owner")
    post("/properties", label="Plot 1", share_weight="1", owner_member_id=bea["id"])
    q1 = post("/periods", name="Q1", start_date="2026-01-01", end_date="2026-03-31")["id"]
    post(
        f"/periods/{q1}/budget-items", payment_type="Repairs", strategy="proportional", budgeted_cost="400.00"
    )
    post(
        f"/periods/{q1}/expenses",
        payment_type="Repairs",
        amount="333.33",
        date="2026-01-10",
        paid_by_member_id=bea["id"],
        vendor="Fence & Co",
    )
    post(f"/periods/{q1}/contributions", member_id=bea["id"], amount="400.00", date="2026-01-05")
    return f"ada@{slug}.example"


def test_admin_records_a_payout_on_the_tab_and_sees_it_in_the_sheet(live_server, page):
    email = build(live_server, "fence-lane")
    log_in(page, live_server, email)

    page.get_by_role("navigation").get_by_role("link", name="Periods").click()
    page.get_by_role("link", name="Q1", exact=True).click()
    tabs = page.get_by_role("navigation", name="Period sections")
    tabs.get_by_role("link", name="Payouts").click()
    expect(page).to_have_url(re.compile(r"/periods/\d+/payouts$"))
    page.evaluate("window.__levyNoReload = true")

    payouts = page.get_by_role("region", name="Payouts")
    expect(payouts.get_by_text("No payouts.")).to_be_visible()
    payouts.get_by_text("Pay a member").click()
    payouts.get_by_label("Date").fill("2026-02-01")
    payouts.get_by_label("Member").select_option(label="Bea Brown")
    payouts.get_by_label("Amount").fill("333.33")
    payouts.get_by_label("Comment").fill("Paying back the fence")
    payouts.get_by_role("button", name="Add payout").click()

    rows = payouts.locator("#payout-rows").get_by_role("row")
    expect(rows).to_have_count(1)
    for text in ("Feb 1, 2026", "Bea Brown", "Paying back the fence"):
        expect(rows.first).to_contain_text(text)
    expect(rows.first.get_by_role("cell", name="€333.33", exact=True)).to_be_visible()
    expect(payouts.locator("#payouts-total")).to_have_text("€333.33")
    assert page.evaluate("window.__levyNoReload === true"), "adding a payout reloaded the page"

    tabs.get_by_role("link", name="Balance sheet").click()
    sheet = page.get_by_role("region", name="Balance sheet")
    expect(sheet.locator("#sheet-rows thead")).to_contain_text("Payouts")
    bea = sheet.locator("#sheet-rows tbody tr").filter(has_text="Bea Brown")
    cells = bea.get_by_role("cell")
    # Member, opening, contributions, paid expenses, allocated, usage, charges, payouts,
    # adjustments, closing
    expect(cells).to_have_text(
        [
            "Bea Brown",
            "€0.00",
            "€400.00",
            "€333.33",
            "€333.33",
            "€0.00",
            "€0.00",
            "€333.33",
            "€0.00",
            "€66.67",
        ]
    )
    expect(sheet.locator("#fund-cash")).to_have_text("€66.67")
    assert not [e for e in page.console_errors if "status of 422" not in e], page.console_errors
