"""Payouts and adjustments (SPEC §1, §2, §5): the API, exact sheets through a close and
the carry-forward, the journal, statements, and the sheet's CSV.

The world (amounts by hand):

    Ada Admin  Plot A weight 1      Bea Brown  Plot B weight 2      Cyd Clark  Plot C weight 1

    2026 Q1 (Jan–Mar), budget: Repairs proportional 400.00
      Bea paid the fence repair out of her own pocket: Repairs 333.33, paid by Bea
      contributions  Ada 300.00, Cyd 50.00
      payouts        Bea 200.00 ("Paying back the fence"); Cyd 99.99 voided (a mistake)
      adjustments    Ada −20.00 (old debt brought over), Cyd +10.00 edited to +15.50

    Repairs 333.33 → 33333 cents over weights 1 : 2 : 1 (W = 4)
      Ada 8333.25 → 8333;  Bea 16666.5 → 16667;  Cyd 8333.25 → 8333;  Σ 33333, d = 0
    Ada: 0 + 300.00 − 83.33 − 20.00          = 196.67
    Bea: 0 + 333.33 − 166.67 − 200.00        = −33.34
    Cyd: 0 + 50.00 − 83.33 + 15.50           = −17.83
    totals: contributions 350.00, paid 333.33, allocated 333.33, payouts 200.00,
            adjustments −4.50, closing 145.50 (= 350 + 333.33 − 333.33 − 200 − 4.50)
    fund cash: 350.00 in − 200.00 paid out = 150.00 (Bea's expense never touched the fund)

    2026 Q2 (Apr–Jun), created with copy_budget_from Q1 (Repairs, no expenses)
      payouts        Ada 100.00 (refunding an overpayment)
      adjustments    Bea +33.34 ("written off by the board")
    Ada: 196.67 − 100.00 = 96.67;  Bea: −33.34 + 33.34 = 0.00;  Cyd: −17.83
    totals: opening 145.50, payouts 100.00, adjustments 33.34, closing 78.84
    fund cash: 150.00 − 100.00 = 50.00

    Then Q1 is reopened, Bea's payout corrected to 150.00 and Q1 closed again:
    Bea Q1 −33.34 + 50.00 = 16.66; Q2 recomputed: 16.66 + 33.34 = 50.00; fund 100.00.
"""

from collections import defaultdict

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import BalanceSnapshot, JournalEntry, Posting
from tests.conftest import login
from tests.helpers import ApiWorld, ok

ZERO_COLUMNS = {
    "opening": "0.00",
    "contributions": "0.00",
    "paid_expenses": "0.00",
    "allocated": "0.00",
    "usage": "0.00",
    "service_charges": "0.00",
    "payouts": "0.00",
    "adjustments": "0.00",
}


def error_fields(response):
    assert response.status_code == 400, response.get_json()
    return response.get_json()["error"]["fields"]


class World(ApiWorld):
    def __init__(self, community):
        super().__init__(community)
        self.ada = community.admin_member_id
        self.bea = self.post("/members", name="Bea Brown", email="bea@example.org", role="owner")["id"]
        self.cyd = self.post("/members", name="Cyd Clark", email="cyd@example.org", role="owner")["id"]
        for label, weight, owner in (
            ("Plot A", "1", self.ada),
            ("Plot B", "2", self.bea),
            ("Plot C", "1", self.cyd),
        ):
            self.post("/properties", label=label, share_weight=weight, owner_member_id=owner)
        self.q1 = self.post("/periods", name="2026 Q1", start_date="2026-01-01", end_date="2026-03-31")["id"]

    def record_q1(self):
        q = f"/periods/{self.q1}"
        self.post(
            q + "/budget-items", payment_type="Repairs", budgeted_cost="400.00", strategy="proportional"
        )
        self.post(
            q + "/expenses",
            amount="333.33",
            date="2026-01-10",
            payment_type="Repairs",
            vendor="Fence & Co",
            paid_by_member_id=self.bea,
        )
        self.post(q + "/contributions", member_id=self.ada, amount="300.00", date="2026-01-15")
        self.post(q + "/contributions", member_id=self.cyd, amount="50.00", date="2026-01-16")
        self.bea_payout = self.post(
            q + "/payouts",
            member_id=self.bea,
            amount="200.00",
            date="2026-02-01",
            comment="Paying back the fence",
        )["id"]
        mistake = self.post(q + "/payouts", member_id=self.cyd, amount="99.99", date="2026-02-02")["id"]
        self.void(f"/payouts/{mistake}")
        self.post(
            q + "/adjustments",
            member_id=self.ada,
            amount="-20.00",
            date="2026-01-01",
            reason="Brought over from your previous books",
        )
        cyd = self.post(
            q + "/adjustments",
            member_id=self.cyd,
            amount="10.00",
            date="2026-01-01",
            reason="Credit from the old books",
        )["id"]
        self.patch(f"/adjustments/{cyd}", amount="15.50")

    def start_q2(self):
        self.q2 = self.post(
            "/periods",
            name="2026 Q2",
            start_date="2026-04-01",
            end_date="2026-06-30",
            copy_budget_from=self.q1,
        )["id"]
        q = f"/periods/{self.q2}"
        self.post(
            q + "/payouts",
            member_id=self.ada,
            amount="100.00",
            date="2026-04-10",
            comment="Refund of an overpayment",
        )
        self.post(
            q + "/adjustments",
            member_id=self.bea,
            amount="33.34",
            date="2026-04-01",
            reason="Written off by the board",
        )


