"""SPEC §2 and §5: budget items, meter readings, and a balance sheet checked to the cent.

The numbers in ``test_balance_sheet_to_the_cent`` are worked out by hand in the comments
above it; the test only compares the API's strings with them.
"""

import csv
import io

import pytest

from tests.conftest import invite_and_join
from tests.helpers import ApiWorld, error_fields, ok


class Builder(ApiWorld):
    def reading(self, period_id, prop, item, end, start=None):
        body = {"property_id": prop, "budget_item_id": item, "end_reading": end}
        if start is not None:
            body["start_reading"] = start
        return self.post(f"/periods/{period_id}/readings", **body)

    def expense(self, period_id, payment_type, amount, day, paid_by=None):
        return self.post(
            f"/periods/{period_id}/expenses",
            payment_type=payment_type,
            amount=amount,
            date=day,
            paid_by_member_id=paid_by,
        )["id"]


@pytest.fixture
def b(community):
    return Builder(community)


# --- budget items --------------------------------------------------------------------------


def test_budget_item_shape(b):
    q1 = b.period("Q1", "2026-01-01", "2026-03-31")
    body = b.post(
        f"/periods/{q1}/budget-items",
        payment_type=" Water ",
        budgeted_cost="120.5",
        strategy="usage_based",
        unit_rate="1.2345",
    )
    assert body == {
        "id": body["id"],
        "period_id": q1,
        "payment_type": "Water",
        "budgeted_cost": "120.50",
        "strategy": "usage_based",
        "unit_rate": "1.2345",
    }
    plain = b.post(
        f"/periods/{q1}/budget-items", payment_type="Security", budgeted_cost="10", strategy="proportional"
    )
    assert (plain["unit_rate"], plain["budgeted_cost"]) == (None, "10.00")
    assert [i["payment_type"] for i in ok(b.api.get(b.url(f"/periods/{q1}/budget-items")))] == [
        "Security",
        "Water",
    ]
    assert ok(b.api.get(b.url(f"/budget-items/{body['id']}"))) == body


@pytest.mark.parametrize("strategy", ["proportional", "fixed_fee", "usage_based", "none"])
def test_every_strategy_can_be_chosen(b, strategy):
    q1 = b.period("Q1", "2026-01-01", "2026-03-31")
    body = b.post(f"/periods/{q1}/budget-items", payment_type="X", budgeted_cost="1.00", strategy=strategy)
    assert body["strategy"] == strategy


@pytest.mark.parametrize("duplicate", ["Security", "security", "  SECURITY  ", "Security "])
def test_payment_type_is_unique_per_period(b, duplicate):
    q1 = b.period("Q1", "2026-01-01", "2026-03-31")
    q2 = b.period("Q2", "2026-04-01", "2026-06-30")
    first = b.item(q1, "Security", "proportional", "100.00")

    response = b.api.post(
        b.url(f"/periods/{q1}/budget-items"),
        json={"payment_type": duplicate, "budgeted_cost": "5.00", "strategy": "fixed_fee"},
    )

    assert error_fields(response) == {"payment_type"}
    b.item(q2, duplicate, "fixed_fee", "5.00")  # another period: fine
    # Voided, the category is free again.
    assert b.api.delete(b.url(f"/budget-items/{first}")).status_code == 204
    b.item(q1, duplicate, "fixed_fee", "5.00")


def test_renaming_onto_a_taken_payment_type_is_400(b):
    q1 = b.period("Q1", "2026-01-01", "2026-03-31")
    b.item(q1, "Security", "proportional", "100.00")
    garden = b.item(q1, "Garden", "fixed_fee", "100.00")
    assert error_fields(b.api.patch(b.url(f"/budget-items/{garden}"), json={"payment_type": "SECURITY"})) == {
        "payment_type"
    }
    # Its own name, unchanged, is no clash.
    assert (
        ok(b.api.patch(b.url(f"/budget-items/{garden}"), json={"budgeted_cost": "7.00"}))["budgeted_cost"]
        == "7.00"
    )


