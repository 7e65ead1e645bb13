"""An admin keeps the books of a period in the browser: contributions and expenses.

The community is built through the JSON API of the live server (the admin's bearer token);
the admin then logs in and records money through the period page's forms, which htmx posts
and swaps in place. Selectors are what a person reads.

    Olga Owner  Flat 1 (1)
    Q1 2026     Olga paid in 100.00 (API) + 1234.50 (page) → total 1,334.50
                Gardening (fixed fee) expense 80.25 (page)
"""

import re

from playwright.sync_api import expect

from tests.e2e.live import LiveCommunity, log_in


def build(base, slug):
    community = LiveCommunity(base, slug, "Elm Court")
    post = community.post

    olga = post("/members", name="Olga Owner", email=f"olga@{slug}.example", role="owner")
    post("/properties", label="Flat 1", share_weight="1", owner_member_id=olga["id"])
    q1 = post("/periods", name="Q1", start_date="2026-01-01", end_date="2026-03-31")["id"]
    post(
        f"/periods/{q1}/budget-items", payment_type="Gardening", strategy="fixed_fee", budgeted_cost="300.00"
    )
    post(f"/periods/{q1}/contributions", member_id=olga["id"], amount="100.00", date="2026-01-05")
    return f"ada@{slug}.example"


def mark_page(page):
    """A marker on window: gone if the browser loads a new document."""
    page.evaluate("window.__levyNoReload = true")


def assert_not_reloaded(page, what):
    assert page.evaluate("window.__levyNoReload === true"), f"{what} reloaded the page"


def unexpected_console_errors(page):
    """Console errors other than the browser's note of the 422s the refused forms answer."""
    return [e for e in page.console_errors if "status of 422" not in e]


def test_admin_records_a_contribution_and_an_expense_in_place(live_server, page):
    email = build(live_server, "elm-court")
    log_in(page, live_server, email)

    # The period list → the period page, which opens on its Contributions tab.
    page.get_by_role("navigation").get_by_role("link", name="Periods").click()
    page.get_by_role("link", name="Q1", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Q1")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Period sections")
    expect(tabs.get_by_role("link", name="Contributions")).to_have_attribute("aria-current", "page")

    contributions = page.get_by_role("region", name="Contributions")
    total = contributions.locator("#contributions-total")
    expect(total).to_have_text("€100.00")
    mark_page(page)

    # A bad amount: the error shows next to the field, in place, and nothing is added.
    contributions.get_by_text("Record a contribution").click()  # the form folds once rows exist
    contributions.get_by_label("Date").fill("2026-02-14")
    contributions.get_by_label("Member").select_option(label="Olga Owner")
    contributions.get_by_label("Amount").fill("12.345")
    contributions.get_by_role("button", name="Add contribution").click()
    amount = contributions.get_by_label("Amount")
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(contributions.get_by_text("Enter an amount with at most two decimals.")).to_be_visible()
    expect(amount).to_have_value("12.345")  # what was typed stays, to be corrected
    expect(contributions.get_by_label("Member")).to_have_value(re.compile(r"\d+"))
    expect(total).to_have_text("€100.00")
    expect(contributions.locator("#contribution-rows").get_by_role("row")).to_have_count(1)
    assert_not_reloaded(page, "the refused contribution")

    # Corrected: the row joins the table, with the exact amount, and the total follows.
    amount.fill("1234.5")
    contributions.get_by_role("button", name="Add contribution").click()
    rows = contributions.locator("#contribution-rows").get_by_role("row")
    expect(rows).to_have_count(2)
    added = rows.filter(has_text="Feb 14, 2026")
    expect(added).to_contain_text("Olga Owner")
    expect(added.get_by_role("cell", name="€1,234.50", exact=True)).to_be_visible()
    expect(total).to_have_text("€1,334.50")
    per_member = (
        contributions.locator("#contributions-per-member").get_by_role("row").filter(has_text="Olga Owner")
    )
    expect(per_member).to_contain_text("€1,334.50")
    expect(contributions.get_by_text("Enter an amount")).to_have_count(0)
    assert_not_reloaded(page, "adding a contribution")

    # The Expenses tab, swapped in by htmx, with its own form.
    tabs.get_by_role("link", name="Expenses").click()
    expect(page).to_have_url(re.compile(r"/periods/\d+/expenses$"))
    expenses = page.get_by_role("region", name="Expenses")
    expect(expenses.get_by_text("No expenses yet.")).to_be_visible()
    expect(expenses.locator("#expenses-total")).to_have_text("€0.00")

    expenses.get_by_label("Amount").fill("0")
    expenses.get_by_label("Category").fill("Gardening")
    expenses.get_by_role("button", name="Add expense").click()
    expect(expenses.get_by_text("Enter an amount greater than zero.")).to_be_visible()
    expect(expenses.get_by_label("Amount")).to_have_attribute("aria-invalid", "true")
    expect(expenses.get_by_text("No expenses yet.")).to_be_visible()

    expenses.get_by_label("Date").fill("2026-03-02")
    expenses.get_by_label("Amount").fill("80.25")
    expenses.get_by_label("Vendor").fill("Green Thumb Ltd")
    expenses.get_by_label("Description").fill("Hedge trimming")
    expenses.get_by_role("button", name="Add expense").click()
    expense_rows = expenses.locator("#expense-rows").get_by_role("row")
    expect(expense_rows).to_have_count(1)
    expense = expense_rows.first
    for text in ("Mar 2, 2026", "Gardening", "Green Thumb Ltd", "Hedge trimming", "Fund"):
        expect(expense).to_contain_text(text)
    expect(expense.get_by_role("cell", name="€80.25", exact=True)).to_be_visible()
    expect(expense.locator("mark.unassigned")).to_have_count(0)  # Gardening has a budget item
    expect(expenses.locator("#expenses-total")).to_have_text("€80.25")
    expect(
        expenses.locator("#expenses-per-category").get_by_role("row").filter(has_text="Gardening")
    ).to_contain_text("€80.25")
    assert_not_reloaded(page, "adding an expense")

    # Back on Contributions (a fresh GET of the tab): what was added is stored.
    tabs.get_by_role("link", name="Contributions").click()
    expect(page.get_by_role("region", name="Contributions").locator("#contributions-total")).to_have_text(
        "€1,334.50"
    )
    assert_not_reloaded(page, "switching tabs")
    assert not unexpected_console_errors(page), page.console_errors