@pytest.fixture
def world(community):
    return World(community)


def rows_by_name(sheet):
    return {
        row["name"]: {k: v for k, v in row.items() if k not in ("member_id", "name")} for row in sheet["rows"]
    }


Q1_ROWS = {
    "Ada Admin": {
        **ZERO_COLUMNS,
        "contributions": "300.00",
        "allocated": "83.33",
        "adjustments": "-20.00",
        "closing": "196.67",
    },
    "Bea Brown": {
        **ZERO_COLUMNS,
        "paid_expenses": "333.33",
        "allocated": "166.67",
        "payouts": "200.00",
        "closing": "-33.34",
    },
    "Cyd Clark": {
        **ZERO_COLUMNS,
        "contributions": "50.00",
        "allocated": "83.33",
        "adjustments": "15.50",
        "closing": "-17.83",
    },
}
Q1_TOTALS = {
    **ZERO_COLUMNS,
    "contributions": "350.00",
    "paid_expenses": "333.33",
    "allocated": "333.33",
    "payouts": "200.00",
    "adjustments": "-4.50",
    "closing": "145.50",
}


# --- the sheet, by hand ------------------------------------------------------------------


def test_open_sheet_with_payouts_and_adjustments_is_exact(world):
    world.record_q1()

    sheet = world.sheet(world.q1)

    assert sheet["provisional"] is True
    assert rows_by_name(sheet) == Q1_ROWS
    assert sheet["totals"] == Q1_TOTALS
    assert sheet["fund"] == {"cash": "150.00"}


def test_close_keeps_them_and_the_next_period_opens_from_them(world, scoped):
    world.record_q1()
    world.close(world.q1)

    closed = world.sheet(world.q1)
    assert closed["provisional"] is False
    assert rows_by_name(closed) == Q1_ROWS
    assert closed["totals"] == Q1_TOTALS
    assert closed["fund"] == {"cash": "150.00"}
    with scoped(world.community.id):
        stored = {
            s.member_id: (s.payouts, s.adjustments, s.closing)
            for s in db.session.execute(
                select(BalanceSnapshot).where(BalanceSnapshot.period_id == world.q1)
            ).scalars()
        }
    assert stored == {world.ada: (0, -2000, 19667), world.bea: (20000, 0, -3334), world.cyd: (0, 1550, -1783)}

    world.start_q2()
    q2 = world.sheet(world.q2)
    assert rows_by_name(q2) == {
        "Ada Admin": {**ZERO_COLUMNS, "opening": "196.67", "payouts": "100.00", "closing": "96.67"},
        "Bea Brown": {**ZERO_COLUMNS, "opening": "-33.34", "adjustments": "33.34", "closing": "0.00"},
        "Cyd Clark": {**ZERO_COLUMNS, "opening": "-17.83", "closing": "-17.83"},
    }
    assert q2["totals"] == {
        **ZERO_COLUMNS,
        "opening": "145.50",
        "payouts": "100.00",
        "adjustments": "33.34",
        "closing": "78.84",
    }
    assert q2["fund"] == {"cash": "50.00"}
    # The budget came along: Repairs, proportional, 400.00 — with nothing spent yet.
    assert [(b["payment_type"], b["strategy"], b["budgeted"], b["actual"]) for b in q2["budget"]] == [
        ("Repairs", "proportional", "400.00", "0.00")
    ]

    world.close(world.q2)
    assert rows_by_name(world.sheet(world.q2))["Ada Admin"]["closing"] == "96.67"