@pytest.mark.parametrize("strategy", ["proportional", "fixed_fee", "none"])
def test_unit_rate_only_for_usage_based(b, strategy):
    q1 = b.period("Q1", "2026-01-01", "2026-03-31")
    response = b.api.post(
        b.url(f"/periods/{q1}/budget-items"),
        json={"payment_type": "Water", "budgeted_cost": "5.00", "strategy": strategy, "unit_rate": "1.5"},
    )
    assert error_fields(response) == {"unit_rate"}
    tariff = b.item(q1, "Water", "usage_based", "5.00", unit_rate="1.5")
    # Switching a tariff item to another strategy while it keeps its rate is the same error;
    # dropping the rate with it is fine.
    assert error_fields(b.api.patch(b.url(f"/budget-items/{tariff}"), json={"strategy": strategy})) == {
        "unit_rate"
    }
    patched = ok(
        b.api.patch(b.url(f"/budget-items/{tariff}"), json={"strategy": strategy, "unit_rate": None})
    )
    assert (patched["strategy"], patched["unit_rate"]) == (strategy, None)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"unit_rate": "0"}, "unit_rate"),
        ({"unit_rate": "-1"}, "unit_rate"),
        ({"unit_rate": "0.00001"}, "unit_rate"),
        ({"unit_rate": "abc"}, "unit_rate"),
        ({"strategy": "equal"}, "strategy"),
        ({"budgeted_cost": "0"}, "budgeted_cost"),
        ({"budgeted_cost": "1.234"}, "budgeted_cost"),
        ({"payment_type": "  "}, "payment_type"),
    ],
)
def test_bad_budget_items_are_400(b, body, field):
    q1 = b.period("Q1", "2026-01-01", "2026-03-31")
    base = {"payment_type": "Water", "budgeted_cost": "5.00", "strategy": "usage_based"}
    assert error_fields(b.api.post(b.url(f"/periods/{q1}/budget-items"), json={**base, **body})) == {field}


def test_a_budget_item_with_readings_cannot_be_voided(b):
    q1 = b.period("Q1", "2026-01-01", "2026-03-31")
    plot = b.prop("Plot 1", "1", b.admin)
    water = b.item(q1, "Water", "usage_based", "5.00")
    reading = b.reading(q1, plot, water, "3")["id"]
    assert b.api.delete(b.url(f"/budget-items/{water}")).status_code == 409
    assert b.api.delete(b.url(f"/readings/{reading}")).status_code == 204
    assert b.api.delete(b.url(f"/budget-items/{water}")).status_code == 204
    assert ok(b.api.get(b.url(f"/periods/{q1}/budget-items"))) == []


def test_a_metered_item_keeps_its_strategy_while_it_has_readings(b):
    q1 = b.period("Q1", "2026-01-01", "2026-03-31")
    plot = b.prop("Plot 1", "1", b.admin)
    water = b.item(q1, "Water", "usage_based", "5.00")
    reading = b.reading(q1, plot, water, "3")["id"]
    item = b.url(f"/budget-items/{water}")

    assert b.api.patch(item, json={"strategy": "proportional"}).status_code == 409
    # Still usage_based: a new budget or a tariff are fine.
    assert ok(b.api.patch(item, json={"budgeted_cost": "6.00"}))["budgeted_cost"] == "6.00"
    assert ok(b.api.patch(item, json={"unit_rate": "2"}))["unit_rate"] == "2"
    assert ok(b.api.get(b.url(f"/readings/{reading}")))["total_cost"] == "6.00"
    assert b.api.delete(b.url(f"/readings/{reading}")).status_code == 204
    changed = ok(b.api.patch(item, json={"strategy": "fixed_fee", "unit_rate": None}))
    assert changed["strategy"] == "fixed_fee"


# --- readings ------------------------------------------------------------------------------


def test_reading_shape_and_tariff_cost_rounded_half_up(b):
    q1 = b.period("Q1", "2026-01-01", "2026-03-31")
    plot = b.prop("Plot 1", "1", b.admin)
    tariff = b.item(q1, "Water", "usage_based", "5.00", unit_rate="0.5")
    metered = b.item(q1, "Power", "usage_based", "5.00")

    # 104.010 − 100 = 4.01; 4.01 × 0.5 = 2.005 → half-up 2.01 (half-even would give 2.00)
    body = b.reading(q1, plot, tariff, "104.01", start="100")
    assert body == {
        "id": body["id"],
        "period_id": q1,
        "property_id": plot,
        "budget_item_id": tariff,
        "start_reading": "100",
        "end_reading": "104.01",
        "consumption": "4.01",
        "total_cost": "2.01",
    }
    power = b.reading(q1, plot, metered, "12.345", start="0.5")
    assert (power["consumption"], power["total_cost"]) == ("11.845", None)
    assert ok(b.api.get(b.url(f"/readings/{body['id']}"))) == body
    listed = ok(b.api.get(b.url(f"/periods/{q1}/readings")))
    assert {r["id"]: r["total_cost"] for r in listed} == {body["id"]: "2.01", power["id"]: None}

    # 0.001 × 0.5 = 0.0005 → 0.00; 0.01 × 0.5 = 0.005 → 0.01
    patched = ok(b.api.patch(b.url(f"/readings/{body['id']}"), json={"end_reading": "100.001"}))
    assert (patched["consumption"], patched["total_cost"]) == ("0.001", "0.00")
    patched = ok(b.api.patch(b.url(f"/readings/{body['id']}"), json={"end_reading": "100.01"}))
    assert (patched["consumption"], patched["total_cost"]) == ("0.01", "0.01")


