"""Members (SPEC §1, §4, §5): members without an account, removing a member, the last admin.

A member may have no email and no user: the treasurer keeps their money all the same. A
removed member keeps every record and balance but is a stranger to the community from the
moment of removal. The last joined admin can be neither removed nor demoted.
"""

import re

import pytest
from conftest import PASSWORD, invite_and_join, login
from tests.helpers import ok


def fields(response, status=400):
    body = response.get_json()
    assert response.status_code == status, body
    return body["error"]["fields"]


def token_of(invite_url: str) -> str:
    return invite_url.rsplit("/", 1)[-1]


def add(community, **body):
    return community.api.post(community.url("/members"), json=body)


# --- members without an account ------------------------------------------------------------


def test_a_member_with_only_a_name_has_no_account_and_no_invite(app, community):
    with app.extensions["mail"].record_messages() as outbox:
        nina = ok(add(community, name="Nina North", role="owner"), 201)

    assert nina == {
        "id": nina["id"],
        "name": "Nina North",
        "email": None,
        "role": "owner",
        "joined": False,
        "removed": False,
    }
    assert outbox == []
    listed = ok(community.api.get(community.url("/members")))
    assert [(m["name"], m["email"], m["removed"]) for m in listed] == [
        ("Ada Admin", "admin@example.org", False),
        ("Nina North", None, False),
    ]


def test_several_members_may_have_no_email_and_an_empty_email_is_none(community):
    first = ok(add(community, name="Nina North", role="owner"), 201)
    second = ok(add(community, name="Oleg Orlov", email="", role="owner"), 201)

    assert first["email"] is None and second["email"] is None
    assert "invite_url" not in second


def test_a_member_added_with_an_email_gets_an_invite_link_by_mail(app, community):
    with app.extensions["mail"].record_messages() as outbox:
        nina = ok(add(community, name="Nina North", email="Nina@Example.org", role="owner"), 201)

    assert nina["email"] == "nina@example.org"
    assert re.fullmatch(r"http://levy\.test/invite/[\w-]+", nina["invite_url"])
    assert [m.recipients for m in outbox] == [["nina@example.org"]]
    assert nina["invite_url"] in outbox[0].body


def test_an_email_is_unique_in_a_community_ignoring_case(community):
    ok(add(community, name="Nina North", email="nina@example.org", role="owner"), 201)

    assert fields(add(community, name="Nina Again", email="NINA@example.ORG", role="owner")) == {
        "email": ["This email is already a member."]
    }


def test_giving_a_member_without_an_account_an_email_invites_them(app, client, community):
    nina = ok(add(community, name="Nina North", role="owner"), 201)

    with app.extensions["mail"].record_messages() as outbox:
        patched = ok(
            community.api.patch(community.url(f"/members/{nina['id']}"), json={"email": "nina@example.org"})
        )

    assert patched["email"] == "nina@example.org" and patched["joined"] is False
    assert patched["invite_url"] in outbox[0].body
    assert [m.recipients for m in outbox] == [["nina@example.org"]]
    joined = ok(
        client.post(f"/api/invites/{token_of(patched['invite_url'])}/accept", json={"password": PASSWORD})
    )
    me = ok(client.get("/api/me", headers={"Authorization": f"Bearer {joined['token']}"}))
    assert [(m["community"], m["member_id"]) for m in me["memberships"]] == [("maple", nina["id"])]


def test_a_patch_that_does_not_change_the_email_answers_no_invite(community):
    nina = ok(add(community, name="Nina North", role="owner"), 201)

    patched = ok(community.api.patch(community.url(f"/members/{nina['id']}"), json={"name": "Nina N. North"}))

    assert "invite_url" not in patched and patched["email"] is None