def test_a_correction_in_a_reopened_period_carries_into_the_later_one(world):
    world.record_q1()
    world.close(world.q1)
    world.start_q2()
    world.close(world.q2)

    world.patch(f"/periods/{world.q1}", status="open")
    world.patch(f"/payouts/{world.bea_payout}", amount="150.00")
    assert world.sheet(world.q2)["stale"] is True
    world.close(world.q1)

    q1, q2 = world.sheet(world.q1), world.sheet(world.q2)
    assert rows_by_name(q1)["Bea Brown"]["payouts"] == "150.00"
    assert rows_by_name(q1)["Bea Brown"]["closing"] == "16.66"
    assert q2["stale"] is False
    assert rows_by_name(q2)["Bea Brown"] == {
        **ZERO_COLUMNS,
        "opening": "16.66",
        "adjustments": "33.34",
        "closing": "50.00",
    }
    assert q2["totals"]["closing"] == "128.84"
    assert q2["fund"] == {"cash": "100.00"}


def test_the_journal_sums_to_zero_and_posts_the_right_legs(world, scoped):
    world.record_q1()
    world.close(world.q1)
    world.start_q2()

    with scoped(world.community.id):
        per_entry = db.session.execute(
            select(Posting.entry_id, func.sum(Posting.amount_cents)).group_by(Posting.entry_id)
        ).all()
        assert per_entry and all(total == 0 for _, total in per_entry)
        assert db.session.execute(select(func.sum(Posting.amount_cents))).scalar_one() == 0

        legs = defaultdict(int)
        for account, category, amount in db.session.execute(
            select(Posting.account, Posting.category, Posting.amount_cents)
            .join(JournalEntry, JournalEntry.id == Posting.entry_id)
            .where(JournalEntry.source_type.in_(("payout", "adjustment")))
        ):
            legs[(account, category)] += amount
    ada, bea, cyd = world.ada, world.bea, world.cyd
    assert dict(legs) == {
        # payouts debit the member and credit the fund (the voided one nets to nothing)
        (f"Members:{bea}", "payout"): 20000,
        (f"Members:{cyd}", "payout"): 0,
        (f"Members:{ada}", "payout"): 10000,
        ("Assets:Fund", None): -30000,
        # adjustments move between the member and Equity:Adjustments, either way
        (f"Members:{ada}", "adjustment"): 2000,
        (f"Members:{cyd}", "adjustment"): -1550,
        (f"Members:{bea}", "adjustment"): -3334,
        ("Equity:Adjustments", None): -2000 + 1550 + 3334,
    }


# --- the API -----------------------------------------------------------------------------


def test_payout_create_list_edit_void(world):
    url = f"/periods/{world.q1}/payouts"
    created = world.post(
        url, member_id=world.bea, amount="12.5", date="2026-03-31", comment="Line one\nline two"
    )
    assert created == {
        "id": created["id"],
        "period_id": world.q1,
        "member_id": world.bea,
        "amount": "12.50",
        "date": "2026-03-31",
        "comment": "Line one\nline two",
    }
    no_comment = world.post(url, member_id=world.cyd, amount=3, date="2026-01-01")
    assert no_comment["comment"] == ""

    assert [p["id"] for p in ok(world.api.get(world.url(url)))] == [no_comment["id"], created["id"]]
    assert [p["id"] for p in ok(world.api.get(world.url(url + f"?member_id={world.bea}")))] == [created["id"]]
    changed = world.patch(f"/payouts/{created['id']}", amount="13.00")
    assert changed == {**created, "amount": "13.00"}

    world.void(f"/payouts/{created['id']}")
    assert [p["id"] for p in ok(world.api.get(world.url(url)))] == [no_comment["id"]]


