"""SPEC §3 and §5: periods through the API — create, list, get, rename, the rules on dates and
names, reopening, and the 409 that guards the records of a period that is not open.

The close job is not exercised here (tests/integration/test_closing.py does that): a period
is marked closed straight in the database, inside the community's scope.
"""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Period
from tests.helpers import ok


def fields(response, status=400):
    """The field names of an error answer, after checking its status and shape."""
    body = response.get_json()
    assert response.status_code == status, body
    assert set(body) == {"error"}
    return set(body["error"].get("fields", {}))


def new_period(community, name, start, end, status=201):
    return ok(
        community.api.post(
            community.url("/periods"), json={"name": name, "start_date": start, "end_date": end}
        ),
        status,
    )


def set_status(scoped, community, period_id, status):
    """What the close job would leave behind; the job itself is someone else's test."""
    with scoped(community.id):
        period = db.session.execute(select(Period).where(Period.id == period_id)).scalar_one()
        period.status = status
        db.session.commit()


# --- create, list, get, rename -----------------------------------------------------------


def test_create_answers_the_period_object(community):
    body = new_period(community, "2026 Q1", "2026-01-01", "2026-03-31")

    assert body == {
        "id": body["id"],
        "name": "2026 Q1",
        "start_date": "2026-01-01",
        "end_date": "2026-03-31",
        "status": "open",
        "stale": False,
    }
    assert isinstance(body["id"], int)


def test_a_one_day_period_is_allowed(community):
    body = new_period(community, "New Year's Day", "2026-01-01", "2026-01-01")
    assert (body["start_date"], body["end_date"]) == ("2026-01-01", "2026-01-01")


def test_list_is_oldest_first_and_get_answers_one(community):
    q2 = new_period(community, "2026 Q2", "2026-04-01", "2026-06-30")
    q1 = new_period(community, "2026 Q1", "2026-01-01", "2026-03-31")
    q4 = new_period(community, "2025 Q4", "2025-10-01", "2025-12-31")

    listed = ok(community.api.get(community.url("/periods")))
    assert [p["id"] for p in listed] == [q4["id"], q1["id"], q2["id"]]
    assert listed[1] == q1
    assert ok(community.api.get(community.url(f"/periods/{q2['id']}"))) == q2


def test_get_an_unknown_period_is_404(community):
    response = community.api.get(community.url("/periods/999999"))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_rename(community):
    period = new_period(community, "2026 Q1", "2026-01-01", "2026-03-31")

    renamed = ok(community.api.patch(community.url(f"/periods/{period['id']}"), json={"name": "Winter 2026"}))

    assert renamed == {**period, "name": "Winter 2026"}
    assert ok(community.api.get(community.url(f"/periods/{period['id']}")))["name"] == "Winter 2026"


def test_rename_to_a_taken_name_in_the_same_year_is_400(community):
    new_period(community, "Winter", "2026-01-01", "2026-02-28")
    spring = new_period(community, "Spring", "2026-03-01", "2026-05-31")

    response = community.api.patch(community.url(f"/periods/{spring['id']}"), json={"name": "Winter"})

    assert fields(response) == {"name"}
    assert ok(community.api.get(community.url(f"/periods/{spring['id']}")))["name"] == "Spring"


def test_owner_can_read_periods(community, owner):
    period = new_period(community, "2026 Q1", "2026-01-01", "2026-03-31")
    assert ok(owner.api.get(community.url("/periods"))) == [period]
    assert ok(owner.api.get(community.url(f"/periods/{period['id']}"))) == period


# --- validation ----------------------------------------------------------------------------


def test_start_after_end_is_400_on_end_date(community):
    response = community.api.post(
        community.url("/periods"),
        json={"name": "Backwards", "start_date": "2026-03-31", "end_date": "2026-01-01"},
    )
    assert fields(response) == {"end_date"}
    assert ok(community.api.get(community.url("/periods"))) == []


def test_same_name_same_start_year_is_400_on_name(community):
    new_period(community, "Q1", "2026-01-01", "2026-03-31")
    response = community.api.post(
        community.url("/periods"), json={"name": "Q1", "start_date": "2026-04-01", "end_date": "2026-06-30"}
    )
    assert fields(response) == {"name"}