def test_a_changed_email_before_joining_replaces_the_invite_link(client, community):
    nina = ok(add(community, name="Nina North", email="nina@example.org", role="owner"), 201)

    patched = ok(
        community.api.patch(community.url(f"/members/{nina['id']}"), json={"email": "nina.north@example.org"})
    )

    assert patched["invite_url"] != nina["invite_url"]
    old = client.post(f"/api/invites/{token_of(nina['invite_url'])}/accept", json={"password": PASSWORD})
    assert old.status_code == 404
    ok(client.post(f"/api/invites/{token_of(patched['invite_url'])}/accept", json={"password": PASSWORD}))


def test_the_email_cannot_be_changed_after_joining(community, owner):
    assert fields(community.api.patch(community.url(f"/members/{owner.id}"), json={"email": None})) == {
        "email": ["This member has joined; their email is their login and only they can change it."]
    }


def test_a_member_without_an_account_on_an_exact_balance_sheet(community):
    api, url = community.api, community.url
    ada = community.admin_member_id
    nina = ok(add(community, name="Nina North", role="owner"), 201)["id"]
    ok(
        api.post(url("/properties"), json={"label": "Plot 1", "share_weight": "3", "owner_member_id": nina}),
        201,
    )
    ok(
        api.post(url("/properties"), json={"label": "Plot 2", "share_weight": "1", "owner_member_id": ada}),
        201,
    )
    period = ok(
        api.post(
            url("/periods"), json={"name": "2026 Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"}
        ),
        201,
    )["id"]
    records = url(f"/periods/{period}")
    ok(
        api.post(
            records + "/budget-items",
            json={"payment_type": "Security", "budgeted_cost": "120.00", "strategy": "proportional"},
        ),
        201,
    )
    ok(
        api.post(
            records + "/expenses", json={"amount": "100.01", "date": "2026-01-15", "payment_type": "Security"}
        ),
        201,
    )
    ok(
        api.post(
            records + "/expenses",
            json={
                "amount": "20.00",
                "date": "2026-02-01",
                "payment_type": "Security",
                "paid_by_member_id": nina,
            },
        ),
        201,
    )
    ok(
        api.post(
            records + "/contributions", json={"member_id": nina, "amount": "50.00", "date": "2026-01-10"}
        ),
        201,
    )
    ok(
        api.post(
            records + "/charges",
            json={"member_id": nina, "amount": "5.00", "date": "2026-03-01", "description": "Gate key"},
        ),
        201,
    )

    sheet = ok(api.get(records + "/balance-sheet"))

    # Security 120.01 over weights 3:1 → 90.0075 and 30.0025 → 90.01 and 30.00 (sum 120.01).
    # Nina: 0 + 50.00 + 20.00 − 90.01 − 0 − 5.00 = −25.01; Ada: −30.00.
    keys = (
        "member_id",
        "name",
        "opening",
        "contributions",
        "paid_expenses",
        "allocated",
        "usage",
        "service_charges",
        "closing",
    )
    assert [{k: r[k] for k in keys} for r in sheet["rows"]] == [
        {
            "member_id": ada,
            "name": "Ada Admin",
            "opening": "0.00",
            "contributions": "0.00",
            "paid_expenses": "0.00",
            "allocated": "30.00",
            "usage": "0.00",
            "service_charges": "0.00",
            "closing": "-30.00",
        },
        {
            "member_id": nina,
            "name": "Nina North",
            "opening": "0.00",
            "contributions": "50.00",
            "paid_expenses": "20.00",
            "allocated": "90.01",
            "usage": "0.00",
            "service_charges": "5.00",
            "closing": "-25.01",
        },
    ]
    assert {k: sheet["totals"][k] for k in keys[2:]} == {
        "opening": "0.00",
        "contributions": "50.00",
        "paid_expenses": "20.00",
        "allocated": "120.01",
        "usage": "0.00",
        "service_charges": "5.00",
        "closing": "-55.01",
    }


# --- removing a member ----------------------------------------------------------------------