def test_adjustment_create_edit_void(world):
    url = f"/periods/{world.q1}/adjustments"
    created = world.post(
        url,
        member_id=world.bea,
        amount="-1000000000.00",
        date="2026-02-01",
        reason="Written off\n\tby the board",
    )
    assert created == {
        "id": created["id"],
        "period_id": world.q1,
        "member_id": world.bea,
        "amount": "-1000000000.00",
        "date": "2026-02-01",
        "reason": "Written off\n\tby the board",
    }
    assert world.patch(f"/adjustments/{created['id']}", amount="1000000000")["amount"] == ("1000000000.00")
    world.void(f"/adjustments/{created['id']}")
    assert ok(world.api.get(world.url(url))) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5.00"}, "amount"),
        ({"amount": "1000000000.01"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"amount": None}, "amount"),
        ({"date": "2026-04-01"}, "date"),
        ({"date": "2025-12-31"}, "date"),
        ({"member_id": 999999}, "member_id"),
        ({"comment": "x" * 2001}, "comment"),
    ],
)
def test_a_bad_payout_is_400_on_its_field(world, body, field):
    base = {"member_id": world.bea, "amount": "10.00", "date": "2026-01-10"}
    response = world.api.post(world.url(f"/periods/{world.q1}/payouts"), json={**base, **body})
    assert field in error_fields(response)
    assert ok(world.api.get(world.url(f"/periods/{world.q1}/payouts"))) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-0.00"}, "amount"),
        ({"amount": "-1000000000.01"}, "amount"),
        ({"amount": "1000000000.01"}, "amount"),
        ({"amount": "-0.001"}, "amount"),
        ({"amount": "--1"}, "amount"),
        ({"reason": None}, "reason"),
        ({"reason": "  \n "}, "reason"),
        ({"reason": "y" * 2001}, "reason"),
        ({"date": "2026-04-01"}, "date"),
    ],
)
def test_a_bad_adjustment_is_400_on_its_field(world, body, field):
    base = {"member_id": world.bea, "amount": "-10.00", "date": "2026-01-10", "reason": "Old books"}
    response = world.api.post(world.url(f"/periods/{world.q1}/adjustments"), json={**base, **body})
    assert field in error_fields(response)
    assert ok(world.api.get(world.url(f"/periods/{world.q1}/adjustments"))) == []


def test_a_member_of_another_community_is_400(world, other_community):
    outsider = other_community.admin_member_id
    for path, extra in (("payouts", {}), ("adjustments", {"reason": "x"})):
        response = world.api.post(
            world.url(f"/periods/{world.q1}/{path}"),
            json={"member_id": outsider, "amount": "1.00", "date": "2026-01-10", **extra},
        )
        assert "member_id" in error_fields(response)


def test_an_edit_that_moves_the_date_out_of_the_period_is_400(world):
    payout = world.post(f"/periods/{world.q1}/payouts", member_id=world.bea, amount="1.00", date="2026-01-10")
    response = world.api.patch(world.url(f"/payouts/{payout['id']}"), json={"date": "2026-04-02"})
    assert "date" in error_fields(response)
    assert ok(world.api.get(world.url(f"/payouts/{payout['id']}"))) == payout


def test_every_write_is_in_the_audit_log(world):
    payout = world.post(f"/periods/{world.q1}/payouts", member_id=world.bea, amount="1.00", date="2026-01-10")
    world.patch(f"/payouts/{payout['id']}", amount="2.00")
    world.void(f"/payouts/{payout['id']}")
    adjustment = world.post(
        f"/periods/{world.q1}/adjustments",
        member_id=world.bea,
        amount="-3.00",
        date="2026-01-10",
        reason="Old books",
    )

    entries = ok(world.api.get(world.url("/audit")))
    mine = [
        (e["action"], e["entity"], e["entity_id"]) for e in entries if e["entity"] in ("payout", "adjustment")
    ]
    assert mine == [
        ("create", "adjustment", adjustment["id"]),
        ("void", "payout", payout["id"]),
        ("edit", "payout", payout["id"]),
        ("create", "payout", payout["id"]),
    ]
    edit = next(e for e in entries if e["entity"] == "payout" and e["action"] == "edit")
    assert (edit["before"]["amount_cents"], edit["after"]["amount_cents"]) == (100, 200)
    created = next(e for e in entries if e["entity"] == "adjustment")
    assert created["after"]["reason"] == "Old books"
    assert created["after"]["amount_cents"] == -300


