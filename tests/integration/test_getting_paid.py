"""Getting paid: payee settings, the payment request and its QR, receivables and "remind
these" (SPEC §5, §6).

The world, built through the API (amounts by hand):

    member      properties (share_weight)
    Olga Owner  Flat 1 (3), Garage 1 (1)    the `owner` fixture
    Bea Brown   Flat 2 (3)
    Carl Cole   —                           only a service charge in Q2

Q1 2026 (Jan–Mar), closed. Security 70.00 (fund) over 3 : 1 : 3 → Olga 40.00, Bea 30.00.
    Olga pays 10.00.           Olga −30.00    Bea −30.00
Q2 2026 (Apr–Jun), closed. Security 70.00 the same; Olga pays 100.00; Carl a 5.00 "Key".
    Olga −30 + 100 − 40 = +30.00    Bea −30 − 30 = −60.00    Carl −5.00
Q3 2026 (Jul–Sep), open. Security 7.00 → Olga 4.00, Bea 3.00; Bea pays 20.00.
    Olga +26.00    Bea −60 + 20 − 3 = −43.00    Carl −5.00

Receivables (latest closed: Q2), on 2026-07-15:
    Bea  60.00 since Q1 (2026-03-31 → 106 days, 90+);  Carl 5.00 since Q2 (15 days, 0-30).
"""

import csv
import io
from datetime import date

import pytest
import zxingcpp

from app.services import payment_requests, receivables
from tests.conftest import invite_and_join, login
from tests.helpers import page_ok as ok

EUR_PAYEE = {
    "payee_name": "Maple Court HOA",
    "payee_account": "DE89 3704 0044 0532 0130 00",
    "payee_bic": "COBADEFFXXX",
}
RUB_PAYEE = {
    "currency": "RUB",
    "payee_name": "ТСЖ «Клён»",
    "payee_account": "40703810038000000001",
    "payee_bank_name": "ПАО СБЕРБАНК",
    "payee_bic": "044525225",
    "payee_corr_account": "30101810400000000225",
    "payee_tax_id": "7701234567",
    "payee_tax_reg": "770101001",
}


class World:
    def __init__(self, community, owner):
        self.community, self.owner = community, owner
        self.api, self.url = community.api, community.url

    def post(self, path, **json):
        response = self.api.post(self.url(path), json=json)
        assert response.status_code in (201, 202), response.get_json()
        return response.get_json()

    def period(self, name, start, end, security="70.00"):
        pid = self.post("/periods", name=name, start_date=start, end_date=end)["id"]
        self.post(
            f"/periods/{pid}/budget-items",
            payment_type="Security",
            strategy="proportional",
            budgeted_cost="70.00",
        )
        self.post(
            f"/periods/{pid}/expenses",
            payment_type="Security",
            amount=security,
            date=start,
            vendor="Guard Co",
        )
        return pid

    def pay(self, period_id, member_id, amount, day):
        self.post(f"/periods/{period_id}/contributions", member_id=member_id, amount=amount, date=day)

    def close(self, period_id):
        self.post(f"/periods/{period_id}/close")


@pytest.fixture
def world(community, owner, monkeypatch):
    monkeypatch.setattr(receivables, "today", lambda: date(2026, 7, 15))
    w = World(community, owner)
    w.olga = owner.id
    bea, w.bea_token = invite_and_join(community.api, community.slug, "Bea Brown", "bea@example.org")
    w.bea = bea["id"]
    w.carl = w.post("/members", name="Carl Cole", email="carl@example.org", role="owner")["id"]
    w.post("/properties", label="Flat 1", share_weight="3", owner_member_id=w.olga)
    w.post("/properties", label="Garage 1", share_weight="1", owner_member_id=w.olga)
    w.post("/properties", label="Flat 2", share_weight="3", owner_member_id=w.bea)
    w.q1 = w.period("Q1", "2026-01-01", "2026-03-31")
    w.pay(w.q1, w.olga, "10.00", "2026-02-01")
    w.close(w.q1)
    w.q2 = w.period("Q2", "2026-04-01", "2026-06-30")
    w.pay(w.q2, w.olga, "100.00", "2026-05-01")
    w.post(f"/periods/{w.q2}/charges", member_id=w.carl, amount="5.00", date="2026-05-02", description="Key")
    w.close(w.q2)
    w.q3 = w.period("Q3", "2026-07-01", "2026-09-30", security="7.00")
    w.pay(w.q3, w.bea, "20.00", "2026-07-10")
    return w


