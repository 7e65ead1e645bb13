"""An owner on a phone sees the payment QR and the amount, and the QR on the screen reads
back (decoded from a screenshot) as the ST00012 payment request of the API.

    Olga Owner  Plot 7 (1);  Bea Brown  Plot 8 (1);  a RUB community with its payee set
    Q1 2026     Road 300.00 fixed_fee → 150.00 each;  Olga pays 49.50 → owes 100.50
"""

import io

import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.live import LiveCommunity, call, log_in

PAYLOAD = (
    "ST00012|Name=СНТ «Берёзка»|PersonalAcc=40703810038000000001"
    "|BankName=ПАО СБЕРБАНК|BIC=044525225|CorrespAcc=30101810400000000225"
    "|PayeeINN=5024000000|KPP=502401001|Sum=10050"
    "|Purpose=СНТ Берёзка — Olga Owner — Plot 7"
)


def build(base, slug):
    community = LiveCommunity(base, slug, "СНТ Берёзка")
    post = community.post
    olga = post("/members", name="Olga Owner", email=f"olga@{slug}.example", role="owner")
    community.join(olga)
    bea = post("/members", name="Bea Brown", email=f"bea@{slug}.example", role="owner")
    post("/properties", label="Plot 7", share_weight="1", owner_member_id=olga["id"])
    post("/properties", label="Plot 8", share_weight="1", owner_member_id=bea["id"])
    q1 = post("/periods", name="Q1", start_date="2026-01-01", end_date="2026-03-31")["id"]
    post(f"/periods/{q1}/budget-items", payment_type="Road", strategy="fixed_fee", budgeted_cost="300.00")
    post(f"/periods/{q1}/expenses", payment_type="Road", amount="300.00", date="2026-01-15")
    post(f"/periods/{q1}/contributions", member_id=olga["id"], amount="49.50", date="2026-01-10")
    community.patch(
        "/settings",
        currency="RUB",
        payee_name="СНТ «Берёзка»",
        payee_account="40703810038000000001",
        payee_bank_name="ПАО СБЕРБАНК",
        payee_bic="044525225",
        payee_corr_account="30101810400000000225",
        payee_tax_id="5024000000",
        payee_tax_reg="502401001",
    )
    return community, olga


def test_owner_on_a_phone_scans_the_payment_qr(live_server, phone_page):
    page = phone_page
    community, olga = build(live_server, "berezka")
    api = call(
        live_server, "GET", f"/api/c/berezka/members/{olga['id']}/payment-request", token=community.token
    )
    assert (api["amount"], api["format"], api["payload"]) == ("100.50", "ST00012", PAYLOAD)

    log_in(page, live_server, olga["email"])
    section = page.locator("#payment-qr")
    expect(section.get_by_text("Amount:")).to_contain_text("100.50")
    qr = section.get_by_role("img", name="Payment QR code: scan it with your banking app")
    qr.scroll_into_view_if_needed()
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 200 and box["x"] + box["width"] <= 390  # big, and on the screen
    expect(section.locator("textarea")).to_have_value(PAYLOAD)

    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert found.text == PAYLOAD
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert not page.console_errors, page.console_errors