def test_owners_read_only_their_own(world, client):
    from tests.conftest import Api, invite_and_join

    olga, token = invite_and_join(world.api, world.community.slug, "Olga Owner", "olga@example.org")
    olga_api = Api(client, token)
    mine = world.post(f"/periods/{world.q1}/payouts", member_id=olga["id"], amount="5.00", date="2026-01-10")
    theirs = world.post(f"/periods/{world.q1}/payouts", member_id=world.bea, amount="6.00", date="2026-01-10")
    adjustment = world.post(
        f"/periods/{world.q1}/adjustments",
        member_id=world.bea,
        amount="6.00",
        date="2026-01-10",
        reason="Old books",
    )

    assert ok(olga_api.get(world.url(f"/periods/{world.q1}/payouts"))) == [mine]
    assert ok(olga_api.get(world.url(f"/payouts/{mine['id']}"))) == mine
    assert olga_api.get(world.url(f"/payouts/{theirs['id']}")).status_code == 404
    assert olga_api.get(world.url(f"/adjustments/{adjustment['id']}")).status_code == 404
    assert ok(olga_api.get(world.url(f"/periods/{world.q1}/adjustments"))) == []


# --- statements and the CSV --------------------------------------------------------------


def test_the_member_balance_lists_payouts_and_adjustments(world):
    world.record_q1()

    bea = ok(world.api.get(world.url(f"/periods/{world.q1}/balances/{world.bea}")))
    assert (bea["payouts"], bea["adjustments"], bea["closing"]) == ("200.00", "0.00", "-33.34")
    assert [(p["amount"], p["comment"]) for p in bea["lines"]["payouts"]] == [
        ("200.00", "Paying back the fence")
    ]
    ada = ok(world.api.get(world.url(f"/periods/{world.q1}/balances/{world.ada}")))
    assert [(a["amount"], a["reason"]) for a in ada["lines"]["adjustments"]] == [
        ("-20.00", "Brought over from your previous books")
    ]


def test_the_api_csv_has_the_payouts_and_adjustments_columns(world):
    world.record_q1()

    text = world.api.get(world.url(f"/periods/{world.q1}/balance-sheet?format=csv")).get_data(as_text=True)

    assert text.splitlines() == [
        "member_id,name,opening,contributions,paid_expenses,allocated,usage,service_charges,"
        "payouts,adjustments,closing",
        f"{world.ada},Ada Admin,0.00,300.00,0.00,83.33,0.00,0.00,0.00,-20.00,196.67",
        f"{world.bea},Bea Brown,0.00,0.00,333.33,166.67,0.00,0.00,200.00,0.00,-33.34",
        f"{world.cyd},Cyd Clark,0.00,50.00,0.00,83.33,0.00,0.00,0.00,15.50,-17.83",
        ",Total,0.00,350.00,333.33,333.33,0.00,0.00,200.00,-4.50,145.50",
    ]


def test_the_why_page_explains_the_payout_and_the_adjustment(world, client):
    world.record_q1()
    login(client, "admin@example.org")

    ada = client.get(world.community.page(f"/me/periods/{world.q1}/statement")).get_data(as_text=True)
    assert "Brought over from your previous books" in ada
    assert "−€20.00" in ada or "-€20.00" in ada
    assert "€196.67" in ada

    bea = client.get(
        world.community.page(f"/me/periods/{world.q1}/statement?member_id={world.bea}")
    ).get_data(as_text=True)
    assert "Paid back to you" in bea
    assert "Paying back the fence" in bea
    assert "€200.00" in bea

    csv_text = client.get(
        world.community.page(f"/me/periods/{world.q1}/statement.csv?member_id={world.bea}")
    ).get_data(as_text=True)
    assert "Paid back to you,2026-02-01,Paying back the fence,,,,,,,,-200.00" in csv_text.splitlines()
    assert csv_text.splitlines()[-1].endswith(",-33.34")


def test_the_openapi_document_describes_them(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]

    create = paths["/api/c/{community_slug}/periods/{period_id}/adjustments"]["post"]
    schema = create["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["properties"]) == {"member_id", "amount", "date", "reason"}
    assert set(schema["required"]) == {"member_id", "amount", "date", "reason"}
    assert schema["properties"]["amount"]["oneOf"][0]["pattern"].startswith("^-?")
    assert create["responses"].keys() >= {"201", "400", "401", "403", "404", "409"}
    payout = paths["/api/c/{community_slug}/payouts/{row_id}"]
    assert payout["delete"]["responses"].keys() >= {"204", "403", "404", "409"}
    assert set(
        paths["/api/c/{community_slug}/periods"]["post"]["requestBody"]["content"]["application/json"][
            "schema"
        ]["properties"]
    ) >= {"copy_budget_from"}
