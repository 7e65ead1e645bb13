"""Closing a period in the browser, and the owner who then sees the debt and asks why.

The community is built through the JSON API of the live server (the admin's bearer token;
Olga accepts her invite through the API too); the admin closes the period on its page and
Olga logs in on the page. Selectors are what a person reads. Celery runs eagerly here, so the
close is done by the time the close request answers: the progress element arrives final.

    Olga Owner  Flat 1 (2);  Bea Brown  Flat 2 (1)
    Q1 2026     Cleaning proportional, expense 100.00 → 66.67 (Flat 1) / 33.33 (Flat 2)
                Olga pays in 50.00 → 50.00 − 66.67 = −16.67;  Bea −33.33
"""

import re

from playwright.sync_api import expect

from tests.e2e.live import LiveCommunity, call, log_in


def build(base, slug):
    """The community; answers the admin's and Olga's emails, the period's id, the token."""
    community = LiveCommunity(base, slug, "Aspen Yard")
    post, token = community.post, community.token

    olga = post("/members", name="Olga Owner", email=f"olga@{slug}.example", role="owner")
    community.join(olga)
    bea = post("/members", name="Bea Brown", email=f"bea@{slug}.example", role="owner")
    post("/properties", label="Flat 1", share_weight="2", owner_member_id=olga["id"])
    post("/properties", label="Flat 2", share_weight="1", owner_member_id=bea["id"])
    q1 = post("/periods", name="Q1", start_date="2026-01-01", end_date="2026-03-31")["id"]
    post(
        f"/periods/{q1}/budget-items",
        payment_type="Cleaning",
        strategy="proportional",
        budgeted_cost="120.00",
    )
    post(f"/periods/{q1}/expenses", payment_type="Cleaning", amount="100.00", date="2026-02-01")
    post(f"/periods/{q1}/contributions", member_id=olga["id"], amount="50.00", date="2026-01-10")
    return f"ada@{slug}.example", f"olga@{slug}.example", q1, token


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="Log in")).to_be_visible()


def column(table, name: str) -> int:
    headers = [h.strip() for h in table.get_by_role("columnheader").all_inner_texts()]
    return headers.index(name)


