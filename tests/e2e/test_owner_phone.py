"""An owner on a phone: logs in, sees their debt, asks why, downloads a statement.

The community is built through the JSON API of the live server (the admin's bearer token);
the owner does everything else in the browser. Selectors are what a person reads.

    Olga Owner  Flat 1 (3), Garage 1 (1);  Bea Brown  Flat 2 (3)
    Q1 2026     Security proportional 100.01 → 42.86 / 14.29 / 42.86
                Garbage fixed_fee 1.00 → 0.34 (Flat 1 takes the rounding cent) / 0.33 / 0.33
                Olga pays in 50.00 → 50.00 − 57.82 = −7.82
"""

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.live import PASSWORD, LiveCommunity


def build(base, slug):
    community = LiveCommunity(base, slug, "Linden Row")
    post = community.post

    olga = post("/members", name="Olga Owner", email=f"olga@{slug}.example", role="owner")
    community.join(olga)
    bea = post("/members", name="Bea Brown", email=f"bea@{slug}.example", role="owner")
    post("/properties", label="Flat 1", share_weight="3", owner_member_id=olga["id"])
    post("/properties", label="Garage 1", share_weight="1", owner_member_id=olga["id"])
    post("/properties", label="Flat 2", share_weight="3", owner_member_id=bea["id"])
    q1 = post("/periods", name="Q1", start_date="2026-01-01", end_date="2026-03-31")["id"]
    post(
        f"/periods/{q1}/budget-items",
        payment_type="Security",
        strategy="proportional",
        budgeted_cost="120.00",
    )
    post(f"/periods/{q1}/budget-items", payment_type="Garbage", strategy="fixed_fee", budgeted_cost="1.00")
    post(f"/periods/{q1}/expenses", payment_type="Security", amount="100.01", date="2026-01-15")
    post(f"/periods/{q1}/expenses", payment_type="Garbage", amount="1.00", date="2026-02-01")
    post(f"/periods/{q1}/contributions", member_id=olga["id"], amount="50.00", date="2026-01-10")
    community.patch("/settings", payment_details="IBAN CH93 0076 2011 6238 5295 7\nReference: {name}")
    return f"olga@{slug}.example"


def no_sideways_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a phone"


def test_owner_on_a_phone_sees_the_debt_asks_why_and_downloads_the_statement(
    live_server, phone_page, tmp_path
):
    page = phone_page
    email = build(live_server, "linden-row")

    page.goto(live_server + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # The dashboard: the debt, in the community's currency, and what to do about it.
    expect(page).to_have_url(re.compile(re.escape(f"{live_server}/c/linden-row/") + "$"))
    balance = page.locator("#balance-figure")
    expect(balance).to_have_text("-€7.82")
    expect(balance).to_be_in_viewport()
    expect(balance.locator(".debt")).to_have_count(1)
    expect(page.get_by_text("Pay €7.82 into the community's account.")).to_be_visible()
    expect(page.get_by_text("Reference: Olga Owner")).to_be_visible()
    expect(page.get_by_role("img", name="Closing balance per period").first).to_be_visible()
    no_sideways_scroll(page)

    # Why: every line, down to the rounding cent that came to Flat 1.
    page.get_by_role("link", name="Why do I owe this?").click()
    expect(page.get_by_role("heading", level=1, name="Statement: Q1")).to_be_visible()
    expect(page.get_by_role("heading", name="Why my balance is -€7.82")).to_be_visible()
    shares = page.get_by_role("table").filter(has_text="Your share")
    flat1_garbage = shares.get_by_role("row").filter(has_text="Garbage").filter(has_text="Flat 1")
    expect(flat1_garbage).to_contain_text("+€0.01 rounding cent came to you")
    expect(flat1_garbage).to_contain_text("€0.34")
    expect(shares.get_by_role("row").filter(has_text="Security").filter(has_text="Garage 1")).to_contain_text(
        "weight 1 of 7"
    )
    no_sideways_scroll(page)

    # The statement as a PDF.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="PDF").click()
    download = download_info.value
    assert download.suggested_filename == "linden-row-Q1-Olga_Owner-statement.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert Path(saved).read_bytes().startswith(b"%PDF")

    # And as CSV, whose closing line is the balance shown.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="CSV").click()
    csv_file = tmp_path / "statement.csv"
    download_info.value.save_as(csv_file)
    closing = csv_file.read_text().splitlines()[-1]
    assert closing == "Closing balance,2026-03-31,Balance so far (provisional),,,,,,,,-7.82"

    assert not page.console_errors, page.console_errors