def test_start_reading_defaults_to_the_previous_periods_end(b):
    q4 = b.period("2025 Q4", "2025-10-01", "2025-12-31")
    q1 = b.period("2026 Q1", "2026-01-01", "2026-03-31")
    plot1 = b.prop("Plot 1", "1", b.admin)
    plot2 = b.prop("Plot 2", "1", b.admin)
    water_q4 = b.item(q4, "Water", "usage_based", "5.00")
    gas_q4 = b.item(q4, "Gas", "usage_based", "5.00")
    b.reading(q4, plot1, water_q4, "25.5", start="10")
    b.reading(q4, plot1, gas_q4, "999", start="0")  # another payment type
    b.reading(q4, plot2, gas_q4, "77", start="0")  # another payment type
    water_q1 = b.item(q1, " WATER", "usage_based", "5.00")  # same category, other spelling

    continued = b.reading(q1, plot1, water_q1, "30")
    fresh = b.reading(q1, plot2, water_q1, "4")

    assert (continued["start_reading"], continued["consumption"]) == ("25.5", "4.5")
    assert (fresh["start_reading"], fresh["consumption"]) == ("0", "4")
    explicit = b.reading(q1, plot1, b.item(q1, "Gas", "usage_based", "5.00"), "1000", start="990")
    assert explicit["start_reading"] == "990"


def test_start_reading_default_comes_from_the_period_just_before(b):
    q3 = b.period("2025 Q3", "2025-07-01", "2025-09-30")
    q4 = b.period("2025 Q4", "2025-10-01", "2025-12-31")
    q1 = b.period("2026 Q1", "2026-01-01", "2026-03-31")
    plot = b.prop("Plot 1", "1", b.admin)
    b.reading(q3, plot, b.item(q3, "Water", "usage_based", "5.00"), "50", start="0")
    b.item(q4, "Water", "usage_based", "5.00")  # no reading in Q4

    body = b.reading(q1, plot, b.item(q1, "Water", "usage_based", "5.00"), "60")
    assert body["start_reading"] == "0"


def test_end_below_start_is_400_on_end_reading(b):
    q4 = b.period("2025 Q4", "2025-10-01", "2025-12-31")
    q1 = b.period("2026 Q1", "2026-01-01", "2026-03-31")
    plot = b.prop("Plot 1", "1", b.admin)
    b.reading(q4, plot, b.item(q4, "Water", "usage_based", "5.00"), "25.5", start="10")
    water = b.item(q1, "Water", "usage_based", "5.00")
    path = b.url(f"/periods/{q1}/readings")

    assert error_fields(
        b.api.post(
            path,
            json={
                "property_id": plot,
                "budget_item_id": water,
                "start_reading": "10",
                "end_reading": "9.999",
            },
        )
    ) == {"end_reading"}
    # The defaulted start counts too.
    assert error_fields(
        b.api.post(path, json={"property_id": plot, "budget_item_id": water, "end_reading": "25.499"})
    ) == {"end_reading"}
    equal = b.reading(q1, plot, water, "25.5")
    assert equal["consumption"] == "0"
    assert error_fields(b.api.patch(b.url(f"/readings/{equal['id']}"), json={"end_reading": "1"})) == {
        "end_reading"
    }


@pytest.mark.parametrize(
    "body, field",
    [
        ({"end_reading": "1.0001"}, "end_reading"),
        ({"start_reading": "0.0001"}, "start_reading"),
        ({"start_reading": "-1"}, "start_reading"),
        ({"end_reading": "-0.001"}, "end_reading"),
        ({"end_reading": "abc"}, "end_reading"),
        ({"end_reading": None}, "end_reading"),
        ({"end_reading": True}, "end_reading"),
        ({"property_id": 999999}, "property_id"),
        ({"property_id": "x"}, "property_id"),
        ({"budget_item_id": 999999}, "budget_item_id"),
    ],
)
def test_bad_readings_are_400(b, body, field):
    q1 = b.period("Q1", "2026-01-01", "2026-03-31")
    plot = b.prop("Plot 1", "1", b.admin)
    water = b.item(q1, "Water", "usage_based", "5.00")
    base = {"property_id": plot, "budget_item_id": water, "start_reading": "0", "end_reading": "1"}
    assert error_fields(b.api.post(b.url(f"/periods/{q1}/readings"), json={**base, **body})) == {field}