def settings(world, **changes):
    return world.api.patch(world.url("/settings"), json=changes)


# --- settings ----------------------------------------------------------------------------


def test_payee_settings_are_read_and_written_by_admins(community, owner):
    before = ok(community.api.get(community.url("/settings"))).get_json()
    assert {k: before[k] for k in ("payee_name", "payee_account", "payee_bic")} == {
        "payee_name": "",
        "payee_account": "",
        "payee_bic": "",
    }
    answer = ok(community.api.patch(community.url("/settings"), json=EUR_PAYEE)).get_json()
    assert {k: answer[k] for k in EUR_PAYEE} == EUR_PAYEE
    assert ok(owner.api.get(community.url("/settings"))).get_json()["payee_name"] == "Maple Court HOA"
    refused = owner.api.patch(community.url("/settings"), json={"payee_name": "Mine"})
    assert refused.status_code == 403


def test_rub_payee_formats_are_checked_when_given(community):
    assert (
        ok(community.api.patch(community.url("/settings"), json=RUB_PAYEE)).get_json()["payee_tax_reg"]
        == "770101001"
    )
    bad = community.api.patch(
        community.url("/settings"),
        json={
            "payee_bic": "04452522",
            "payee_account": "4070381003800000000A",
            "payee_tax_id": "77012345678",
            "payee_tax_reg": "77010100",
            "payee_corr_account": "3010181040000000022",
        },
    )
    assert bad.status_code == 400
    assert set(bad.get_json()["error"]["fields"]) == {
        "payee_bic",
        "payee_account",
        "payee_tax_id",
        "payee_tax_reg",
        "payee_corr_account",
    }
    blank = community.api.patch(
        community.url("/settings"), json={"payee_tax_id": "", "payee_tax_reg": "", "payee_corr_account": ""}
    )
    assert ok(blank).get_json()["payee_tax_id"] == ""


def test_eur_payee_needs_an_iban_and_switching_currency_rechecks(community):
    bad = community.api.patch(
        community.url("/settings"),
        json={"payee_account": "DE88 3704 0044 0532 0130 00", "payee_bic": "12345678"},
    )
    assert bad.status_code == 400
    assert set(bad.get_json()["error"]["fields"]) == {"payee_account", "payee_bic"}
    ok(community.api.patch(community.url("/settings"), json=EUR_PAYEE))
    # The IBAN is not a Russian account: switching to RUB alone is refused, naming it.
    switch = community.api.patch(community.url("/settings"), json={"currency": "RUB"})
    assert switch.status_code == 400
    assert "payee_account" in switch.get_json()["error"]["fields"]


def test_settings_page_saves_payee_details(client, community):
    login(client, "admin@example.org")
    page = client.get(community.page("/settings/"))
    assert 'name="payee_bic"' in page.get_data(as_text=True)
    response = client.post(
        community.page("/settings/"),
        data={"name": "Maple Court", "currency": "EUR", "payment_details": "", **EUR_PAYEE},
    )
    assert response.status_code == 302
    bad = client.post(
        community.page("/settings/"),
        data={"name": "Maple Court", "currency": "EUR", "payee_account": "NOT AN IBAN"},
    )
    assert bad.status_code == 422
    assert "Not a valid IBAN" in bad.get_data(as_text=True)


# --- payment request ---------------------------------------------------------------------

BEA_EPC = (
    "BCD\n002\n1\nSCT\nCOBADEFFXXX\nMaple Court HOA\nDE89370400440532013000\nEUR43.00"
    "\n\n\nMaple Court — Bea Brown — Flat 2"
)


def test_payment_request_in_euro(world):
    settings(world, **EUR_PAYEE)
    answer = ok(world.api.get(world.url(f"/members/{world.bea}/payment-request"))).get_json()
    assert answer == {
        "amount": "43.00",
        "currency": "EUR",
        "purpose": "Maple Court — Bea Brown — Flat 2",
        "format": "EPC",
        "payload": BEA_EPC,
    }