@pytest.fixture
def with_history(community, owner):
    """Olga (joined owner) paid 40.00 in 2026 Q1; Ada owns the only property."""
    api, url = community.api, community.url
    ok(
        api.post(
            url("/properties"),
            json={"label": "Plot 1", "share_weight": "1", "owner_member_id": community.admin_member_id},
        ),
        201,
    )
    period = ok(
        api.post(
            url("/periods"), json={"name": "2026 Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"}
        ),
        201,
    )["id"]
    contribution = ok(
        api.post(
            url(f"/periods/{period}/contributions"),
            json={"member_id": owner.id, "amount": "40.00", "date": "2026-01-10"},
        ),
        201,
    )["id"]
    return period, contribution


def test_a_removed_members_token_is_a_strangers_at_once(app, community, owner, other_community, with_history):
    period, _ = with_history
    assert ok(owner.api.get(community.url("/periods")))  # before: a member

    assert community.api.delete(community.url(f"/members/{owner.id}")).status_code == 204

    theirs = owner.api.get(community.url(f"/periods/{period}/balance-sheet"))
    strangers = owner.api.as_(other_community.admin_token).get(
        community.url(f"/periods/{period}/balance-sheet")
    )
    assert theirs.status_code == strangers.status_code == 404
    assert theirs.get_json() == strangers.get_json()
    assert owner.api.get(community.url("/members")).status_code == 404
    assert ok(owner.api.get("/api/me"))["memberships"] == []


def test_a_removed_members_session_is_a_strangers_at_once(app, community, owner):
    browser = app.test_client()
    login(browser, owner.email)
    assert browser.get(community.page("/")).status_code == 200

    assert community.api.delete(community.url(f"/members/{owner.id}")).status_code == 204

    assert browser.get(community.page("/")).status_code == 404
    assert browser.get(community.page("/periods/")).status_code == 404
    assert "Maple Court" not in browser.get("/").get_data(as_text=True)


def test_a_removed_member_keeps_their_records_and_balance(community, owner, with_history):
    period, contribution = with_history

    assert community.api.delete(community.url(f"/members/{owner.id}")).status_code == 204

    listed = ok(community.api.get(community.url("/members")))
    assert [(m["name"], m["removed"]) for m in listed] == [("Ada Admin", False), ("Olga Owner", True)]
    sheet = ok(community.api.get(community.url(f"/periods/{period}/balance-sheet")))
    olga = next(r for r in sheet["rows"] if r["member_id"] == owner.id)
    assert (olga["name"], olga["contributions"], olga["closing"]) == ("Olga Owner", "40.00", "40.00")
    contributions = ok(community.api.get(community.url(f"/periods/{period}/contributions")))
    assert [(c["id"], c["amount"]) for c in contributions] == [(contribution, "40.00")]
    # Correcting their old record is fine; it stays theirs.
    fixed = ok(community.api.patch(community.url(f"/contributions/{contribution}"), json={"amount": "45.00"}))
    assert (fixed["member_id"], fixed["amount"]) == (owner.id, "45.00")


def test_a_removed_member_cannot_be_given_new_records(community, owner, with_history):
    period, contribution = with_history
    community.api.delete(community.url(f"/members/{owner.id}"))
    records = community.url(f"/periods/{period}")
    message = ["Olga Owner was removed from this community."]

    assert fields(
        community.api.post(
            records + "/contributions", json={"member_id": owner.id, "amount": "1.00", "date": "2026-01-11"}
        )
    ) == {"member_id": message}
    assert fields(
        community.api.post(
            records + "/charges",
            json={"member_id": owner.id, "amount": "1.00", "date": "2026-01-11", "description": "Key"},
        )
    ) == {"member_id": message}
    assert fields(
        community.api.post(
            records + "/expenses",
            json={
                "amount": "1.00",
                "date": "2026-01-11",
                "payment_type": "Security",
                "paid_by_member_id": owner.id,
            },
        )
    ) == {"paid_by_member_id": message}
    other = ok(
        community.api.post(
            records + "/contributions",
            json={"member_id": community.admin_member_id, "amount": "1.00", "date": "2026-01-11"},
        ),
        201,
    )
    assert fields(
        community.api.patch(community.url(f"/contributions/{other['id']}"), json={"member_id": owner.id})
    ) == {"member_id": message}
    assert fields(
        community.api.post(
            community.url("/properties"),
            json={"label": "Plot 9", "share_weight": "1", "owner_member_id": owner.id},
        )
    ) == {"owner_member_id": message}


