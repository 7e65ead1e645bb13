"""Accounts: sign-up, tokens, who am I, invites, password reset, login pages (SPEC §4, §5)."""

import re
from datetime import datetime, UTC

import pytest
from conftest import PASSWORD, login, signup

from app.i18n import date as show_date

TOO_MANY = {"error": {"code": "rate_limited", "message": "Too many attempts. Try again later."}}


def _token(client, email, password=PASSWORD, address="127.0.0.1"):
    return client.post(
        "/api/tokens", json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def _page_login(client, email, password, address="127.0.0.1"):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def _me(client, token):
    return client.get("/api/me", headers={"Authorization": f"Bearer {token}"})


# --- sign-up ---------------------------------------------------------------------


def test_signup_answers_community_admin_member_and_token(client):
    response = client.post(
        "/api/signup",
        json={
            "community_name": "Maple Court",
            "slug": "maple",
            "name": "Ada Admin",
            "email": "admin@example.org",
            "password": PASSWORD,
            "currency": "usd",
        },
    )

    assert response.status_code == 201
    data = response.get_json()
    assert set(data) == {"community", "member", "token"}
    assert data["community"] == {
        "id": data["community"]["id"],
        "slug": "maple",
        "name": "Maple Court",
        "currency": "USD",
        "owners_see_balance_sheet": False,
        "payment_details": "",
    }
    assert data["member"] == {
        "id": data["member"]["id"],
        "name": "Ada Admin",
        "email": "admin@example.org",
        "role": "admin",
        "joined": True,
        "removed": False,
    }
    assert _me(client, data["token"]).status_code == 200


def test_signup_currency_defaults_to_eur(client):
    assert signup(client)["community"]["currency"] == "EUR"


def test_signup_with_a_taken_slug_is_a_field_error(client, community):
    response = client.post(
        "/api/signup",
        json={
            "community_name": "Another",
            "slug": community.slug,
            "name": "Eve",
            "email": "eve@example.org",
            "password": PASSWORD,
        },
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"slug": ["That web address is taken."]}


def test_signup_with_an_existing_email_is_refused_without_a_password_check(client, community):
    response = client.post(
        "/api/signup",
        json={
            "community_name": "Oak Row",
            "slug": "oak",
            "name": "Ada Admin",
            "email": "ADMIN@example.org",
            "password": PASSWORD,
        },
    )

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "account_exists"
    assert (
        client.get(
            "/api/c/oak/settings", headers={"Authorization": f"Bearer {community.admin_token}"}
        ).status_code
        == 404
    )


def test_existing_user_adds_a_second_community_from_their_account(client, community):
    community.api.post("/api/communities", json={"community_name": "Oak Row", "slug": "oak"})

    memberships = _me(client, community.admin_token).get_json()["memberships"]
    assert [(m["community_slug"], m["role"]) for m in memberships] == [("maple", "admin"), ("oak", "admin")]


def test_emails_are_case_insensitive(client):
    data = signup(client, email="Ada@Example.ORG")

    assert data["member"]["email"] == "ada@example.org"
    assert _token(client, "ADA@example.org").status_code == 201
    assert _me(client, data["token"]).get_json()["user"]["email"] == "ada@example.org"


# --- tokens ----------------------------------------------------------------------


def test_token_for_email_and_password(client, community):
    response = _token(client, "admin@example.org")

    assert response.status_code == 201
    token = response.get_json()["token"]
    assert token.startswith("levy_")
    assert _me(client, token).get_json()["user"]["email"] == "admin@example.org"


def test_token_with_a_wrong_password_is_401(client, community):
    response = _token(client, "admin@example.org", "wrong password")

    assert response.status_code == 401
    assert response.get_json() == {"error": {"code": "unauthorized", "message": "Wrong email or password."}}


def test_token_for_an_unknown_email_is_the_same_401(client):
    response = _token(client, "nobody@example.org")

    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == "Wrong email or password."


def test_ten_failures_for_one_email_lock_it_even_from_other_addresses(client, community):
    for attempt in range(10):
        assert _token(client, "admin@example.org", "wrong", f"10.0.0.{attempt}").status_code == 401

    response = _token(client, "Admin@example.org", PASSWORD, "10.0.1.1")

    assert response.status_code == 429
    assert response.get_json() == TOO_MANY


def test_ten_failures_from_one_address_lock_it_for_every_email(client, community):
    for attempt in range(10):
        assert _token(client, f"guess{attempt}@example.org", "wrong", "10.0.0.7").status_code == 401

    assert _token(client, "admin@example.org", PASSWORD, "10.0.0.7").status_code == 429
    assert _token(client, "admin@example.org", PASSWORD, "10.0.0.8").status_code == 201


def test_successful_logins_do_not_count_towards_the_limit(client, community):
    for _ in range(12):
        assert _token(client, "admin@example.org").status_code == 201


def test_revoked_token_no_longer_works(client, community):
    login(client, "admin@example.org")
    page = client.get("/tokens/").get_data(as_text=True)
    token_id = re.search(r'action="/tokens/(\d+)/revoke"', page).group(1)

    client.post(f"/tokens/{token_id}/revoke")

    assert _me(client, community.admin_token).status_code == 401


def test_tokens_page_creates_a_token_shown_once(client, community):
    login(client, "admin@example.org")

    page = client.post("/tokens/", data={"name": "spreadsheet"}).get_data(as_text=True)

    token = re.search(r'value="(levy_[^"]+)"', page).group(1)
    assert _me(client, token).status_code == 200
    assert "levy_" not in client.get("/tokens/").get_data(as_text=True)


def test_tokens_page_shows_when_a_token_was_last_used_for_reading(client, community):
    assert _me(client, community.admin_token).status_code == 200
    login(client, "admin@example.org")

    page = client.get("/tokens/").get_data(as_text=True)

    row = re.search(r"<tr><td>sign-up</td>.*?</tr>", page, re.S).group(0)
    today = show_date(datetime.now(UTC).date(), locale="en")  # "Mar 31, 2026"
    assert re.findall(r"<td>([A-Z][a-z]{2} \d{1,2}, \d{4}|—)</td>", row) == [today, today]


# --- me --------------------------------------------------------------------------


def test_me_without_auth_is_401(client):
    response = client.get("/api/me")

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_me_with_an_unknown_token_is_401(client, community):
    assert _me(client, "levy_not-a-token").status_code == 401


def test_me_lists_the_user_and_memberships(client, community, owner):
    data = _me(client, owner.token).get_json()

    assert data["user"] == {"id": data["user"]["id"], "email": "owner@example.org", "name": "Olga Owner"}
    assert data["memberships"] == [
        {
            "community": "maple",
            "community_slug": "maple",
            "community_name": "Maple Court",
            "member_id": owner.id,
            "role": "owner",
        }
    ]


# --- invites ---------------------------------------------------------------------


def _invite(community, email="nina@example.org", role="owner"):
    response = community.api.post(
        community.url("/members"), json={"name": "Nina Neighbour", "email": email, "role": role}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_admin_invite_answers_the_member_and_an_invite_link(community):
    member = _invite(community, email="Nina@Example.org")

    assert member["email"] == "nina@example.org"
    assert member["role"] == "owner"
    assert member["joined"] is False
    assert re.fullmatch(r"http://levy\.test/invite/[\w-]{20,}", member["invite_url"])


def test_invite_is_mailed_with_the_link(app, community):
    with app.extensions["mail"].record_messages() as outbox:
        member = _invite(community)

    assert [m.recipients for m in outbox] == [["nina@example.org"]]
    assert outbox[0].subject == "You are invited to Maple Court on Levy"
    assert member["invite_url"] in outbox[0].body


def test_accepting_an_invite_answers_a_working_token(client, community):
    member = _invite(community)
    token = member["invite_url"].rsplit("/", 1)[-1]

    response = client.post(f"/api/invites/{token}/accept", json={"password": PASSWORD, "name": "Nina N."})

    assert response.status_code == 200
    me = _me(client, response.get_json()["token"]).get_json()
    assert me["user"]["name"] == "Nina N."
    assert me["memberships"][0]["member_id"] == member["id"]
    assert me["memberships"][0]["role"] == "owner"


def test_accepting_an_invite_needs_a_real_password(client, community):
    token = _invite(community)["invite_url"].rsplit("/", 1)[-1]

    response = client.post(f"/api/invites/{token}/accept", json={"password": "short"})

    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"password": ["Use at least 8 characters."]}


def test_an_accepted_invite_link_is_no_longer_valid(client, community):
    url = _invite(community)["invite_url"]
    token = url.rsplit("/", 1)[-1]
    assert client.post(f"/api/invites/{token}/accept", json={"password": PASSWORD}).status_code == 200

    again = client.post(f"/api/invites/{token}/accept", json={"password": PASSWORD})

    assert again.status_code == 404
    assert again.get_json()["error"]["message"] == "This invite link is not valid any more."
    page = client.get(f"/invite/{token}")
    assert page.status_code == 404
    assert "This invite link is not valid" in page.get_data(as_text=True)


def test_invite_page_lets_the_person_join_and_lands_on_the_dashboard(client, community):
    token = _invite(community)["invite_url"].rsplit("/", 1)[-1]
    assert "Join Maple Court" in client.get(f"/invite/{token}").get_data(as_text=True)

    response = client.post(f"/invite/{token}", data={"name": "Nina", "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/c/maple/"
    assert "You are <strong>Nina</strong>, owner" in client.get("/c/maple/").get_data(as_text=True)


def test_an_existing_user_joins_logged_in_not_with_a_password(client, community, other_community):
    token = _invite(community, email="birch@example.org")["invite_url"].rsplit("/", 1)[-1]

    typed = client.post(f"/api/invites/{token}/accept", json={"password": PASSWORD})
    joined = client.post(
        f"/api/invites/{token}/accept",
        json={},
        headers={"Authorization": f"Bearer {other_community.admin_token}"},
    )

    assert typed.status_code == 409
    assert typed.get_json()["error"]["code"] == "account_exists"
    assert joined.status_code == 200
    slugs = [m["community_slug"] for m in _me(client, joined.get_json()["token"]).get_json()["memberships"]]
    assert sorted(slugs) == ["birch", "maple"]


# --- password reset ----------------------------------------------------------------


def _request_reset(app, client, email):
    with app.extensions["mail"].record_messages() as outbox:
        response = client.post("/reset", data={"email": email})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    return outbox


def _reset_link(outbox) -> str:
    assert len(outbox) == 1
    return re.search(r"http://levy\.test(/reset/\S+)", outbox[0].body).group(1)


def test_reset_mails_a_link_that_sets_a_new_password(app, client, community):
    outbox = _request_reset(app, client, "ADMIN@example.org")
    assert outbox[0].recipients == ["admin@example.org"]
    link = _reset_link(outbox)
    assert client.get(link).status_code == 200

    response = client.post(link, data={"password": "a brand new password"})

    assert response.status_code == 302
    assert _token(client, "admin@example.org", PASSWORD).status_code == 401
    assert _token(client, "admin@example.org", "a brand new password").status_code == 201


def test_a_used_reset_link_cannot_be_used_again(app, client, community):
    link = _reset_link(_request_reset(app, client, "admin@example.org"))
    client.post(link, data={"password": "a brand new password"})

    again = client.post(link, data={"password": "yet another password"}, follow_redirects=True)

    assert "This reset link is not valid any more." in again.get_data(as_text=True)
    assert client.get(link).headers["Location"] == "/reset"
    assert _token(client, "admin@example.org", "yet another password").status_code == 401


def test_reset_for_an_unknown_email_sends_nothing_but_says_the_same(app, client):
    outbox = _request_reset(app, client, "nobody@example.org")

    assert outbox == []


def test_a_forged_reset_link_is_refused(client, community):
    response = client.get("/reset/not-a-real-token", follow_redirects=True)

    assert "This reset link is not valid any more." in response.get_data(as_text=True)


# --- pages: login, logout, sign-up, switcher ------------------------------------------


def test_page_login_then_logout(client, community):
    response = _page_login(client, "Admin@Example.org", PASSWORD)
    assert response.status_code == 302
    assert client.get("/c/maple/").status_code == 200

    response = client.post("/logout")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/c/maple/").headers["Location"].startswith("/login")


def test_page_login_with_a_wrong_password_shows_the_error(client, community):
    response = _page_login(client, "admin@example.org", "not it at all")

    assert response.status_code == 422
    assert 'class="field-error">Wrong email or password.' in response.get_data(as_text=True)
    assert client.get("/c/maple/").status_code == 302


def test_page_login_returns_to_the_page_asked_for(client, community):
    response = client.post(
        "/login?next=/c/maple/members/", data={"email": "admin@example.org", "password": PASSWORD}
    )

    assert response.headers["Location"] == "/c/maple/members/"


@pytest.mark.parametrize(
    "target", ["//evil.example/", "/\\evil.example/", "https://evil.example/", "javascript:alert(1)"]
)
def test_page_login_never_redirects_to_another_site(client, community, target):
    response = client.post(
        "/login", query_string={"next": target}, data={"email": "admin@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_page_login_is_locked_after_ten_failures(client, community):
    for _ in range(10):
        assert _page_login(client, "admin@example.org", "wrong").status_code == 422

    response = _page_login(client, "admin@example.org", PASSWORD)

    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)


def test_page_login_failures_for_one_email_lock_it_from_other_addresses(client, community):
    for attempt in range(10):
        _page_login(client, "admin@example.org", "wrong", f"10.0.0.{attempt}")

    assert _page_login(client, "admin@example.org", PASSWORD, "10.0.1.1").status_code == 429


def test_signup_page_creates_a_community_and_opens_its_dashboard(client):
    response = client.post(
        "/signup",
        data={
            "community_name": "Garage Coop 5",
            "slug": "garage-5",
            "name": "Gus",
            "email": "gus@example.org",
            "password": PASSWORD,
            "currency": "EUR",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/c/garage-5/"
    dashboard = client.get("/c/garage-5/").get_data(as_text=True)
    assert "<h1>Garage Coop 5</h1>" in dashboard
    assert "You are <strong>Gus</strong>, admin of this community." in dashboard


def test_signup_page_shows_a_taken_slug_at_the_field(client, community):
    response = client.post(
        "/signup",
        data={
            "community_name": "Maple Again",
            "slug": "maple",
            "name": "Eve",
            "email": "eve@example.org",
            "password": PASSWORD,
        },
    )

    assert response.status_code == 422
    assert re.search(
        r'id="slug-errors">\s*<small class="field-error">That web address is taken.',
        response.get_data(as_text=True),
    )


def test_switcher_lists_both_communities_of_a_person_in_two(client, community):
    community.api.post("/api/communities", json={"community_name": "Oak Row", "slug": "oak"})
    login(client, "admin@example.org")

    page = client.get("/c/maple/").get_data(as_text=True)

    switcher = re.search(r'<details class="dropdown">.*?</details>', page, re.S).group(0)
    assert "<summary>Maple Court</summary>" in switcher
    assert re.findall(r'href="(/c/[^"]+)"', switcher) == ["/c/maple/", "/c/oak/"]


def test_landing_lists_the_communities_of_a_person_in_two(client, community):
    community.api.post("/api/communities", json={"community_name": "Oak Row", "slug": "oak"})
    login(client, "admin@example.org")

    page = client.get("/").get_data(as_text=True)

    assert "Your communities" in page
    assert 'href="/c/maple/">Maple Court</a>' in page
    assert 'href="/c/oak/">Oak Row</a>' in page


def test_landing_sends_a_person_in_one_community_to_its_dashboard(client, community):
    login(client, "admin@example.org")

    assert client.get("/").headers["Location"] == "/c/maple/"


def test_a_joined_owner_is_listed_as_joined(community, owner):
    members = community.api.get(community.url("/members")).get_json()

    assert {(m["email"], m["role"], m["joined"]) for m in members} == {
        ("admin@example.org", "admin", True),
        ("owner@example.org", "owner", True),
    }
