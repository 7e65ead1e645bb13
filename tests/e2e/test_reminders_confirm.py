"""Sending payment reminders asks first, with how many and the total they owe."""

from playwright.sync_api import expect

from tests.e2e.live import LiveCommunity, log_in


def build(base, slug):
    community = LiveCommunity(base, slug, "Hazel Yard")
    post = community.post
    olga = post("/members", name="Olga Owner", email=f"olga@{slug}.example", role="owner")
    bea = post("/members", name="Bea Brown", email=f"bea@{slug}.example", role="owner")
    post("/properties", label="Flat 1", share_weight="1", owner_member_id=olga["id"])
    post("/properties", label="Flat 2", share_weight="1", owner_member_id=bea["id"])
    q1 = post("/periods", name="Q1", start_date="2026-01-01", end_date="2026-03-31")["id"]
    post(f"/periods/{q1}/budget-items", payment_type="Roof", strategy="proportional", budgeted_cost="1000.00")
    post(f"/periods/{q1}/expenses", payment_type="Roof", amount="1000.01", date="2026-01-15")
    return f"ada@{slug}.example"


def test_sending_reminders_asks_with_the_count_and_the_total(live_server, page):
    log_in(page, live_server, build(live_server, "hazel-yard"))
    page.goto(f"{live_server}/c/hazel-yard/reminders")
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="Send reminders").click()
    expect(page.get_by_text("No reminders sent yet.")).to_be_visible()
    assert asked == ["Reminders to send: 2; owed in total: €1,000.01. Send them now?"]

    page.get_by_label("Remind Bea Brown").uncheck()
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="Send reminders").click()
    expect(page.get_by_text("Sent 1 reminder.")).to_be_visible()
    # Olga alone: 500.00 (the rounding cent of 1,000.01 falls to Bea)
    assert asked[1] == "Reminders to send: 1; owed in total: €500.00. Send them now?"