def test_three_decimals_are_fine(b):
    q1 = b.period("Q1", "2026-01-01", "2026-03-31")
    plot = b.prop("Plot 1", "1", b.admin)
    body = b.reading(q1, plot, b.item(q1, "Water", "usage_based", "5.00"), "1.001", start="0.999")
    assert (body["start_reading"], body["end_reading"], body["consumption"]) == ("0.999", "1.001", "0.002")


def test_reading_for_another_communitys_property_is_400(b, other_community):
    theirs = Builder(other_community).prop("Their plot", "1", other_community.admin_member_id)
    q1 = b.period("Q1", "2026-01-01", "2026-03-31")
    water = b.item(q1, "Water", "usage_based", "5.00")
    response = b.api.post(
        b.url(f"/periods/{q1}/readings"),
        json={"property_id": theirs, "budget_item_id": water, "end_reading": "1"},
    )
    assert error_fields(response) == {"property_id"}


def test_reading_needs_a_usage_based_item_of_the_same_period(b):
    q4 = b.period("2025 Q4", "2025-10-01", "2025-12-31")
    q1 = b.period("2026 Q1", "2026-01-01", "2026-03-31")
    plot = b.prop("Plot 1", "1", b.admin)
    old = b.item(q4, "Water", "usage_based", "5.00")
    flat = b.item(q1, "Security", "proportional", "5.00")
    for item in (old, flat):
        response = b.api.post(
            b.url(f"/periods/{q1}/readings"),
            json={"property_id": plot, "budget_item_id": item, "end_reading": "1"},
        )
        assert error_fields(response) == {"budget_item_id"}


# --- the balance sheet, by hand ------------------------------------------------------------
#
# Members (ordered by name on the sheet) and properties, ids in creation order:
#
#   Ada Admin   the admin, no property      paid "Snow removal" 25.00 out of pocket
#   Ann Archer  P1 "A-1" weight 3           pays in 300.00          (an owner with two
#               P2 "A-2" weight 1.5                                   properties; has a login)
#   Ben Baker   P3 "B-1" weight 2           pays in 100.00, paid 40.02 of Security himself,
#                                           and 40.00 in 2025 Q4 (his opening balance)
#   Cat Carter  P4 "C-1" weight 2           pays in 50.00, a 2.50 key charge
#   Dan Dunn    P5 "D-1" weight 5 INACTIVE  nothing at all: a row of zeros
#
# 2025 Q4: Ben's 40.00 contribution; a Power meter on P1 read 90 → 100 (no expense).
# 2026 Q1 budget items and expenses (fund-paid unless said):
#
#   Security  proportional, budget 120.00; expenses 60.00 (fund) + 40.02 (Ben, typed
#             "security") summed first: T = 100.02 = 10002 cents over W = 3+1.5+2+2 = 8.5
#               P1 10002×3/8.5   = 3530.12 → 3530
#               P2 10002×1.5/8.5 = 1765.06 → 1765
#               P3 10002×2/8.5   = 2353.41 → 2353
#               P4 10002×2/8.5   = 2353.41 → 2353
#             Σ = 10001, d = +1 → the largest weight, P1: 3531
#   Cleaning  fixed_fee, budget 12.00; expense 10.02: 1002 / 4 = 250.5 → 251 each,
#             Σ = 1004, d = −2 → −1 to the two first in (weight desc, id): all weigh 1,
#             so by lower id P1, P2: 250 / 250 / 251 / 251
#   Power     usage_based, budget 10.00; expense 9.99; readings P1 (start defaults to
#             Q4's 100) → 110 = 10, P3 1.5 → 7 = 5.5, P4 0 → 30 = 30, P2 none = 0; W = 45.5
#               P1 999×10/45.5  = 219.56 → 220
#               P3 999×5.5/45.5 = 120.76 → 121
#               P4 999×30/45.5  = 658.68 → 659
#             Σ = 1000, d = −1 → the largest weight, P4: 658
#   Water     usage_based with unit_rate 0.5 (tariff), budget 20.00; expense 15.00 not split;
#             P1 100 → 104.01 = 4.01 × 0.5 = 2.005 → 2.01 (half-up);
#             P4 0 → 20 = 20 × 0.5 = 10.00
#   Reserve   none, budget 40.00; expense 50.00 not split
#   Heating   usage_based, budget 10.00; expense 12.00; only reading P3 7 → 7 = 0:
#             nothing to split over → unassigned
#   Snow removal (no budget item): 25.00 paid by Ada → unassigned
#
# closing = opening + contributions + paid − allocated − usage − service charges
#   Ada: 0 + 0 + 2500 − 0 − 0 − 0                                          =  2500
#   Ann: allocated 3531+1765 + 250+250 + 220 = 6016; usage 201
#        0 + 30000 + 0 − 6016 − 201 − 0                                    = 23783
#   Ben: allocated 2353 + 251 + 121 = 2725
#        4000 + 10000 + 4002 − 2725 − 0 − 0                                = 15277
#   Cat: allocated 2353 + 251 + 658 = 3262; usage 1000
#        0 + 5000 + 0 − 3262 − 1000 − 250                                  =   488
#   Dan: 0                                                                 =     0
# totals: opening 4000, contributions 45000, paid 4002+2500 = 6502,
#         allocated 6016+2725+3262 = 12003 (= 10002 + 1002 + 999), usage 1201, charges 250,
#         closing 2500+23783+15277+488 = 42048 = 4000+45000+6502−12003−1201−250
# fund cash (all fund postings up to Q1): in 4000 + 45000 = 49000;
#         out 6000 + 1002 + 999 + 1500 + 5000 + 1200 = 15701; cash 33299