def test_payment_request_in_roubles(world):
    ok(settings(world, **RUB_PAYEE))
    answer = ok(world.owner.api.get(world.url(f"/members/{world.olga}/payment-request")))
    # Olga is in credit: nothing owed, so the QR leaves the sum for her to type.
    assert answer.get_json() == {
        "amount": "0.00",
        "currency": "RUB",
        "purpose": "Maple Court — Olga Owner — Flat 1, Garage 1",
        "format": "ST00012",
        "payload": "ST00012|Name=ТСЖ «Клён»|PersonalAcc=40703810038000000001"
        "|BankName=ПАО СБЕРБАНК|BIC=044525225|CorrespAcc=30101810400000000225"
        "|PayeeINN=7701234567|KPP=770101001"
        "|Purpose=Maple Court — Olga Owner — Flat 1, Garage 1",
    }
    bea = ok(world.api.get(world.url(f"/members/{world.bea}/payment-request"))).get_json()
    assert "|Sum=4300|Purpose=Maple Court — Bea Brown — Flat 2" in bea["payload"]


def test_payment_request_without_payee_details_or_qr_standard(world):
    answer = ok(world.api.get(world.url(f"/members/{world.carl}/payment-request"))).get_json()
    assert answer == {
        "amount": "5.00",
        "currency": "EUR",
        "purpose": "Maple Court — Carl Cole",
        "format": None,
        "payload": None,
    }
    ok(settings(world, currency="USD", payee_name="Maple", payee_account="123"))
    answer = ok(world.api.get(world.url(f"/members/{world.bea}/payment-request"))).get_json()
    assert (answer["currency"], answer["format"], answer["payload"]) == ("USD", None, None)


def test_payment_request_is_the_members_own_or_an_admins(world, other_community):
    path = f"/members/{world.bea}/payment-request"
    assert world.owner.api.get(world.url(path)).status_code == 403
    from tests.conftest import Api

    bea_api = Api(world.community.client, world.bea_token)
    assert ok(bea_api.get(world.url(path))).get_json()["amount"] == "43.00"
    # Another community's admin, with maple's URL or with birch's URL and a maple id: 404.
    assert other_community.api.get(world.url(path)).status_code == 404
    assert other_community.api.get(other_community.url(path)).status_code == 404
    assert (
        world.api.get(world.url(f"/members/{other_community.admin_member_id}/payment-request")).status_code
        == 404
    )


def test_the_qr_code_reads_back_as_the_payload(world, ctx):
    for payload, kind in (
        (BEA_EPC, "EPC"),
        (
            "ST00012|Name=ТСЖ «Клён»|PersonalAcc=40703810038000000001"
            "|BankName=ПАО СБЕРБАНК|BIC=044525225|CorrespAcc=0|Sum=4300"
            "|Purpose=Maple Court — Bea Brown — Flat 2",
            "ST00012",
        ),
    ):
        png = io.BytesIO()
        payment_requests.qr_code(payload, kind).save(png, kind="png", scale=6, border=4)
        from PIL import Image

        png.seek(0)
        [found] = zxingcpp.read_barcodes(Image.open(png))
        assert (found.format, found.text) == (zxingcpp.BarcodeFormat.QRCode, payload)
    assert payment_requests.qr_code(BEA_EPC, "EPC").error == "M"  # EPC069-12 asks for M


def test_owner_dashboard_shows_the_qr_and_the_text(world, client):
    settings(world, **EUR_PAYEE)
    login(client, "bea@example.org")
    html = client.get(world.community.page("/")).get_data(as_text=True)
    section = html[html.index('id="payment-qr"') :]
    assert '<svg role="img" aria-label="Payment QR code' in section
    assert 'class="payment-qr"' in section
    assert "€43.00" in section
    # The textarea holds the payload as it is (Jinja escapes nothing in it but &<>"').
    assert BEA_EPC in section
    assert "DE89 3704 0044 0532 0130 00" in section  # as the treasurer typed it