def test_same_name_in_another_start_year_is_fine(community):
    first = new_period(community, "Q1", "2026-01-01", "2026-03-31")
    second = new_period(community, "Q1", "2027-01-01", "2027-03-31")
    assert first["id"] != second["id"]
    assert [p["name"] for p in ok(community.api.get(community.url("/periods")))] == ["Q1", "Q1"]


@pytest.mark.parametrize(
    "start, end",
    [
        ("2026-03-31", "2026-04-30"),  # starts on the last day of Q1 (end dates are inclusive)
        ("2025-12-01", "2026-01-01"),  # ends on the first day of Q1
        ("2026-02-01", "2026-02-28"),  # inside
        ("2025-12-01", "2026-06-30"),  # around
    ],
)
def test_overlap_is_400_on_start_date(community, start, end):
    new_period(community, "Q1", "2026-01-01", "2026-03-31")
    response = community.api.post(
        community.url("/periods"), json={"name": "Overlapping", "start_date": start, "end_date": end}
    )
    assert fields(response) == {"start_date"}


def test_adjacent_periods_do_not_overlap(community):
    new_period(community, "Q1", "2026-01-01", "2026-03-31")
    new_period(community, "Q2", "2026-04-01", "2026-06-30")
    new_period(community, "Q4", "2025-10-01", "2025-12-31")


def test_other_communities_periods_do_not_clash(community, other_community):
    new_period(community, "Q1", "2026-01-01", "2026-03-31")
    new_period(other_community, "Q1", "2026-01-01", "2026-03-31")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"start_date": "2026-01-01", "end_date": "2026-03-31"}, "name"),
        ({"name": "   ", "start_date": "2026-01-01", "end_date": "2026-03-31"}, "name"),
        ({"name": "Q1", "end_date": "2026-03-31"}, "start_date"),
        ({"name": "Q1", "start_date": "2026-02-30", "end_date": "2026-03-31"}, "start_date"),
        ({"name": "Q1", "start_date": "01/01/2026", "end_date": "2026-03-31"}, "start_date"),
        ({"name": "Q1", "start_date": "2026-01-01", "end_date": None}, "end_date"),
        ({"name": "Q1", "start_date": "2026-01-01", "end_date": 20260331}, "end_date"),
    ],
)
def test_bad_fields_are_400(community, body, field):
    assert field in fields(community.api.post(community.url("/periods"), json=body))


def test_patch_status_closed_or_closing_is_400(community):
    period = new_period(community, "Q1", "2026-01-01", "2026-03-31")
    for status in ("closed", "closing"):
        response = community.api.patch(community.url(f"/periods/{period['id']}"), json={"status": status})
        assert fields(response) == {"status"}
    assert fields(
        community.api.patch(community.url(f"/periods/{period['id']}"), json={"status": "archived"})
    ) == {"status"}
    assert ok(community.api.get(community.url(f"/periods/{period['id']}")))["status"] == "open"


def test_patch_status_open_on_an_open_period_changes_nothing(community):
    period = new_period(community, "Q1", "2026-01-01", "2026-03-31")
    assert (
        ok(community.api.patch(community.url(f"/periods/{period['id']}"), json={"status": "open"})) == period
    )


# --- reopen --------------------------------------------------------------------------------