def test_removal_is_refused_while_they_own_active_properties(community, owner):
    api, url = community.api, community.url
    plot_2 = ok(
        api.post(
            url("/properties"), json={"label": "Plot 2", "share_weight": "1", "owner_member_id": owner.id}
        ),
        201,
    )["id"]
    ok(
        api.post(
            url("/properties"), json={"label": "Plot 10", "share_weight": "1", "owner_member_id": owner.id}
        ),
        201,
    )

    refused = api.delete(url(f"/members/{owner.id}"))

    assert refused.status_code == 409
    assert refused.get_json()["error"]["message"] == (
        "Olga Owner still owns Plot 10, Plot 2. Give them another owner, or mark them inactive, first."
    )
    assert ok(api.get(url(f"/members/{owner.id}")))["removed"] is False
    ok(api.patch(url("/properties/" + str(plot_2)), json={"active": False}))
    ok(api.patch(url(f"/properties/{plot_2 + 1}"), json={"owner_member_id": community.admin_member_id}))

    assert api.delete(url(f"/members/{owner.id}")).status_code == 204
    # The inactive plot stays theirs (history), but cannot become active under them again.
    assert fields(api.patch(url(f"/properties/{plot_2}"), json={"active": True})) == {
        "owner_member_id": ["Olga Owner was removed from this community."]
    }
    ok(api.patch(url(f"/properties/{plot_2}"), json={"share_weight": "2"}))


def test_removing_twice_is_harmless_and_editing_a_removed_member_is_a_conflict(community, owner):
    url = community.url(f"/members/{owner.id}")
    assert community.api.delete(url).status_code == 204
    assert community.api.delete(url).status_code == 204

    refused = community.api.patch(url, json={"name": "Olga O."})
    assert refused.status_code == 409
    entries = ok(community.api.get(community.url("/audit?entity=member")))
    removals = [(e["action"], e["entity_id"], e["after"]) for e in entries if e["action"] == "remove"]
    assert removals == [("remove", owner.id, {"removed": True})]


def test_a_removed_invited_members_link_stops_working(client, community):
    nina = ok(add(community, name="Nina North", email="nina@example.org", role="owner"), 201)

    assert community.api.delete(community.url(f"/members/{nina['id']}")).status_code == 204

    assert (
        client.post(
            f"/api/invites/{token_of(nina['invite_url'])}/accept", json={"password": PASSWORD}
        ).status_code
        == 404
    )
    assert fields(add(community, name="Nina", email="nina@example.org", role="owner")) == {
        "email": ["This email belongs to a removed member."]
    }


def test_removing_another_communitys_member_is_not_found(community, other_community):
    stranger = ok(add(other_community, name="Bob's neighbour", role="owner"), 201)

    response = community.api.delete(community.url(f"/members/{stranger['id']}"))

    assert response.status_code == 404
    assert ok(other_community.api.get(other_community.url(f"/members/{stranger['id']}")))["removed"] is False


def test_an_owner_cannot_remove_a_member(community, owner):
    nina = ok(add(community, name="Nina North", role="owner"), 201)

    assert owner.api.delete(community.url(f"/members/{nina['id']}")).status_code == 403
    assert owner.api.delete(community.url(f"/members/{owner.id}")).status_code == 403
    assert ok(community.api.get(community.url(f"/members/{nina['id']}")))["removed"] is False


# --- the last joined admin -------------------------------------------------------------------


def test_the_last_admin_cannot_be_removed(community):
    response = community.api.delete(community.url(f"/members/{community.admin_member_id}"))

    assert response.status_code == 409
    assert response.get_json()["error"]["message"].startswith("The last admin cannot be removed.")
    assert ok(community.api.get("/api/me"))["memberships"][0]["role"] == "admin"


