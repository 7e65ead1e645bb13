"""copy_budget_from (API and page), "Start the next period", and the payouts and adjustments
tabs of the period page (inline add, edit, void over htmx; owners; closed periods).

The world: Olga Owner holds Plot 1 (weight 1), the admin Ada Plot 2 (weight 3). "2026 Q1"
(Jan–Mar) has a budget: Security proportional 400.00, Water usage_based 80.00 at a tariff of
1.5, and Garden fixed_fee 10.00 that was voided.
"""

import re

import pytest
from conftest import login
from tests.helpers import ok

HTMX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


class World:
    def __init__(self, community, owner):
        self.community, self.owner = community, owner
        self.api, self.url = community.api, community.url
        self.ada = community.admin_member_id
        self.post("/properties", label="Plot 1", share_weight="1", owner_member_id=owner.id)
        self.post("/properties", label="Plot 2", share_weight="3", owner_member_id=self.ada)
        self.q1 = self.post("/periods", name="2026 Q1", start_date="2026-01-01", end_date="2026-03-31")["id"]
        q = f"/periods/{self.q1}/budget-items"
        self.post(q, payment_type="Security", budgeted_cost="400.00", strategy="proportional")
        self.post(q, payment_type="Water", budgeted_cost="80.00", strategy="usage_based", unit_rate="1.5")
        garden = self.post(q, payment_type="Garden", budgeted_cost="10.00", strategy="fixed_fee")["id"]
        assert self.api.delete(self.url(f"/budget-items/{garden}")).status_code == 204

    def post(self, path, status=201, **json):
        return ok(self.api.post(self.url(path), json=json), status)

    def page(self, period_id, path=""):
        return self.community.page(f"/periods/{period_id}{path}")

    def budget(self, period_id):
        return [
            (b["payment_type"], b["budgeted_cost"], b["strategy"], b["unit_rate"])
            for b in ok(self.api.get(self.url(f"/periods/{period_id}/budget-items")))
        ]


Q1_BUDGET = [("Security", "400.00", "proportional", None), ("Water", "80.00", "usage_based", "1.5")]


@pytest.fixture
def world(community, owner):
    return World(community, owner)


@pytest.fixture
def admin(client, world):
    login(client, "admin@example.org")
    return client


@pytest.fixture
def owner_client(app, world):
    client = app.test_client()
    login(client, "owner@example.org")
    return client


# --- copy_budget_from ----------------------------------------------------------------------


def test_copy_budget_from_copies_the_active_budget_items(world):
    q2 = world.post(
        "/periods", name="2026 Q2", start_date="2026-04-01", end_date="2026-06-30", copy_budget_from=world.q1
    )

    assert q2["name"] == "2026 Q2" and q2["status"] == "open"
    assert world.budget(q2["id"]) == Q1_BUDGET
    assert world.budget(world.q1) == Q1_BUDGET  # the source is unchanged
    audit = ok(world.api.get(world.url(f"/audit?entity=budget_item&period_id={q2['id']}")))
    assert sorted(e["after"]["payment_type"] for e in audit) == ["Security", "Water"]
    assert {e["after"]["copied_from_period_id"] for e in audit} == {world.q1}


def test_without_copy_budget_from_the_budget_starts_empty(world):
    q2 = world.post("/periods", name="2026 Q2", start_date="2026-04-01", end_date="2026-06-30")
    assert world.budget(q2["id"]) == []


@pytest.mark.parametrize("bad", [999999, "abc", -1, True])
def test_an_unknown_copy_budget_from_is_400_on_the_field_and_creates_nothing(world, bad):
    response = world.api.post(
        world.url("/periods"),
        json={
            "name": "2026 Q2",
            "start_date": "2026-04-01",
            "end_date": "2026-06-30",
            "copy_budget_from": bad,
        },
    )

    assert response.status_code == 400, response.get_json()
    assert "copy_budget_from" in response.get_json()["error"]["fields"]
    assert [p["name"] for p in ok(world.api.get(world.url("/periods")))] == ["2026 Q1"]