def test_reopen_a_closed_period_makes_later_closed_periods_stale(community, scoped):
    q4 = new_period(community, "2025 Q4", "2025-10-01", "2025-12-31")
    q1 = new_period(community, "2026 Q1", "2026-01-01", "2026-03-31")
    q2 = new_period(community, "2026 Q2", "2026-04-01", "2026-06-30")
    q3 = new_period(community, "2026 Q3", "2026-07-01", "2026-09-30")
    for period in (q4, q1, q2):
        set_status(scoped, community, period["id"], "closed")
    # q3 stays open: only closed periods carry a snapshot that can go stale.

    reopened = ok(community.api.patch(community.url(f"/periods/{q1['id']}"), json={"status": "open"}))

    assert reopened == {**q1, "status": "open", "stale": False}
    by_id = {p["id"]: p for p in ok(community.api.get(community.url("/periods")))}
    assert (by_id[q4["id"]]["status"], by_id[q4["id"]]["stale"]) == ("closed", False)
    assert (by_id[q1["id"]]["status"], by_id[q1["id"]]["stale"]) == ("open", False)
    assert (by_id[q2["id"]]["status"], by_id[q2["id"]]["stale"]) == ("closed", True)
    assert (by_id[q3["id"]]["status"], by_id[q3["id"]]["stale"]) == ("open", False)

    audit = ok(community.api.get(community.url(f"/audit?entity=period&period_id={q1['id']}")))
    assert audit[0]["action"] == "reopen"
    assert (audit[0]["before"]["status"], audit[0]["after"]["status"]) == ("closed", "open")


def test_reopen_and_rename_at_once(community, scoped):
    period = new_period(community, "Q1", "2026-01-01", "2026-03-31")
    set_status(scoped, community, period["id"], "closed")

    body = ok(
        community.api.patch(
            community.url(f"/periods/{period['id']}"), json={"status": "open", "name": "Q1 (corrected)"}
        )
    )

    assert (body["status"], body["name"]) == ("open", "Q1 (corrected)")


def test_a_period_being_closed_cannot_be_reopened(community, scoped):
    period = new_period(community, "Q1", "2026-01-01", "2026-03-31")
    set_status(scoped, community, period["id"], "closing")

    response = community.api.patch(community.url(f"/periods/{period['id']}"), json={"status": "open"})

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"


def test_owner_cannot_rename_or_reopen(community, owner, scoped):
    period = new_period(community, "Q1", "2026-01-01", "2026-03-31")
    set_status(scoped, community, period["id"], "closed")
    for change in ({"name": "Mine"}, {"status": "open"}):
        response = owner.api.patch(community.url(f"/periods/{period['id']}"), json=change)
        assert response.status_code == 403
    assert ok(community.api.get(community.url(f"/periods/{period['id']}")))["status"] == "closed"


# --- a period that is not open keeps its records ------------------------------------------


class Records:
    """One record of each kind in an open period, made through the API."""

    def __init__(self, community):
        api, url = community.api, community.url
        self.community = community
        self.member = community.admin_member_id
        self.property = ok(
            api.post(
                url("/properties"),
                json={"label": "Plot 1", "share_weight": "1", "owner_member_id": self.member},
            ),
            201,
        )["id"]
        self.period = new_period(community, "Q1", "2026-01-01", "2026-03-31")["id"]
        p = f"/periods/{self.period}"
        self.ids = {
            "contributions": ok(
                api.post(
                    url(p + "/contributions"),
                    json={"member_id": self.member, "amount": "10.00", "date": "2026-01-05"},
                ),
                201,
            )["id"],
            "expenses": ok(
                api.post(
                    url(p + "/expenses"),
                    json={"amount": "20.00", "date": "2026-01-06", "payment_type": "Security"},
                ),
                201,
            )["id"],
            "charges": ok(
                api.post(
                    url(p + "/charges"),
                    json={
                        "member_id": self.member,
                        "amount": "2.50",
                        "date": "2026-01-07",
                        "description": "Key",
                    },
                ),
                201,
            )["id"],
            "budget-items": ok(
                api.post(
                    url(p + "/budget-items"),
                    json={"payment_type": "Security", "budgeted_cost": "100.00", "strategy": "proportional"},
                ),
                201,
            )["id"],
            "payouts": ok(
                api.post(
                    url(p + "/payouts"),
                    json={"member_id": self.member, "amount": "4.00", "date": "2026-01-08"},
                ),
                201,
            )["id"],
            "adjustments": ok(
                api.post(
                    url(p + "/adjustments"),
                    json={
                        "member_id": self.member,
                        "amount": "-6.00",
                        "date": "2026-01-01",
                        "reason": "Old books",
                    },
                ),
                201,
            )["id"],
        }
        self.meter = ok(
            api.post(
                url(p + "/budget-items"),
                json={"payment_type": "Water", "budgeted_cost": "10.00", "strategy": "usage_based"},
            ),
            201,
        )["id"]
        self.ids["readings"] = ok(
            api.post(
                url(p + "/readings"),
                json={
                    "property_id": self.property,
                    "budget_item_id": self.meter,
                    "start_reading": "1",
                    "end_reading": "2",
                },
            ),
            201,
        )["id"]

    def new_body(self, kind):
        return {
            "contributions": {"member_id": self.member, "amount": "11.00", "date": "2026-02-01"},
            "expenses": {"amount": "21.00", "date": "2026-02-01", "payment_type": "Garden"},
            "charges": {
                "member_id": self.member,
                "amount": "3.00",
                "date": "2026-02-01",
                "description": "Fine",
            },
            "budget-items": {"payment_type": "Garden", "budgeted_cost": "5.00", "strategy": "fixed_fee"},
            "payouts": {"member_id": self.member, "amount": "1.00", "date": "2026-02-01"},
            "adjustments": {
                "member_id": self.member,
                "amount": "2.00",
                "date": "2026-02-01",
                "reason": "Write-off",
            },
            # a second reading of the same property and item would be a 400 even when open
            "readings": None,
        }[kind]

    def change(self, kind):
        return {
            "contributions": {"amount": "12.00"},
            "expenses": {"amount": "22.00"},
            "charges": {"amount": "4.00"},
            "budget-items": {"budgeted_cost": "200.00"},
            "readings": {"end_reading": "3"},
            "payouts": {"amount": "5.00"},
            "adjustments": {"amount": "-7.00"},
        }[kind]


