"""A treasurer reads the month's bank statement: the review suggests who paid, she fixes
the one it could not match with a select, records them, and sees the contributions in the
period. Selectors are what a person reads."""

from playwright.sync_api import expect

from tests.e2e.live import LiveCommunity, log_in

STATEMENT = (
    "Дата;Сумма;Контрагент;Назначение\n"
    "10.01.2026;1 500,00;Иванова М. П.;Членский взнос, участок 5\n"
    "11.01.2026;250,00;Неизвестный плательщик;Взнос\n"
).encode("cp1251")


def test_review_fix_and_confirm_a_bank_statement(live_server, page, tmp_path):
    community = LiveCommunity(live_server, "bereza", "СНТ Берёза")
    maria = community.post("/members", name="Мария Иванова", role="owner")
    community.post("/properties", label="Участок 5", share_weight="1", owner_member_id=maria["id"])
    community.post("/periods", name="2026 Q1", start_date="2026-01-01", end_date="2026-03-31")
    statement = tmp_path / "выписка.csv"
    statement.write_bytes(STATEMENT)
    log_in(page, live_server, community.admin_email)

    page.get_by_role("navigation").get_by_text("More").click()
    page.get_by_role("navigation").get_by_role("link", name="Bank").click()
    page.get_by_label("Bank statement (CSV or 1CClientBankExchange)").set_input_files(str(statement))
    page.get_by_role("button", name="Read the statement").click()

    expect(page.locator("#bank-counts")).to_contain_text("2 lines: 1 matched, 1 unmatched.")
    rows = page.locator("#bank-lines tbody tr")
    expect(rows.nth(0)).to_contain_text("Мария Иванова")
    expect(rows.nth(0)).to_contain_text("matched")
    expect(rows.nth(1)).to_contain_text("unmatched")

    # The one it could not match: chosen with the select, saved in place (htmx).
    rows.nth(1).get_by_label("Member for line 3").select_option(label="Ada Admin")
    rows.nth(1).get_by_role("button", name="Save").click()
    expect(rows.nth(1).locator(".status")).to_have_text("matched")
    expect(rows.nth(1)).to_contain_text("Ada Admin")

    page.get_by_role("button", name="Record the matched lines").click()
    expect(page.get_by_role("alert")).to_contain_text("Recorded 2 lines from the statement.")
    expect(page.locator("#bank-counts")).to_contain_text("2 recorded")

    page.get_by_role("navigation").get_by_role("link", name="Periods").click()
    page.get_by_role("link", name="2026 Q1").click()
    contributions = page.get_by_role("region", name="Contributions")
    table = contributions.locator("#contribution-rows")
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text("Мария Иванова")
    expect(table).to_contain_text("Ada Admin")
    expect(contributions.locator("#contributions-total")).to_contain_text("1,750.00")
