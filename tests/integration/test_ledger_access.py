"""SPEC §4 for the ledger: another community's ids are 404, owners cannot write, no login 401.

One line of LEDGER per resource; every rule below runs for every line. ``nested`` resources
are listed and created under /periods/<id>/<path>; periods themselves live at /periods.
"""

from dataclasses import dataclass
from collections.abc import Callable

import pytest
from tests.helpers import ok


class Ledger:
    """Maple's fixtures every ledger record needs: a plot, a period, a metered item."""

    def __init__(self, community):
        self.community = community
        api, url = community.api, community.url
        self.member = community.admin_member_id
        self.plot = ok(
            api.post(
                url("/properties"),
                json={"label": "Plot 1", "share_weight": "1", "owner_member_id": self.member},
            ),
            201,
        )["id"]
        self.plot2 = ok(
            api.post(
                url("/properties"),
                json={"label": "Plot 2", "share_weight": "1", "owner_member_id": self.member},
            ),
            201,
        )["id"]
        self.period = ok(
            api.post(
                url("/periods"),
                json={"name": "2026 Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
            ),
            201,
        )["id"]
        self.meter = ok(
            api.post(
                url(f"/periods/{self.period}/budget-items"),
                json={"payment_type": "Water", "budgeted_cost": "10.00", "strategy": "usage_based"},
            ),
            201,
        )["id"]


@dataclass
class Resource:
    name: str
    path: str  # collection name, and the id route /<path>/<id>
    nested: bool  # collection under /periods/<id>
    body: Callable[[Ledger], dict]  # a valid create body
    change: dict  # a valid PATCH body
    deletable: bool = True

    def collection(self, ledger: Ledger) -> str:
        base = f"/periods/{ledger.period}/{self.path}" if self.nested else f"/{self.path}"
        return ledger.community.url(base)

    def item(self, ledger: Ledger, id_: int, community=None) -> str:
        return (community or ledger.community).url(f"/{self.path}/{id_}")

    def create(self, ledger: Ledger) -> dict:
        return ok(ledger.community.api.post(self.collection(ledger), json=self.body(ledger)), 201)


LEDGER = [
    Resource(
        "periods",
        "periods",
        False,
        lambda l: {"name": "2026 Q2", "start_date": "2026-04-01", "end_date": "2026-06-30"},
        {"name": "Renamed"},
        deletable=False,
    ),
    Resource(
        "contributions",
        "contributions",
        True,
        lambda l: {"member_id": l.member, "amount": "10.00", "date": "2026-01-05"},
        {"amount": "11.00"},
    ),
    Resource(
        "expenses",
        "expenses",
        True,
        lambda l: {
            "amount": "20.00",
            "date": "2026-01-06",
            "payment_type": "Security",
            "paid_by_member_id": l.member,
        },
        {"amount": "21.00"},
    ),
    Resource(
        "charges",
        "charges",
        True,
        lambda l: {"member_id": l.member, "amount": "2.50", "date": "2026-01-07", "description": "Key"},
        {"amount": "3.00"},
    ),
    Resource(
        "payouts",
        "payouts",
        True,
        lambda l: {
            "member_id": l.member,
            "amount": "40.00",
            "date": "2026-01-08",
            "comment": "Paying back the fence",
        },
        {"amount": "41.00"},
    ),
    Resource(
        "adjustments",
        "adjustments",
        True,
        lambda l: {
            "member_id": l.member,
            "amount": "-12.34",
            "date": "2026-01-01",
            "reason": "Brought over from the previous books",
        },
        {"amount": "12.34"},
    ),
    Resource(
        "budget-items",
        "budget-items",
        True,
        lambda l: {"payment_type": "Security", "budgeted_cost": "100.00", "strategy": "proportional"},
        {"budgeted_cost": "90.00"},
    ),
    Resource(
        "readings",
        "readings",
        True,
        lambda l: {
            "property_id": l.plot,
            "budget_item_id": l.meter,
            "start_reading": "1",
            "end_reading": "2",
        },
        {"end_reading": "3"},
    ),
]

by_resource = pytest.mark.parametrize("resource", LEDGER, ids=[r.name for r in LEDGER])


@pytest.fixture
def ledger(community):
    return Ledger(community)


def second_body(resource, ledger):
    """Another valid create body that does not clash with the first record."""
    body = resource.body(ledger)
    if resource.name == "periods":
        return {"name": "2026 Q3", "start_date": "2026-07-01", "end_date": "2026-09-30"}
    if resource.name == "budget-items":
        return {**body, "payment_type": "Garden"}
    if resource.name == "readings":
        return {**body, "property_id": ledger.plot2}
    return body


def assert_not_found(response, what):
    assert response.status_code == 404, (what, response.status_code, response.get_json())
    assert response.get_json()["error"]["code"] == "not_found", what


# --- another community -----------------------------------------------------------------------


@by_resource
def test_another_communitys_admin_gets_404_by_id(ledger, other_community, resource):
    row = resource.create(ledger)
    birch = other_community.api
    here = resource.item(ledger, row["id"], other_community)  # /api/c/birch/<path>/<id>
    there = resource.item(ledger, row["id"])  # /api/c/maple/<path>/<id>

    for url in (here, there):
        assert_not_found(birch.get(url), ("GET", url))
        assert_not_found(birch.patch(url, json=resource.change), ("PATCH", url))
        if resource.deletable:
            assert_not_found(birch.delete(url), ("DELETE", url))

    assert ok(ledger.community.api.get(resource.item(ledger, row["id"]))) == row


@by_resource
def test_another_communitys_admin_gets_404_under_this_communitys_period(ledger, other_community, resource):
    row = resource.create(ledger)
    birch = other_community.api
    if resource.nested:
        urls = [other_community.url(f"/periods/{ledger.period}/{resource.path}"), resource.collection(ledger)]
        for url in urls:
            assert_not_found(birch.get(url), ("GET", url))
            assert_not_found(birch.post(url, json=second_body(resource, ledger)), ("POST", url))
    else:
        # Periods are listed per community: birch's list does not show maple's period, and
        # maple's list is not birch's to read or write.
        assert ok(birch.get(other_community.url("/periods"))) == []
        assert_not_found(birch.get(resource.collection(ledger)), "GET maple periods")
        assert_not_found(
            birch.post(resource.collection(ledger), json=second_body(resource, ledger)), "POST maple periods"
        )
        for path in (
            f"/periods/{ledger.period}/balance-sheet",
            f"/periods/{ledger.period}/balances/{ledger.member}",
        ):
            assert_not_found(birch.get(other_community.url(path)), path)
        assert_not_found(birch.post(other_community.url(f"/periods/{ledger.period}/close")), "close")

    listed = ok(ledger.community.api.get(resource.collection(ledger)))
    assert [r["id"] for r in listed if r["id"] == row["id"]] == [row["id"]]
    assert len(listed) == (2 if resource.name in ("periods", "budget-items") else 1)


# --- owners ----------------------------------------------------------------------------------


@by_resource
def test_owner_cannot_write(ledger, owner, resource):
    row = resource.create(ledger)

    responses = {
        "POST": owner.api.post(resource.collection(ledger), json=second_body(resource, ledger)),
        "PATCH": owner.api.patch(resource.item(ledger, row["id"]), json=resource.change),
    }
    if resource.deletable:
        responses["DELETE"] = owner.api.delete(resource.item(ledger, row["id"]))

    for method, response in responses.items():
        assert response.status_code == 403, (method, response.get_json())
        assert response.get_json()["error"]["code"] == "forbidden", method
    assert ok(ledger.community.api.get(resource.item(ledger, row["id"]))) == row
    listed = ok(ledger.community.api.get(resource.collection(ledger)))
    assert len(listed) == (2 if resource.name in ("periods", "budget-items") else 1)


# --- not logged in ---------------------------------------------------------------------------


@by_resource
def test_without_login_is_401(ledger, resource):
    row = resource.create(ledger)
    anonymous = ledger.community.api.as_(None)
    item = resource.item(ledger, row["id"])

    responses = {
        "GET list": anonymous.get(resource.collection(ledger)),
        "POST": anonymous.post(resource.collection(ledger), json=second_body(resource, ledger)),
        "GET": anonymous.get(item),
        "PATCH": anonymous.patch(item, json=resource.change),
    }
    if resource.deletable:
        responses["DELETE"] = anonymous.delete(item)
    bad_token = ledger.community.api.as_("not-a-token")
    responses["GET with a bad token"] = bad_token.get(item)

    for what, response in responses.items():
        assert response.status_code == 401, (what, response.get_json())
        assert response.get_json()["error"]["code"] == "unauthorized", what
    assert ok(ledger.community.api.get(item)) == row