def test_no_qr_without_payee_details(world, client):
    login(client, "bea@example.org")
    html = client.get(world.community.page("/")).get_data(as_text=True)
    assert 'id="payment-qr"' not in html


def test_reminder_mail_carries_the_payment_details(app, world, client):
    settings(world, **EUR_PAYEE)
    login(client, "admin@example.org")
    with app.extensions["mail"].record_messages() as outbox:
        ok(client.post(world.community.page("/reminders"), data={"member_ids": [str(world.bea)]}), 302)
    [mail] = outbox
    assert (
        "Payee: Maple Court HOA\nAccount: DE89 3704 0044 0532 0130 00\nBIC: COBADEFFXXX\n"
        "Purpose: Maple Court — Bea Brown — Flat 2\nAmount: 43.00 EUR" in mail.body
    )


# --- receivables -------------------------------------------------------------------------


def test_receivables_by_debt(world):
    answer = ok(world.api.get(world.url("/receivables"))).get_json()
    assert answer == [
        {
            "member_id": world.bea,
            "name": "Bea Brown",
            "debt": "60.00",
            "since_period_id": world.q1,
            "days_overdue": 106,
            "bucket": "90+",
        },
        {
            "member_id": world.carl,
            "name": "Carl Cole",
            "debt": "5.00",
            "since_period_id": world.q2,
            "days_overdue": 15,
            "bucket": "0-30",
        },
    ]


def test_receivables_sorted(world):
    by_name = ok(world.api.get(world.url("/receivables?sort=name"))).get_json()
    assert [r["name"] for r in by_name] == ["Bea Brown", "Carl Cole"]
    by_days = ok(world.api.get(world.url("/receivables?sort=days"))).get_json()
    assert [r["days_overdue"] for r in by_days] == [106, 15]
    bad = world.api.get(world.url("/receivables?sort=wealth"))
    assert bad.status_code == 400 and "sort" in bad.get_json()["error"]["fields"]


def test_receivables_are_for_admins_of_this_community(world, other_community):
    assert world.owner.api.get(world.url("/receivables")).status_code == 403
    assert other_community.api.get(world.url("/receivables")).status_code == 404
    assert ok(other_community.api.get(other_community.url("/receivables"))).get_json() == []


def test_receivables_page_csv_and_owner_refused(world, client):
    login(client, "admin@example.org")
    html = ok(client.get(world.community.page("/receivables?sort=name"))).get_data(as_text=True)
    table = html[html.index('id="receivables"') :]
    assert table.index("Bea Brown") < table.index("Carl Cole")
    assert "€60.00" in table and "106" in table and "90+" in table
    download = ok(client.get(world.community.page("/receivables.csv")))
    assert "filename*=UTF-8''maple-receivables-2026-07-15.csv" in download.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert rows == [
        ["Member", "Debt", "Since", "Period end", "Days overdue", "Bucket"],
        ["Bea Brown", "60.00", "Q1", "2026-03-31", "106", "90+"],
        ["Carl Cole", "5.00", "Q2", "2026-06-30", "15", "0-30"],
    ]
    russian = ok(client.get(world.community.page("/receivables.csv?lang=ru"))).get_data(as_text=True)
    assert russian.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(russian[1:]), delimiter=";"))[:2] == [
        ["Член товарищества", "Долг", "С периода", "Конец периода", "Дней просрочки", "Срок"],
        ["Bea Brown", "60,00", "Q1", "2026-03-31", "106", "90+"],
    ]
    login(client, world.owner.email)
    assert client.get(world.community.page("/receivables")).status_code == 403
    assert client.get(world.community.page("/receivables.csv")).status_code == 403


def test_receivables_csv_cannot_carry_a_formula(world, client):
    ok(world.api.patch(world.url(f"/members/{world.carl}"), json={"name": '=HYPERLINK("http://x")'}))
    login(client, "admin@example.org")
    rows = list(
        csv.reader(io.StringIO(client.get(world.community.page("/receivables.csv")).get_data(as_text=True)))
    )
    assert rows[2][0] == '\'=HYPERLINK("http://x")'