EXPECTED_ROWS = [
    # name,        opening, contributions, paid,   allocated, usage,  charges, closing
    ("Ada Admin", "0.00", "0.00", "25.00", "0.00", "0.00", "0.00", "25.00"),
    ("Ann Archer", "0.00", "300.00", "0.00", "60.16", "2.01", "0.00", "237.83"),
    ("Ben Baker", "40.00", "100.00", "40.02", "27.25", "0.00", "0.00", "152.77"),
    ("Cat Carter", "0.00", "50.00", "0.00", "32.62", "10.00", "2.50", "4.88"),
    ("Dan Dunn", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00"),
]
EXPECTED_TOTALS = {
    "opening": "40.00",
    "contributions": "450.00",
    "paid_expenses": "65.02",
    "allocated": "120.03",
    "usage": "12.01",
    "service_charges": "2.50",
    "payouts": "0.00",
    "adjustments": "0.00",
    "closing": "420.48",
}
COLUMNS = ("opening", "contributions", "paid_expenses", "allocated", "usage", "service_charges", "closing")


class Valley:
    """The community of the comment above, built through the API."""

    def __init__(self, community):
        b = self.b = Builder(community)
        self.community = community
        self.ada = b.admin
        ann, self.ann_token = invite_and_join(b.api, community.slug, "Ann Archer", "ann@example.org")
        self.ann = ann["id"]
        self.ben = b.member("Ben Baker", "ben@example.org")
        self.cat = b.member("Cat Carter", "cat@example.org")
        self.dan = b.member("Dan Dunn", "dan@example.org")
        self.p1 = b.prop("A-1", "3", self.ann)
        self.p2 = b.prop("A-2", "1.5", self.ann)
        self.p3 = b.prop("B-1", "2", self.ben)
        self.p4 = b.prop("C-1", "2", self.cat)
        self.p5 = b.prop("D-1", "5", self.dan, active=False)

        self.q4 = b.period("2025 Q4", "2025-10-01", "2025-12-31")
        b.contribution(self.q4, self.ben, "40.00", "2025-11-01")
        b.reading(self.q4, self.p1, b.item(self.q4, "Power", "usage_based", "1.00"), "100", start="90")

        q1 = self.q1 = b.period("2026 Q1", "2026-01-01", "2026-03-31")
        self.items = {
            "Security": b.item(q1, "Security", "proportional", "120.00"),
            "Cleaning": b.item(q1, "Cleaning", "fixed_fee", "12.00"),
            "Power": b.item(q1, "Power", "usage_based", "10.00"),
            "Water": b.item(q1, "Water", "usage_based", "20.00", unit_rate="0.5"),
            "Reserve": b.item(q1, "Reserve", "none", "40.00"),
            "Heating": b.item(q1, "Heating", "usage_based", "10.00"),
        }
        power_p1 = b.reading(q1, self.p1, self.items["Power"], "110")
        assert power_p1["start_reading"] == "100"
        b.reading(q1, self.p3, self.items["Power"], "7", start="1.5")
        b.reading(q1, self.p4, self.items["Power"], "30", start="0")
        b.reading(q1, self.p1, self.items["Water"], "104.01", start="100")
        b.reading(q1, self.p4, self.items["Water"], "20", start="0")
        b.reading(q1, self.p3, self.items["Heating"], "7", start="7")

        b.expense(q1, "Security", "60.00", "2026-01-15")
        b.expense(q1, "security", "40.02", "2026-02-15", paid_by=self.ben)
        b.expense(q1, "Cleaning", "10.02", "2026-01-20")
        b.expense(q1, "Power", "9.99", "2026-03-01")
        b.expense(q1, "Water", "15.00", "2026-03-02")
        b.expense(q1, "Reserve", "50.00", "2026-03-03")
        b.expense(q1, "Heating", "12.00", "2026-02-01")
        b.expense(q1, "Snow removal", "25.00", "2026-01-08", paid_by=self.ada)

        b.contribution(q1, self.ann, "300.00", "2026-01-05")
        b.contribution(q1, self.ben, "100.00", "2026-01-06")
        b.contribution(q1, self.cat, "50.00", "2026-01-07")
        b.charge(q1, self.cat, "2.50", "2026-02-10", "Replacement key")

    def sheet_url(self, query=""):
        return self.community.url(f"/periods/{self.q1}/balance-sheet{query}")

    def balance_url(self, member_id):
        return self.community.url(f"/periods/{self.q1}/balances/{member_id}")


@pytest.fixture
def valley(community):
    return Valley(community)


def cents(text: str) -> int:
    units, _, rest = text.lstrip("-").partition(".")
    value = int(units) * 100 + int(rest)
    return -value if text.startswith("-") else value


def test_balance_sheet_to_the_cent(valley):
    sheet = ok(valley.b.api.get(valley.sheet_url()))

    assert sheet["period"] == {"id": valley.q1, "name": "2026 Q1", "status": "open"}
    assert (sheet["provisional"], sheet["stale"]) == (True, False)
    ids = {
        "Ada Admin": valley.ada,
        "Ann Archer": valley.ann,
        "Ben Baker": valley.ben,
        "Cat Carter": valley.cat,
        "Dan Dunn": valley.dan,
    }
    assert sheet["rows"] == [
        {
            "member_id": ids[name],
            "name": name,
            **dict(zip(COLUMNS, values)),
            "payouts": "0.00",
            "adjustments": "0.00",
        }
        for name, *values in EXPECTED_ROWS
    ]
    assert sheet["totals"] == EXPECTED_TOTALS
    assert sheet["fund"] == {"cash": "332.99"}


def test_the_totals_obey_the_balance_identity(valley):
    sheet = ok(valley.b.api.get(valley.sheet_url()))
    t = {k: cents(v) for k, v in sheet["totals"].items()}

    assert t["closing"] == (
        t["opening"]
        + t["contributions"]
        + t["paid_expenses"]
        - t["allocated"]
        - t["usage"]
        - t["service_charges"]
    )
    for column in COLUMNS:
        assert t[column] == sum(cents(r[column]) for r in sheet["rows"]), column
    for row in sheet["rows"]:
        r = {k: cents(row[k]) for k in COLUMNS}
        assert r["closing"] == (
            r["opening"]
            + r["contributions"]
            + r["paid_expenses"]
            - r["allocated"]
            - r["usage"]
            - r["service_charges"]
        ), row


def test_budget_and_unassigned(valley):
    sheet = ok(valley.b.api.get(valley.sheet_url()))

    spec_keys = ("payment_type", "strategy", "budgeted", "actual", "variance")
    assert [{k: line[k] for k in spec_keys} for line in sheet["budget"]] == [
        # variance = budgeted − actual
        {
            "payment_type": "Cleaning",
            "strategy": "fixed_fee",
            "budgeted": "12.00",
            "actual": "10.02",
            "variance": "1.98",
        },
        {
            "payment_type": "Heating",
            "strategy": "usage_based",
            "budgeted": "10.00",
            "actual": "12.00",
            "variance": "-2.00",
        },
        {
            "payment_type": "Power",
            "strategy": "usage_based",
            "budgeted": "10.00",
            "actual": "9.99",
            "variance": "0.01",
        },
        {
            "payment_type": "Reserve",
            "strategy": "none",
            "budgeted": "40.00",
            "actual": "50.00",
            "variance": "-10.00",
        },
        {
            "payment_type": "Security",
            "strategy": "proportional",
            "budgeted": "120.00",
            "actual": "100.02",
            "variance": "19.98",
        },
        {
            "payment_type": "Water",
            "strategy": "usage_based",
            "budgeted": "20.00",
            "actual": "15.00",
            "variance": "5.00",
        },
    ]
    unassigned = sorted(
        ({"payment_type": u["payment_type"], "amount": u["amount"]} for u in sheet["unassigned"]),
        key=lambda u: u["payment_type"],
    )
    assert unassigned == [
        {"payment_type": "Heating", "amount": "12.00"},
        {"payment_type": "Snow removal", "amount": "25.00"},
    ]


def test_an_assigned_category_leaves_unassigned(valley):
    b = valley.b
    b.item(valley.q1, "snow REMOVAL", "fixed_fee", "30.00")
    sheet = ok(b.api.get(valley.sheet_url()))
    assert [u["payment_type"] for u in sheet["unassigned"]] == ["Heating"]
    # 2500 over 4 active properties = 625 each, no remainder
    assert sheet["totals"]["allocated"] == "145.03"  # 120.03 + 25.00
    assert sheet["totals"]["closing"] == "395.48"  # 420.48 − 25.00


def test_member_balance_lines(valley):
    ann = ok(valley.b.api.get(valley.balance_url(valley.ann)))

    assert ann["member_id"] == valley.ann
    assert ann["name"] == "Ann Archer"
    assert {c: ann[c] for c in COLUMNS} == dict(zip(COLUMNS, EXPECTED_ROWS[1][1:]))
    assert ann["provisional"] is True
    lines = ann["lines"]
    assert lines["opening"] == "0.00"
    assert [(c["amount"], c["date"]) for c in lines["contributions"]] == [("300.00", "2026-01-05")]
    assert (lines["paid_expenses"], lines["service_charges"]) == ([], [])
    keys = (
        "payment_type",
        "strategy",
        "property_id",
        "property",
        "basis",
        "basis_total",
        "total",
        "share",
        "rounding",
    )
    allocations = sorted(
        ({k: line[k] for k in keys} for line in lines["allocations"]),
        key=lambda line: (line["payment_type"], line["property_id"]),
    )
    assert allocations == [
        {
            "payment_type": "Cleaning",
            "strategy": "fixed_fee",
            "property_id": valley.p1,
            "property": "A-1",
            "basis": "1",
            "basis_total": "4",
            "total": "10.02",
            "share": "2.50",
            "rounding": "-0.01",
        },
        {
            "payment_type": "Cleaning",
            "strategy": "fixed_fee",
            "property_id": valley.p2,
            "property": "A-2",
            "basis": "1",
            "basis_total": "4",
            "total": "10.02",
            "share": "2.50",
            "rounding": "-0.01",
        },
        {
            "payment_type": "Power",
            "strategy": "usage_based",
            "property_id": valley.p1,
            "property": "A-1",
            "basis": "10",
            "basis_total": "45.5",
            "total": "9.99",
            "share": "2.20",
            "rounding": "0.00",
        },
        {
            "payment_type": "Security",
            "strategy": "proportional",
            "property_id": valley.p1,
            "property": "A-1",
            "basis": "3",
            "basis_total": "8.5",
            "total": "100.02",
            "share": "35.31",
            "rounding": "0.01",
        },
        {
            "payment_type": "Security",
            "strategy": "proportional",
            "property_id": valley.p2,
            "property": "A-2",
            "basis": "1.5",
            "basis_total": "8.5",
            "total": "100.02",
            "share": "17.65",
            "rounding": "0.00",
        },
    ]
    assert sum(cents(line["share"]) for line in lines["allocations"]) == cents(ann["allocated"])
    assert [
        {k: u[k] for k in ("payment_type", "property_id", "consumption", "amount")} for u in lines["usage"]
    ] == [{"payment_type": "Water", "property_id": valley.p1, "consumption": "4.01", "amount": "2.01"}]


def test_member_balance_lines_of_the_other_members(valley):
    api = valley.b.api
    ben = ok(api.get(valley.balance_url(valley.ben)))
    assert (ben["opening"], ben["closing"], ben["lines"]["opening"]) == ("40.00", "152.77", "40.00")
    assert [(e["amount"], e["payment_type"], e["budget_item_id"]) for e in ben["lines"]["paid_expenses"]] == [
        ("40.02", "security", valley.items["Security"])
    ]
    assert sorted(
        (line["payment_type"], line["share"], line["rounding"]) for line in ben["lines"]["allocations"]
    ) == [("Cleaning", "2.51", "0.00"), ("Power", "1.21", "0.00"), ("Security", "23.53", "0.00")]

    cat = ok(api.get(valley.balance_url(valley.cat)))
    assert [c["amount"] for c in cat["lines"]["service_charges"]] == ["2.50"]
    power = [line for line in cat["lines"]["allocations"] if line["payment_type"] == "Power"]
    assert [(p["basis"], p["share"], p["rounding"]) for p in power] == [("30", "6.58", "-0.01")]
    assert [(u["consumption"], u["amount"]) for u in cat["lines"]["usage"]] == [("20", "10.00")]

    dan = ok(api.get(valley.balance_url(valley.dan)))
    assert {c: dan[c] for c in COLUMNS} == dict.fromkeys(COLUMNS, "0.00")
    assert (dan["lines"]["allocations"], dan["lines"]["usage"]) == ([], [])

    ada = ok(api.get(valley.balance_url(valley.ada)))
    assert (ada["paid_expenses"], ada["closing"]) == ("25.00", "25.00")
    assert [(e["payment_type"], e["budget_item_id"]) for e in ada["lines"]["paid_expenses"]] == [
        ("Snow removal", None)
    ]


def test_owner_reads_only_their_own_balance(valley, other_community):
    ann = valley.b.api.as_(valley.ann_token)

    assert ok(ann.get(valley.balance_url(valley.ann)))["closing"] == "237.83"
    for member_id in (valley.ben, valley.ada):
        response = ann.get(valley.balance_url(member_id))
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "forbidden"
    assert ann.get(valley.balance_url(other_community.admin_member_id)).status_code == 404
    assert ann.get(valley.sheet_url()).status_code == 403
    assert ann.get(valley.sheet_url("?format=csv")).status_code == 403


def test_owners_see_the_sheet_when_the_community_says_so(valley):
    api = valley.b.api
    ann = api.as_(valley.ann_token)
    assert (
        ann.patch(valley.community.url("/settings"), json={"owners_see_balance_sheet": True}).status_code
        == 403
    )

    settings = ok(api.patch(valley.community.url("/settings"), json={"owners_see_balance_sheet": True}))
    assert settings["owners_see_balance_sheet"] is True

    assert ok(ann.get(valley.sheet_url())) == ok(api.get(valley.sheet_url()))

    ok(api.patch(valley.community.url("/settings"), json={"owners_see_balance_sheet": False}))
    assert ann.get(valley.sheet_url()).status_code == 403


def test_balance_sheet_csv(valley):
    response = valley.b.api.get(valley.sheet_url("?format=csv"))

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["member_id", "name", *COLUMNS[:-1], "payouts", "adjustments", "closing"]
    ids = {
        "Ada Admin": valley.ada,
        "Ann Archer": valley.ann,
        "Ben Baker": valley.ben,
        "Cat Carter": valley.cat,
        "Dan Dunn": valley.dan,
    }
    # No payouts or adjustments in the valley: those two columns are 0.00, before closing.
    assert rows[1:6] == [
        [str(ids[name]), name, *values[:-1], "0.00", "0.00", values[-1]] for name, *values in EXPECTED_ROWS
    ]
    assert rows[6:] == [
        ["", "Total", *(EXPECTED_TOTALS[c] for c in COLUMNS[:-1]), "0.00", "0.00", EXPECTED_TOTALS["closing"]]
    ]


def test_a_void_changes_the_sheet_by_exactly_its_amount(valley):
    api = valley.b.api
    cleaning = [
        e
        for e in ok(api.get(valley.community.url(f"/periods/{valley.q1}/expenses")))
        if e["payment_type"] == "Cleaning"
    ]
    assert api.delete(valley.community.url(f"/expenses/{cleaning[0]['id']}")).status_code == 204

    sheet = ok(api.get(valley.sheet_url()))
    rows = {r["name"]: r for r in sheet["rows"]}
    # Without Cleaning (250+250 / 251 / 251): Ann 60.16 − 5.00, Ben 27.25 − 2.51, Cat 32.62 − 2.51
    assert [rows[n]["allocated"] for n in ("Ann Archer", "Ben Baker", "Cat Carter")] == [
        "55.16",
        "24.74",
        "30.11",
    ]
    assert sheet["totals"]["allocated"] == "110.01"
    assert sheet["fund"] == {"cash": "343.01"}  # 332.99 + 10.02


def test_nothing_to_split_over_is_unassigned_not_split(b):
    owner = b.member("Oli Old", "oli@example.org")
    b.prop("Gone", "2", owner, active=False)
    q1 = b.period("Q1", "2026-01-01", "2026-03-31")
    b.item(q1, "Security", "proportional", "10.00")
    b.item(q1, "Cleaning", "fixed_fee", "10.00")
    b.item(q1, "Power", "usage_based", "10.00")  # no readings at all
    for payment_type in ("Security", "Cleaning", "Power"):
        b.expense(q1, payment_type, "3.00", "2026-01-10")

    sheet = ok(b.api.get(b.url(f"/periods/{q1}/balance-sheet")))

    assert sorted((u["payment_type"], u["amount"]) for u in sheet["unassigned"]) == [
        ("Cleaning", "3.00"),
        ("Power", "3.00"),
        ("Security", "3.00"),
    ]
    assert sheet["totals"]["allocated"] == "0.00"
    assert [(r["name"], r["closing"]) for r in sheet["rows"]] == [("Oli Old", "0.00")]
    assert sheet["fund"] == {"cash": "-9.00"}


def test_sheet_of_an_empty_period(b):
    q1 = b.period("Q1", "2026-01-01", "2026-03-31")
    sheet = ok(b.api.get(b.url(f"/periods/{q1}/balance-sheet")))
    assert sheet == {
        "period": {"id": q1, "name": "Q1", "status": "open"},
        "provisional": True,
        "stale": False,
        "rows": [],
        "totals": dict.fromkeys((*COLUMNS, "payouts", "adjustments"), "0.00"),
        "budget": [],
        "unassigned": [],
        "fund": {"cash": "0.00"},
    }