KINDS = ["contributions", "expenses", "charges", "budget-items", "readings", "payouts", "adjustments"]


@pytest.mark.parametrize("status", ["closed", "closing"])
@pytest.mark.parametrize("kind", KINDS)
def test_writes_into_a_period_that_is_not_open_are_409(community, scoped, kind, status):
    records = Records(community)
    api, url = community.api, community.url
    before = ok(api.get(url(f"/{kind}/{records.ids[kind]}")))
    set_status(scoped, community, records.period, status)

    body = records.new_body(kind)
    if kind == "readings":
        # A reading for another property: valid in an open period.
        other = ok(
            api.post(
                url("/properties"),
                json={"label": "Plot 2", "share_weight": "1", "owner_member_id": records.member},
            ),
            201,
        )
        body = {"property_id": other["id"], "budget_item_id": records.meter, "end_reading": "5"}
    answers = {
        "POST": api.post(url(f"/periods/{records.period}/{kind}"), json=body),
        "PATCH": api.patch(url(f"/{kind}/{records.ids[kind]}"), json=records.change(kind)),
        "DELETE": api.delete(url(f"/{kind}/{records.ids[kind]}")),
    }

    for method, response in answers.items():
        assert response.status_code == 409, (method, response.get_json())
        assert response.get_json()["error"]["code"] == "conflict", method
    assert ok(api.get(url(f"/{kind}/{records.ids[kind]}"))) == before
    assert len(ok(api.get(url(f"/periods/{records.period}/{kind}")))) == (2 if kind == "budget-items" else 1)


@pytest.mark.parametrize("kind", KINDS)
def test_writes_work_again_after_reopen(community, scoped, kind):
    records = Records(community)
    api, url = community.api, community.url
    set_status(scoped, community, records.period, "closed")
    ok(api.patch(url(f"/periods/{records.period}"), json={"status": "open"}))

    ok(api.patch(url(f"/{kind}/{records.ids[kind]}"), json=records.change(kind)))
    if kind == "budget-items":
        ok(api.post(url(f"/periods/{records.period}/{kind}"), json=records.new_body(kind)), 201)
    elif kind != "readings":
        ok(api.post(url(f"/periods/{records.period}/{kind}"), json=records.new_body(kind)), 201)
        assert api.delete(url(f"/{kind}/{records.ids[kind]}")).status_code == 204