def test_an_invited_admin_who_has_not_joined_does_not_count(community):
    ok(add(community, name="Ivan Invited", email="ivan@example.org", role="admin"), 201)
    ok(add(community, name="Nora No-account", role="admin"), 201)

    assert (
        community.api.patch(
            community.url(f"/members/{community.admin_member_id}"), json={"role": "owner"}
        ).status_code
        == 409
    )
    assert community.api.delete(community.url(f"/members/{community.admin_member_id}")).status_code == 409


def test_with_a_second_joined_admin_one_may_step_down_then_the_other_may_not(community):
    bea, bea_token = invite_and_join(
        community.api, community.slug, "Bea Board", "bea@example.org", role="admin"
    )
    bea_api = community.api.as_(bea_token)

    ok(bea_api.patch(community.url(f"/members/{community.admin_member_id}"), json={"role": "owner"}))

    response = bea_api.patch(community.url(f"/members/{bea['id']}"), json={"role": "owner"})
    assert response.status_code == 409
    assert bea_api.delete(community.url(f"/members/{bea['id']}")).status_code == 409


def test_an_admin_may_remove_another_joined_admin(community):
    bea, bea_token = invite_and_join(
        community.api, community.slug, "Bea Board", "bea@example.org", role="admin"
    )

    assert community.api.delete(community.url(f"/members/{bea['id']}")).status_code == 204
    assert community.api.as_(bea_token).get(community.url("/members")).status_code == 404


# --- the members page ------------------------------------------------------------------------

HTMX = {"HX-Request": "true"}


@pytest.fixture
def admin_client(client, community):
    login(client, "admin@example.org")
    return client


def _row(html: str, name: str) -> str:
    return next(r for r in re.findall(r'<tr id="member-\d+".*?</tr>', html, re.S) if name in r)


def test_the_page_adds_a_member_with_only_a_name_then_gives_an_email(admin_client, community):
    added = admin_client.post(
        community.page("/members/"), headers=HTMX, data={"name": "Nina North", "email": "", "role": "owner"}
    )

    assert added.status_code == 200
    html = added.get_data(as_text=True)
    assert "Nina North was added without an account." in html
    assert "Invite link" not in html
    assert re.search(
        r"<td>Nina North</td>\s*<td>—</td>\s*<td>owner</td>\s*<td>no account</td>", _row(html, "Nina North")
    )

    nina = next(m for m in ok(community.api.get(community.url("/members"))) if m["name"] == "Nina North")
    edit = admin_client.get(community.page(f"/members/{nina['id']}/edit"))
    assert 'name="email" type="email"' in edit.get_data(as_text=True)
    saved = admin_client.post(
        community.page(f"/members/{nina['id']}"),
        headers=HTMX,
        data={"name": "Nina North", "email": "nina@example.org", "role": "owner"},
    )

    assert saved.status_code == 200
    row = saved.get_data(as_text=True)
    assert re.search(r"<td>nina@example.org</td>\s*<td>owner</td>\s*<td>invited", row)
    assert re.search(
        r'value="http://levy\.test/invite/[\w-]+" aria-label="Invite link for '
        r'Nina North"',
        row,
    )


def test_the_page_removes_a_member_after_confirmation(admin_client, community, owner):
    html = admin_client.get(community.page("/members/")).get_data(as_text=True)
    row = _row(html, "Olga Owner")
    assert 'hx-confirm="Remove Olga Owner? They lose access to Maple Court at once' in row
    assert f'action="/c/maple/members/{owner.id}/remove"' in row

    removed = admin_client.post(community.page(f"/members/{owner.id}/remove"), headers=HTMX)

    assert removed.status_code == 200
    row = _row(removed.get_data(as_text=True), "Olga Owner")
    assert "<td>removed</td>" in row.replace("\n", "").replace("  ", "")
    assert "Remove</button>" not in row


def test_the_page_shows_why_the_last_admin_cannot_be_removed(admin_client, community):
    refused = admin_client.post(community.page(f"/members/{community.admin_member_id}/remove"))

    assert refused.status_code == 409
    assert "The last admin cannot be removed." in refused.get_data(as_text=True)