def test_another_communitys_period_cannot_be_copied(world, other_community):
    theirs = ok(
        other_community.api.post(
            other_community.url("/periods"),
            json={"name": "B1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
        ),
        201,
    )["id"]
    ok(
        other_community.api.post(
            other_community.url(f"/periods/{theirs}/budget-items"),
            json={"payment_type": "Secret", "budgeted_cost": "1.00", "strategy": "none"},
        ),
        201,
    )

    response = world.api.post(
        world.url("/periods"),
        json={
            "name": "2026 Q2",
            "start_date": "2026-04-01",
            "end_date": "2026-06-30",
            "copy_budget_from": theirs,
        },
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {
        "copy_budget_from": ["No such period in this community."]
    }
    # ...and birch cannot copy maple's either.
    response = other_community.api.post(
        other_community.url("/periods"),
        json={
            "name": "B2",
            "start_date": "2026-04-01",
            "end_date": "2026-06-30",
            "copy_budget_from": world.q1,
        },
    )
    assert response.status_code == 400
    assert [p["name"] for p in ok(other_community.api.get(other_community.url("/periods")))] == ["B1"]


def test_an_owner_cannot_create_a_period_with_a_copied_budget(world):
    response = world.owner.api.post(
        world.url("/periods"),
        json={
            "name": "2026 Q2",
            "start_date": "2026-04-01",
            "end_date": "2026-06-30",
            "copy_budget_from": world.q1,
        },
    )
    assert response.status_code == 403


# --- "Start the next period" ------------------------------------------------------------------


def test_the_periods_page_offers_the_next_period_prefilled(admin, world):
    html = text(admin.get(world.community.page("/periods/")))

    assert "<summary>Start the next period</summary>" in html
    assert re.search(r'name="name"[^>]*value="2026 Q2"', html)
    assert re.search(r'name="start_date"[^>]*value="2026-04-01"', html)
    assert re.search(r'name="end_date"[^>]*value="2026-06-30"', html)
    assert re.search(rf'<option value="{world.q1}" selected>2026 Q1</option>', html)


def test_starting_the_next_period_from_the_page_copies_the_budget(admin, world):
    response = admin.post(
        world.community.page("/periods/"),
        headers=HTMX,
        data={
            "name": "2026 Q2",
            "start_date": "2026-04-01",
            "end_date": "2026-06-30",
            "copy_budget_from": str(world.q1),
        },
    )

    assert response.status_code == 200, text(response)[:2000]
    periods = ok(world.api.get(world.url("/periods")))
    assert [p["name"] for p in periods] == ["2026 Q1", "2026 Q2"]
    assert world.budget(periods[1]["id"]) == Q1_BUDGET
    # The form now offers the quarter after that.
    assert re.search(r'name="name"[^>]*value="2026 Q3"', text(response))
    assert re.search(r'name="start_date"[^>]*value="2026-07-01"', text(response))


def test_the_page_can_start_with_an_empty_budget(admin, world):
    admin.post(
        world.community.page("/periods/"),
        data={
            "name": "2026 Q2",
            "start_date": "2026-04-01",
            "end_date": "2026-06-30",
            "copy_budget_from": "",
        },
    )
    q2 = ok(world.api.get(world.url("/periods")))[1]["id"]
    assert world.budget(q2) == []


def test_a_first_period_is_a_new_period(client, community):
    login(client, "admin@example.org")
    html = text(client.get(community.page("/periods/")))
    assert "<summary>New period</summary>" in html
    assert 'name="copy_budget_from"' not in html


# --- the payouts and adjustments tabs ----------------------------------------------------


def test_htmx_add_a_payout_answers_the_section_and_the_sheet_shows_it(admin, world):
    response = admin.post(
        world.page(world.q1, "/payouts"),
        headers=HTMX,
        data={
            "member_id": str(world.owner.id),
            "amount": "120.5",
            "date": "2026-02-10",
            "comment": "Paying back the fence",
        },
    )

    assert response.status_code == 200, text(response)[:2000]
    html = text(response)
    assert html.lstrip().startswith('<section id="payouts-section"')
    assert re.search(
        r'<td>Feb 10, 2026</td>\s*<td>Olga Owner</td>\s*<td class="amount">€120.50</td>'
        r'\s*<td class="multiline">Paying back the fence</td>',
        html,
    )
    assert 'id="payouts-total">€120.50<' in html

    sheet = text(admin.get(world.page(world.q1, "/sheet")))
    row = re.search(rf'<tr id="sheet-member-{world.owner.id}".*?</tr>', sheet, re.S).group(0)
    assert "€120.50" in row and "-€120.50" in row
    assert 'id="fund-cash"><span class="amount debt">-€120.50</span>' in sheet


def test_htmx_add_edit_and_void_an_adjustment(admin, world):
    added = admin.post(
        world.page(world.q1, "/adjustments"),
        headers=HTMX,
        data={
            "member_id": str(world.owner.id),
            "amount": "-45",
            "date": "2026-01-01",
            "reason": "Brought over from your previous books",
        },
    )
    assert added.status_code == 200, text(added)[:2000]
    assert 'id="adjustments-total"><span class="amount debt">-€45.00</span>' in text(added)
    row_id = re.search(r'<tr id="adjustment-(\d+)">', text(added)).group(1)

    edit = admin.get(world.page(world.q1, f"/adjustments/{row_id}/edit"), headers=HTMX)
    assert f'form="edit-adjustment-{row_id}"' in text(edit)
    assert 'value="-45.00"' in text(edit)
    saved = admin.post(
        world.page(world.q1, f"/adjustments/{row_id}"),
        headers=HTMX,
        data={
            "member_id": str(world.owner.id),
            "amount": "30",
            "date": "2026-01-01",
            "reason": "Credit from the old books",
        },
    )
    assert 'id="adjustments-total"><span class="amount credit">€30.00</span>' in text(saved)
    assert "Credit from the old books" in text(saved)

    voided = admin.post(world.page(world.q1, f"/adjustments/{row_id}/void"), headers=HTMX)
    assert voided.status_code == 200
    assert "No adjustments." in text(voided)


@pytest.mark.parametrize(
    ("tab", "data", "field", "message"),
    [
        (
            "/adjustments",
            {"amount": "0", "reason": "x"},
            "amount",
            "Enter an amount other than zero; a minus sign makes it a debt.",
        ),
        ("/adjustments", {"amount": "-5", "reason": "  "}, "reason", "This field is required."),
        ("/payouts", {"amount": "-5"}, "amount", "Enter an amount greater than zero."),
    ],
)
def test_invalid_entries_are_422_with_the_message_at_the_field(admin, world, tab, data, field, message):
    response = admin.post(
        world.page(world.q1, tab),
        headers=HTMX,
        data={"member_id": str(world.owner.id), "date": "2026-01-10", **data},
    )

    assert response.status_code == 422
    assert re.search(
        rf'<span id="{field}-errors">\s*<small class="field-error">'
        rf"{re.escape(message)}</small>",
        text(response),
    )


def test_owner_sees_only_their_own_and_no_forms(owner_client, world):
    mine = world.post(
        f"/periods/{world.q1}/payouts",
        member_id=world.owner.id,
        amount="7.00",
        date="2026-01-10",
        comment="Mine",
    )
    world.post(
        f"/periods/{world.q1}/payouts",
        member_id=world.ada,
        amount="8.00",
        date="2026-01-10",
        comment="Not hers",
    )

    html = text(owner_client.get(world.page(world.q1, "/payouts")))
    assert f'id="payout-{mine["id"]}"' in html and "Not hers" not in html
    assert "Pay a member" not in html
    for path in ("/payouts", "/adjustments", f"/payouts/{mine['id']}/void"):
        response = owner_client.post(world.page(world.q1, path), headers=HTMX, data={"amount": "1"})
        assert response.status_code == 403, path


def test_a_closed_period_refuses_payouts_with_409(app, admin, world):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Period
    from app.tenancy import community_scope

    with app.app_context(), community_scope(world.community.id):
        db.session.execute(select(Period).where(Period.id == world.q1)).scalar_one().status = "closed"
        db.session.commit()

    page = text(admin.get(world.page(world.q1, "/payouts")))
    assert "This period is closed; reopen it to make corrections." in page
    response = admin.post(
        world.page(world.q1, "/payouts"),
        headers=HTMX,
        data={"member_id": str(world.owner.id), "amount": "5", "date": "2026-01-10"},
    )
    assert response.status_code == 409