def test_admin_closes_the_period_and_the_owner_sees_why_she_owes(live_server, page):
    admin_email, olga_email, period_id, _ = build(live_server, "aspen-yard")
    slug_url = f"{live_server}/c/aspen-yard"

    # --- the admin closes Q1 on its page -------------------------------------------------
    log_in(page, live_server, admin_email)
    page.goto(f"{slug_url}/periods/{period_id}/")
    header = page.locator("#period-header")
    expect(header).to_contain_text("open")
    page.evaluate("window.__levyNoReload = true")

    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="Close period").click()

    # The job's element appears where the close button's form puts it, and ends final.
    close_area = page.locator("#close-area")
    job = close_area.locator("[id^='job-']")
    expect(job).to_have_count(1)
    expect(job.get_by_role("status")).to_have_text("Closed. Final balances below.")
    expect(job).not_to_have_attribute("hx-trigger", re.compile("."))  # polling stopped
    assert dialogs and dialogs[0].startswith("Close Q1?"), dialogs
    assert page.evaluate("window.__levyNoReload === true"), "closing reloaded the page"

    sheet = job.get_by_role("table")
    closing_at = column(sheet, "Closing")
    expected = {"Olga Owner": ("€66.67", "-€16.67"), "Bea Brown": ("€33.33", "-€33.33")}
    allocated_at = column(sheet, "Allocated")
    for name, (allocated, closing) in expected.items():
        cells = sheet.get_by_role("row").filter(has_text=name).get_by_role("cell")
        expect(cells.nth(allocated_at)).to_have_text(allocated)
        expect(cells.nth(closing_at)).to_have_text(closing)
        expect(cells.nth(closing_at).locator(".debt")).to_have_count(1)
    expect(job).to_contain_text("Fund cash: -€50.00")

    # The page around it knows too, at once and without a reload: closed, no second close
    # offered, Reopen offered, and the tab shows no add, edit or void forms.
    expect(header.locator(".status")).to_have_text("closed")
    expect(page.get_by_role("button", name="Close period")).to_have_count(0)
    expect(page.get_by_role("button", name="Reopen period")).to_be_visible()
    expect(page.get_by_role("button", name="Add contribution")).to_have_count(0)
    expect(page.locator("#period-tab").get_by_role("button", name="Void")).to_have_count(0)
    expect(page.locator("#period-tab").get_by_role("note")).to_have_text(
        "This period is closed; reopen it to make corrections."
    )
    assert page.evaluate("window.__levyNoReload === true"), "closing reloaded the page"

    # A fresh look at the period: closed, reopen offered, no add forms.
    page.reload()
    expect(header.locator(".status")).to_have_text("closed")
    expect(page.get_by_role("button", name="Reopen period")).to_be_visible()
    expect(page.get_by_role("button", name="Add contribution")).to_have_count(0)
    expect(page.get_by_role("note")).to_have_text("This period is closed; reopen it to make corrections.")
    assert not page.console_errors, page.console_errors

    # Reopened, the page offers the correction preview; closed again, the preview goes and
    # the expenses tab it was closed from loses its forms, still without a reload.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reopen period").click()
    expect(page.locator("#correction-preview")).to_be_visible()
    page.get_by_role("link", name="Expenses").click()
    expect(page.get_by_text("Record an expense")).to_be_visible()
    page.evaluate("window.__levyNoReload = true")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close period").click()
    expect(close_area.get_by_role("status")).to_have_text("Closed. Final balances below.")
    expect(page.locator("#correction-preview")).to_have_count(0)
    expect(page.get_by_text("Record an expense")).to_have_count(0)
    expect(page.locator("#period-tab").get_by_role("note")).to_have_text(
        "This period is closed; reopen it to make corrections."
    )
    expect(page.get_by_role("button", name="Reopen period")).to_be_visible()
    expect(page.locator("#period-tab [aria-current=page]")).to_have_text("Expenses")
    assert page.evaluate("window.__levyNoReload === true"), "closing reloaded the page"
    assert not page.console_errors, page.console_errors
    log_out(page)

    # --- Olga logs in and sees her debt ----------------------------------------------------
    log_in(page, live_server, olga_email)
    expect(page).to_have_url(re.compile(re.escape(slug_url + "/") + "$"))
    balance = page.locator("#balance-figure")
    expect(balance).to_have_text("-€16.67")
    expect(balance.locator(".debt")).to_have_count(1)
    expect(page.get_by_text("You owe €16.67.")).to_be_visible()

    # Why: her share of Cleaning for Flat 1, weight 2 of 3, against her payment.
    page.get_by_role("link", name="Why do I owe this?").click()
    expect(page.get_by_role("heading", level=1, name="Statement: Q1")).to_be_visible()
    expect(page.get_by_role("heading", name="Why my balance is -€16.67")).to_be_visible()
    why = page.locator("#why")
    expect(why.get_by_role("row").filter(has_text="Payments")).to_contain_text("€50.00")
    expect(why.get_by_role("row").filter(has_text="Your share of costs")).to_contain_text("€66.67")
    expect(why.get_by_role("row").filter(has_text="Closing balance")).to_contain_text("-€16.67")
    shares = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Your share"))
    cleaning = shares.locator("tbody").get_by_role("row")
    expect(cleaning).to_have_count(1)  # Flat 2 is Bea's: not on Olga's statement
    expect(cleaning).to_contain_text("Cleaning")
    expect(cleaning).to_contain_text("Flat 1")
    expect(cleaning).to_contain_text("weight 2 of 3")
    expect(cleaning).to_contain_text("total €100.00")
    expect(cleaning.get_by_role("cell").last).to_have_text("€66.67")
    expect(page.locator("#provisional")).to_have_count(0)  # closed: final, not provisional
    assert not page.console_errors, page.console_errors


def test_a_refused_close_says_which_categories_are_in_the_way(live_server, page):
    """Expenses with no budget item cannot be split: the close is refused, by name."""
    admin_email, _, period_id, token = build(live_server, "aspen-yard-refused")
    call(
        live_server,
        "POST",
        f"/api/c/aspen-yard-refused/periods/{period_id}/expenses",
        {"payment_type": "Snow removal", "amount": "12.00", "date": "2026-01-20"},
        token,
    )

    log_in(page, live_server, admin_email)
    page.goto(f"{live_server}/c/aspen-yard-refused/periods/{period_id}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close period").click()

    # The page comes back (htmx swaps no 409) with the reason, and the period still open.
    alert = page.get_by_role("alert").filter(has_text="cannot be closed")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Snow removal")
    expect(page.locator("#period-header .status")).to_have_text("open")
    expect(page.get_by_role("button", name="Close period")).to_be_visible()
    expect(page.locator("#close-area [id^='job-']")).to_have_count(0)
    # The browser notes the 409 in the console; nothing else may be there.
    assert [e for e in page.console_errors if "status of 409" not in e] == [], page.console_errors