def test_remind_these_confirms_count_and_total_then_sends(app, world, client):
    login(client, "admin@example.org")
    confirm = ok(
        client.post(
            world.community.page("/receivables/remind"),
            data={"member_ids": [str(world.bea), str(world.carl)]},
        )
    )
    text = confirm.get_data(as_text=True)
    # What they owe now (Q3, open): Bea 43.00, Carl 5.00.
    assert "Send 2 reminders?" in text and "€48.00" in text
    with app.extensions["mail"].record_messages() as outbox:
        done = client.post(
            world.community.page("/receivables/remind"),
            data={"member_ids": [str(world.bea), str(world.carl)], "confirmed": "yes"},
        )
    assert done.status_code == 302
    assert sorted(m.recipients[0] for m in outbox) == ["bea@example.org", "carl@example.org"]
    again = ok(
        client.post(world.community.page("/receivables/remind"), data={"member_ids": [str(world.bea)]})
    ).get_data(as_text=True)
    assert "Nobody to remind" in again and "Already reminded today, left out: Bea Brown" in again


def test_remind_these_refuses_owners_and_strangers(world, client, other_community):
    login(client, world.owner.email)
    assert (
        client.post(
            world.community.page("/receivables/remind"), data={"member_ids": [str(world.bea)]}
        ).status_code
        == 403
    )
    login(client, "birch@example.org")
    assert (
        client.post(
            world.community.page("/receivables/remind"), data={"member_ids": [str(world.bea)]}
        ).status_code
        == 404
    )


def test_openapi_describes_both_endpoints(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    request = paths["/api/c/{community_slug}/members/{member_id}/payment-request"]["get"]
    assert {"200", "401", "403", "404"} <= set(request["responses"])
    listing = paths["/api/c/{community_slug}/receivables"]["get"]
    assert {"200", "400", "403", "404"} <= set(listing["responses"])
    assert "sort" in [p["name"] for p in listing["parameters"]]
    settings_body = paths["/api/c/{community_slug}/settings"]["patch"]["requestBody"]
    assert "payee_bic" in settings_body["content"]["application/json"]["schema"]["properties"]


def test_remind_these_names_members_no_mail_can_reach(app, world, client):
    dan = world.post("/members", name="Dan Doe", role="owner")["id"]  # no email, no account
    world.post(
        f"/periods/{world.q3}/charges", member_id=dan, amount="7.00", date="2026-07-02", description="Key"
    )
    # Dan's debt is in the open period only, so he is not a receivable yet; Carl is.
    assert [r["name"] for r in world.api.get(world.url("/receivables")).get_json()] == [
        "Bea Brown",
        "Carl Cole",
    ]
    ok(world.api.delete(world.url(f"/members/{world.carl}")), 204)
    login(client, "admin@example.org")
    html = ok(client.get(world.community.page("/receivables"))).get_data(as_text=True)
    assert "Carl Cole</a> <small>(removed)</small>" in html
    confirm = ok(
        client.post(
            world.community.page("/receivables/remind"),
            data={"member_ids": [str(world.bea), str(world.carl)]},
        )
    )
    text = confirm.get_data(as_text=True)
    assert "Send 1 reminder?" in text and "€43.00" in text
    assert "No email address (or removed), left out: Carl Cole." in text


def test_adjustments_count_in_receivables_and_the_payment_request(world):
    # Reopen Q2, write off 60.00 of Bea's debt, close again: Q2 is settled for her, Q1 not.
    ok(world.api.patch(world.url(f"/periods/{world.q2}"), json={"status": "open"}))
    world.post(
        f"/periods/{world.q2}/adjustments",
        member_id=world.bea,
        amount="60.00",
        date="2026-06-01",
        reason="Write-off agreed by the board",
    )
    world.close(world.q2)
    rows = ok(world.api.get(world.url("/receivables"))).get_json()
    assert [(r["name"], r["debt"]) for r in rows] == [("Carl Cole", "5.00")]
    bea = ok(world.api.get(world.url(f"/members/{world.bea}/payment-request"))).get_json()
    assert bea["amount"] == "0.00"  # Q3: 0 + 20.00 − 3.00 = +17.00, in credit
