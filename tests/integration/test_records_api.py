"""SPEC §2 and §5: contributions, expenses and service charges through the API.

Shapes and amounts are exact: amounts leave as strings with two decimals, ids as integers,
dates as YYYY-MM-DD. A void (DELETE) takes a record out of lists and sums but not out of the
audit log. Bad input is a 400 naming the field, never a 500.
"""

import json

import pytest

from tests.conftest import invite_and_join
from tests.helpers import error_fields, ok


class World:
    """Maple Court with two owners and the period 2026 Q1 (Jan–Mar)."""

    def __init__(self, community):
        self.community = community
        self.api, self.url = community.api, community.url
        self.admin = community.admin_member_id
        self.bea, self.bea_token = invite_and_join(self.api, community.slug, "Bea Brown", "bea@example.org")
        self.bea = self.bea["id"]
        self.cyd = ok(
            self.api.post(
                self.url("/members"), json={"name": "Cyd Clark", "email": "cyd@example.org", "role": "owner"}
            ),
            201,
        )["id"]
        for label, owner in (("Plot 1", self.bea), ("Plot 2", self.cyd)):
            ok(
                self.api.post(
                    self.url("/properties"),
                    json={"label": label, "share_weight": "1", "owner_member_id": owner},
                ),
                201,
            )
        self.period = ok(
            self.api.post(
                self.url("/periods"),
                json={"name": "2026 Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
            ),
            201,
        )["id"]

    def path(self, kind):
        return self.url(f"/periods/{self.period}/{kind}")

    def post(self, kind, status=201, **body):
        return ok(self.api.post(self.path(kind), json=body), status)

    def listing(self, kind, query=""):
        return ok(self.api.get(self.path(kind) + query))

    def row(self, member_id):
        sheet = ok(self.api.get(self.url(f"/periods/{self.period}/balance-sheet")))
        return next((r for r in sheet["rows"] if r["member_id"] == member_id), None)

    def totals(self):
        return ok(self.api.get(self.url(f"/periods/{self.period}/balance-sheet")))["totals"]


@pytest.fixture
def world(community):
    return World(community)


# --- contributions -------------------------------------------------------------------------


def test_contribution_is_created_with_exact_shape(world):
    body = world.post(
        "contributions", member_id=world.bea, amount="300", date="2026-01-10", comment="  January  "
    )

    assert body == {
        "id": body["id"],
        "period_id": world.period,
        "member_id": world.bea,
        "amount": "300.00",
        "date": "2026-01-10",
        "comment": "January",
    }
    assert isinstance(body["id"], int)
    assert ok(world.api.get(world.url(f"/contributions/{body['id']}"))) == body


def test_contributions_list_is_chronological_with_running_totals_per_member(world):
    # Created out of order on purpose; the list is by date (then id).
    c3 = world.post("contributions", member_id=world.bea, amount="0.10", date="2026-03-01")["id"]
    c1 = world.post("contributions", member_id=world.bea, amount="100.00", date="2026-01-15")["id"]
    c2 = world.post("contributions", member_id=world.cyd, amount="50.05", date="2026-02-01")["id"]
    c2b = world.post("contributions", member_id=world.bea, amount="0.90", date="2026-02-01")["id"]

    listed = world.listing("contributions")

    assert [(c["id"], c["member_id"], c["amount"], c["date"], c["cumulative"]) for c in listed] == [
        (c1, world.bea, "100.00", "2026-01-15", "100.00"),
        (c2, world.cyd, "50.05", "2026-02-01", "50.05"),
        (c2b, world.bea, "0.90", "2026-02-01", "100.90"),  # 100.00 + 0.90
        (c3, world.bea, "0.10", "2026-03-01", "101.00"),  # 100.90 + 0.10
    ]
    only_bea = world.listing("contributions", f"?member_id={world.bea}")
    assert [(c["id"], c["cumulative"]) for c in only_bea] == [(c1, "100.00"), (c2b, "100.90"), (c3, "101.00")]
    assert [c["id"] for c in world.listing("contributions", f"?member_id={world.cyd}")] == [c2]
    assert world.listing("contributions", f"?member_id={world.admin}") == []


@pytest.mark.parametrize(
    "kind, arg", [("contributions", "member_id"), ("charges", "member_id"), ("expenses", "paid_by")]
)
@pytest.mark.parametrize(
    "value", ["abc", "-1", "1.5", "99999999999999999999999", "9223372036854775808", "\u00b2", "\u0663"]
)
def test_list_filters_must_be_ids(world, kind, arg, value):
    assert error_fields(world.api.get(world.path(kind), query_string={arg: value})) == {arg}


def test_contribution_patch(world):
    created = world.post(
        "contributions", member_id=world.bea, amount="300.00", date="2026-01-10", comment="January"
    )

    patched = ok(
        world.api.patch(
            world.url(f"/contributions/{created['id']}"), json={"amount": "250.50", "member_id": world.cyd}
        )
    )

    assert patched == {**created, "amount": "250.50", "member_id": world.cyd}
    assert world.row(world.cyd)["contributions"] == "250.50"
    assert world.row(world.bea)["contributions"] == "0.00"
    audit = ok(world.api.get(world.url("/audit?entity=contribution")))
    assert [e["action"] for e in audit] == ["edit", "create"]
    assert (audit[0]["before"]["member_id"], audit[0]["after"]["member_id"]) == (world.bea, world.cyd)


def test_contribution_patch_validates_like_create(world):
    created = world.post("contributions", member_id=world.bea, amount="300.00", date="2026-01-10")
    item = world.url(f"/contributions/{created['id']}")
    assert error_fields(world.api.patch(item, json={"amount": "0"})) == {"amount"}
    assert error_fields(world.api.patch(item, json={"date": "2026-04-01"})) == {"date"}
    assert ok(world.api.get(item)) == created


def test_contribution_void_leaves_lists_and_sums_but_not_the_audit_log(world):
    kept = world.post("contributions", member_id=world.bea, amount="100.00", date="2026-01-05")
    voided = world.post(
        "contributions", member_id=world.bea, amount="300.00", date="2026-01-10", comment="twice by mistake"
    )
    assert world.row(world.bea)["contributions"] == "400.00"

    response = world.api.delete(world.url(f"/contributions/{voided['id']}"))

    assert response.status_code == 204
    assert response.get_data() == b""
    assert [c["id"] for c in world.listing("contributions")] == [kept["id"]]
    assert world.api.get(world.url(f"/contributions/{voided['id']}")).status_code == 404
    assert world.row(world.bea)["contributions"] == "100.00"
    assert world.totals()["contributions"] == "100.00"
    # Voiding again: it is gone.
    assert world.api.delete(world.url(f"/contributions/{voided['id']}")).status_code == 404
    assert (
        world.api.patch(world.url(f"/contributions/{voided['id']}"), json={"amount": "1.00"}).status_code
        == 404
    )

    audit = ok(world.api.get(world.url(f"/audit?entity=contribution&period_id={world.period}")))
    void = [e for e in audit if e["entity_id"] == voided["id"]]
    assert [e["action"] for e in void] == ["void", "create"]
    assert void[0]["before"] == {
        "member_id": world.bea,
        "amount_cents": 30000,
        "date": "2026-01-10",
        "comment": "twice by mistake",
    }


def test_owner_sees_only_their_own_contributions(world):
    mine = world.post("contributions", member_id=world.bea, amount="10.00", date="2026-01-05")
    theirs = world.post("contributions", member_id=world.cyd, amount="20.00", date="2026-01-06")
    bea = world.api.as_(world.bea_token)

    assert [c["id"] for c in ok(bea.get(world.path("contributions")))] == [mine["id"]]
    assert ok(bea.get(world.url(f"/contributions/{mine['id']}")))["amount"] == "10.00"
    assert bea.get(world.url(f"/contributions/{theirs['id']}")).status_code == 404


# --- expenses ------------------------------------------------------------------------------


def test_expense_created_with_exact_shape_and_payer_credited(world):
    body = world.post(
        "expenses",
        amount="120.00",
        date="2026-02-03",
        payment_type="Security",
        vendor="Guard Co",
        description="February patrols",
        paid_by_member_id=world.cyd,
    )

    assert body == {
        "id": body["id"],
        "period_id": world.period,
        "amount": "120.00",
        "date": "2026-02-03",
        "payment_type": "Security",
        "vendor": "Guard Co",
        "description": "February patrols",
        "paid_by_member_id": world.cyd,
        "budget_item_id": None,
    }
    row = world.row(world.cyd)
    assert (row["paid_expenses"], row["allocated"], row["closing"]) == ("120.00", "0.00", "120.00")


def test_fund_paid_expense_has_no_payer(world):
    body = world.post("expenses", amount="5.00", date="2026-02-03", payment_type="Stamps")
    assert (body["paid_by_member_id"], body["vendor"], body["description"]) == (None, "", "")
    assert world.totals()["paid_expenses"] == "0.00"


def test_expenses_filter_by_payer(world):
    by_cyd = world.post(
        "expenses", amount="10.00", date="2026-01-03", payment_type="Garden", paid_by_member_id=world.cyd
    )["id"]
    by_fund = world.post("expenses", amount="20.00", date="2026-01-02", payment_type="Garden")["id"]
    by_bea = world.post(
        "expenses", amount="30.00", date="2026-01-04", payment_type="Garden", paid_by_member_id=world.bea
    )["id"]

    assert [e["id"] for e in world.listing("expenses")] == [by_fund, by_cyd, by_bea]
    assert [e["id"] for e in world.listing("expenses", f"?paid_by={world.cyd}")] == [by_cyd]
    assert [e["id"] for e in world.listing("expenses", f"?paid_by={world.bea}")] == [by_bea]
    assert world.listing("expenses", f"?paid_by={world.admin}") == []


def test_expense_finds_its_budget_item_ignoring_case_and_spaces(world):
    expense = world.post("expenses", amount="40.00", date="2026-01-20", payment_type="  snow   REMOVAL ")
    assert expense["payment_type"] == "snow   REMOVAL"
    assert expense["budget_item_id"] is None
    assert world.listing("expenses")[0]["budget_item_id"] is None

    item = world.post(
        "budget-items", payment_type="Snow removal", budgeted_cost="100.00", strategy="fixed_fee"
    )["id"]

    assert world.listing("expenses")[0]["budget_item_id"] == item
    assert ok(world.api.get(world.url(f"/expenses/{expense['id']}")))["budget_item_id"] == item
    later = world.post("expenses", amount="1.00", date="2026-01-21", payment_type="SNOW REMOVAL")
    assert later["budget_item_id"] == item
    other = world.post("expenses", amount="1.00", date="2026-01-21", payment_type="Snow")
    assert other["budget_item_id"] is None


def test_expense_patch_moves_the_credit_to_the_new_payer(world):
    expense = world.post(
        "expenses", amount="60.00", date="2026-01-20", payment_type="Garden", paid_by_member_id=world.bea
    )

    patched = ok(
        world.api.patch(
            world.url(f"/expenses/{expense['id']}"), json={"paid_by_member_id": world.cyd, "amount": "61.00"}
        )
    )

    assert patched == {**expense, "paid_by_member_id": world.cyd, "amount": "61.00"}
    assert world.row(world.bea)["paid_expenses"] == "0.00"
    assert world.row(world.cyd)["paid_expenses"] == "61.00"


def test_expense_void(world):
    expense = world.post(
        "expenses", amount="60.00", date="2026-01-20", payment_type="Garden", paid_by_member_id=world.bea
    )
    assert world.api.delete(world.url(f"/expenses/{expense['id']}")).status_code == 204
    assert world.listing("expenses") == []
    assert world.row(world.bea)["paid_expenses"] == "0.00"
    audit = ok(world.api.get(world.url("/audit?entity=expense")))
    assert audit[0]["action"] == "void"
    assert audit[0]["before"]["paid_by_member_id"] == world.bea


# --- service charges -----------------------------------------------------------------------


def test_charge_created_listed_patched_voided(world):
    charge = world.post(
        "charges", member_id=world.cyd, amount="2.50", date="2026-03-31", description="Replacement key"
    )
    assert charge == {
        "id": charge["id"],
        "period_id": world.period,
        "member_id": world.cyd,
        "amount": "2.50",
        "date": "2026-03-31",
        "description": "Replacement key",
    }
    other = world.post(
        "charges", member_id=world.bea, amount="10.00", date="2026-03-01", description="Late fee"
    )
    assert [c["id"] for c in world.listing("charges")] == [other["id"], charge["id"]]
    assert [c["id"] for c in world.listing("charges", f"?member_id={world.cyd}")] == [charge["id"]]
    row = world.row(world.cyd)
    assert (row["service_charges"], row["closing"]) == ("2.50", "-2.50")

    patched = ok(world.api.patch(world.url(f"/charges/{charge['id']}"), json={"amount": "3"}))
    assert patched == {**charge, "amount": "3.00"}
    assert world.row(world.cyd)["service_charges"] == "3.00"

    assert world.api.delete(world.url(f"/charges/{charge['id']}")).status_code == 204
    assert [c["id"] for c in world.listing("charges")] == [other["id"]]
    assert world.row(world.cyd)["service_charges"] == "0.00"
    assert world.totals()["service_charges"] == "10.00"


def test_charge_needs_a_description(world):
    response = world.api.post(
        world.path("charges"),
        json={"member_id": world.cyd, "amount": "1.00", "date": "2026-01-01", "description": " "},
    )
    assert error_fields(response) == {"description"}


# --- validation ----------------------------------------------------------------------------

BAD_AMOUNTS = [
    0,
    "0",
    "0.00",
    -1,
    "-1",
    "-0.01",
    "1.001",
    "0.001",
    "1000000000.01",
    "abc",
    "",
    "1e3",
    "1,000.00",
    "NaN",
    "Infinity",
    True,
    False,
    None,
    [],
    {},
]


@pytest.mark.parametrize("kind", ["contributions", "expenses", "charges"])
@pytest.mark.parametrize("amount", BAD_AMOUNTS, ids=repr)
def test_bad_amount_is_400_on_amount(world, kind, amount):
    body = {
        "contributions": {"member_id": world.bea, "date": "2026-01-10"},
        "expenses": {"date": "2026-01-10", "payment_type": "Garden"},
        "charges": {"member_id": world.bea, "date": "2026-01-10", "description": "Fine"},
    }[kind]
    response = world.api.post(world.path(kind), json={**body, "amount": amount})
    assert error_fields(response) == {"amount"}
    assert world.listing(kind) == []


@pytest.mark.parametrize("raw", ["1e10", "1E+10", "10000000000", "-1", "0", "1.001", "12.345"])
def test_bad_json_numbers_are_400(world, raw):
    text = '{"member_id": %d, "date": "2026-01-10", "amount": %s}' % (world.bea, raw)
    response = world.api.post(world.path("contributions"), data=text, content_type="application/json")
    assert error_fields(response) == {"amount"}


@pytest.mark.parametrize(
    "raw, amount",
    [
        ("12.5", "12.50"),
        ("12", "12.00"),
        ("0.01", "0.01"),
        ("1000000000.00", "1000000000.00"),
        ('"7.10"', "7.10"),
        ('" 7.1 "', "7.10"),
    ],
)
def test_json_numbers_with_two_decimals_at_most_are_accepted(world, raw, amount):
    text = '{"member_id": %d, "date": "2026-01-10", "amount": %s}' % (world.bea, raw)
    response = world.api.post(world.path("contributions"), data=text, content_type="application/json")
    assert ok(response, 201)["amount"] == amount


@pytest.mark.parametrize("kind", ["contributions", "expenses", "charges"])
@pytest.mark.parametrize("day", ["2025-12-31", "2026-04-01", "2027-01-15"])
def test_date_outside_the_period_is_400_on_date(world, kind, day):
    body = {
        "contributions": {"member_id": world.bea, "amount": "1.00"},
        "expenses": {"amount": "1.00", "payment_type": "Garden"},
        "charges": {"member_id": world.bea, "amount": "1.00", "description": "Fine"},
    }[kind]
    assert error_fields(world.api.post(world.path(kind), json={**body, "date": day})) == {"date"}


@pytest.mark.parametrize("day", ["2026-01-01", "2026-03-31"])
def test_the_period_bounds_are_inside(world, day):
    world.post("contributions", member_id=world.bea, amount="1.00", date=day)


@pytest.mark.parametrize("day", ["", "2026-02-30", "10/01/2026", 20260110, None])
def test_bad_date_is_400_on_date(world, day):
    response = world.api.post(
        world.path("contributions"), json={"member_id": world.bea, "amount": "1.00", "date": day}
    )
    assert error_fields(response) == {"date"}


@pytest.mark.parametrize(
    "kind, field",
    [("contributions", "member_id"), ("charges", "member_id"), ("expenses", "paid_by_member_id")],
)
def test_member_of_another_community_is_400(world, other_community, kind, field):
    stranger = other_community.admin_member_id
    body = {
        "contributions": {"amount": "1.00", "date": "2026-01-10"},
        "expenses": {"amount": "1.00", "date": "2026-01-10", "payment_type": "Garden"},
        "charges": {"amount": "1.00", "date": "2026-01-10", "description": "Fine"},
    }[kind]
    for member_id in (stranger, 999999, "abc", -1):
        response = world.api.post(world.path(kind), json={**body, field: member_id})
        assert error_fields(response) == {field}, member_id
    assert world.listing(kind) == []


def test_patch_to_a_member_of_another_community_is_400(world, other_community):
    created = world.post("contributions", member_id=world.bea, amount="1.00", date="2026-01-10")
    response = world.api.patch(
        world.url(f"/contributions/{created['id']}"), json={"member_id": other_community.admin_member_id}
    )
    assert error_fields(response) == {"member_id"}
    assert ok(world.api.get(world.url(f"/contributions/{created['id']}"))) == created


@pytest.mark.parametrize("payment_type", ["", "   ", None, "x" * 81])
def test_blank_or_long_payment_type_is_400(world, payment_type):
    response = world.api.post(
        world.path("expenses"), json={"amount": "1.00", "date": "2026-01-10", "payment_type": payment_type}
    )
    assert error_fields(response) == {"payment_type"}


def test_several_bad_fields_are_reported_together(world):
    response = world.api.post(
        world.path("contributions"), json={"member_id": "x", "amount": "-5", "date": "yesterday"}
    )
    assert error_fields(response) == {"member_id", "amount", "date"}


@pytest.mark.parametrize("data", ["", "not json", "[1, 2]", '"text"', "{"])
def test_a_body_that_is_not_an_object_is_400(world, data):
    response = world.api.post(world.path("contributions"), data=data, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "validation_error"


def test_unknown_fields_are_refused(world):
    """SPEC §5: an unknown field is a 400 naming it (read-only fields included)."""
    response = world.api.post(
        world.url(f"/periods/{world.period}/contributions"),
        json={"member_id": world.bea, "amount": "1.00", "date": "2026-01-10", "id": 12345, "period_id": 999},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {
        "id": ["Unknown field."],
        "period_id": ["Unknown field."],
    }


def test_nothing_here_answers_500(world):
    """A sweep of odd bodies over every record kind: 400s, never a 500."""
    odd_values = [
        None,
        True,
        "",
        " ",
        "abc",
        -1,
        0,
        1e300,
        "1" * 70,
        [],
        {},
        "2026-01-10",
        "\x00",
        "<script>",
    ]
    for kind in ("contributions", "expenses", "charges"):
        for field in (
            "member_id",
            "amount",
            "date",
            "payment_type",
            "paid_by_member_id",
            "description",
            "comment",
            "vendor",
        ):
            for value in odd_values:
                response = world.api.post(
                    world.path(kind), data=json.dumps({field: value}), content_type="application/json"
                )
                assert response.status_code == 400, (kind, field, value, response.get_json())
