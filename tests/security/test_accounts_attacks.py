"""Accounts under attack (issue 9, items 1-3 and the reset link of 12; SPEC §4, §5).

Each test is the attack as an outsider would run it; the assertions are what the attacker
must not get.
"""

import base64
import json
import re

from conftest import PASSWORD, Api, login, signup
from limits import parse

ATTACKER_PASSWORD = "the attacker chose this"
VICTIM_PASSWORD = "the victim's own secret"
NEW_PASSWORD = "a brand new password"


def _me(client, token):
    return client.get("/api/me", headers={"Authorization": f"Bearer {token}"})


def _token(client, email, password=PASSWORD, address="127.0.0.1"):
    return client.post(
        "/api/tokens", json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def _page_login(client, email, password=PASSWORD, address="127.0.0.1"):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def _change_password(client, token, current, new=NEW_PASSWORD, address="127.0.0.1"):
    return client.post(
        "/api/password",
        json={"current_password": current, "new_password": new},
        headers={"Authorization": f"Bearer {token}"},
        environ_base={"REMOTE_ADDR": address},
    )


def _invite(api, slug, email, role="owner", name="Victor Victim"):
    response = api.post(f"/api/c/{slug}/members", json={"name": name, "email": email, "role": role})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["invite_url"].rsplit("/", 1)[-1]


def _reset_link(app, client, email, address="127.0.0.1"):
    with app.extensions["mail"].record_messages() as outbox:
        response = client.post("/reset", data={"email": email}, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 302
    assert len(outbox) == 1
    return re.search(r"http://levy\.test(/reset/\S+)", outbox[0].body).group(1)


def _copy_session(source, target):
    cookie = source.get_cookie("session", domain="levy.test")
    assert cookie is not None
    target.set_cookie("session", cookie.value, domain="levy.test")


def _logged_in(client) -> bool:
    return client.get("/api/me").status_code == 200


def _signup_body(email, password=VICTIM_PASSWORD, slug="victims-garden"):
    return {
        "community_name": "Victim's Garden",
        "slug": slug,
        "name": "Victor Victim",
        "email": email,
        "password": password,
    }


# --- 1. account pre-hijacking -------------------------------------------------------------


def test_pre_hijacking_an_email_gains_the_attacker_nothing(app, client):
    attacker = signup(
        client, slug="evil", email="mallory@example.org", name="Mallory", community_name="Evil Acres"
    )
    attacker_api = Api(client, attacker["token"])
    # The attacker invites the victim's address and accepts the link with their own password.
    invite = _invite(attacker_api, "evil", "victim@example.org")
    accepted = client.post(f"/api/invites/{invite}/accept", json={"password": ATTACKER_PASSWORD})
    assert accepted.status_code == 200
    planted_token = accepted.get_json()["token"]
    attacker_browser = app.test_client()
    assert _page_login(attacker_browser, "victim@example.org", ATTACKER_PASSWORD).status_code == 302

    # The victim signs up: refused, no password checked (not even the attacker's), no token.
    for password in (VICTIM_PASSWORD, ATTACKER_PASSWORD):
        refused = client.post("/api/signup", json=_signup_body("Victim@Example.org", password))
        assert refused.status_code == 409
        error = refused.get_json()["error"]
        assert error["code"] == "account_exists"
        assert "log in" in error["message"].lower()
        assert "token" not in refused.get_json()
    assert (
        client.get(
            "/api/c/victims-garden/settings", headers={"Authorization": f"Bearer {planted_token}"}
        ).status_code
        == 404
    )

    # The victim resets the password: every session and token planted before it dies.
    link = _reset_link(app, app.test_client(), "victim@example.org")
    victim_browser = app.test_client()
    assert victim_browser.post(link, data={"password": VICTIM_PASSWORD}).status_code == 302
    assert _me(client, planted_token).status_code == 401
    assert not _logged_in(attacker_browser)
    assert _token(client, "victim@example.org", ATTACKER_PASSWORD).status_code == 401

    # The victim adds their community from the account; the attacker is admin of none of it.
    victim_token = _token(client, "victim@example.org", VICTIM_PASSWORD).get_json()["token"]
    created = Api(client, victim_token).post(
        "/api/communities", json={"community_name": "Victim's Garden", "slug": "victims-garden"}
    )
    assert created.status_code == 201
    assert created.get_json()["member"]["role"] == "admin"
    for token in (planted_token, attacker["token"]):
        assert client.get(
            "/api/c/victims-garden/settings", headers={"Authorization": f"Bearer {token}"}
        ).status_code in (401, 404)
    assert attacker_browser.get("/api/c/victims-garden/settings").status_code == 401
    memberships = _me(client, attacker["token"]).get_json()["memberships"]
    assert [(m["community_slug"], m["role"]) for m in memberships] == [("evil", "admin")]


def test_signup_page_with_an_existing_email_says_log_in_and_logs_no_one_in(client, community):
    response = client.post("/signup", data={**_signup_body("admin@example.org", PASSWORD), "currency": "EUR"})

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This email already has a Levy account" in page
    assert 'href="/login' in page
    assert not _logged_in(client)
    free = community.api.post(
        "/api/communities", json={"community_name": "Victim's Garden", "slug": "victims-garden"}
    )
    assert free.status_code == 201  # nothing was created under the attempt


def test_a_logged_in_user_adds_a_community_as_its_admin(client, community):
    response = community.api.post(
        "/api/communities", json={"community_name": "Oak Row", "slug": "oak", "currency": "usd"}
    )

    assert response.status_code == 201
    data = response.get_json()
    assert set(data) == {"community", "member"}
    assert (data["community"]["slug"], data["community"]["currency"]) == ("oak", "USD")
    assert (data["member"]["email"], data["member"]["role"]) == ("admin@example.org", "admin")
    slugs = [m["community_slug"] for m in _me(client, community.admin_token).get_json()["memberships"]]
    assert slugs == ["maple", "oak"]


def test_adding_a_community_needs_a_login_and_a_free_slug(client, community, other_community):
    anonymous = client.post("/api/communities", json={"community_name": "Oak", "slug": "oak"})
    taken = community.api.post("/api/communities", json={"community_name": "B", "slug": "birch"})

    assert anonymous.status_code == 401
    assert taken.status_code == 400
    assert taken.get_json()["error"]["fields"] == {"slug": ["That web address is taken."]}


def test_new_community_page_makes_the_user_its_admin(client, community):
    login(client, "admin@example.org")
    assert "New community" in client.get("/c/maple/").get_data(as_text=True)
    assert client.get("/account/communities/new").status_code == 200

    response = client.post(
        "/account/communities/new", data={"community_name": "Oak Row", "slug": "oak", "currency": "EUR"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/c/oak/"
    assert "admin of this community" in client.get("/c/oak/").get_data(as_text=True)


def test_an_invite_to_an_existing_account_never_accepts_a_password(client, community, other_community):
    invite = _invite(community.api, "maple", "birch@example.org")

    typed = client.post(f"/api/invites/{invite}/accept", json={"password": PASSWORD})

    assert typed.status_code == 409
    assert typed.get_json()["error"]["code"] == "account_exists"
    assert "log in" in typed.get_json()["error"]["message"].lower()
    members = community.api.get(community.url("/members")).get_json()
    assert [m["joined"] for m in members if m["email"] == "birch@example.org"] == [False]


def test_an_invite_is_accepted_by_the_matching_account_logged_in(client, community, other_community):
    invite = _invite(community.api, "maple", "birch@example.org")

    stranger = client.post(
        f"/api/invites/{invite}/accept", json={}, headers={"Authorization": f"Bearer {community.admin_token}"}
    )
    joined = client.post(
        f"/api/invites/{invite}/accept",
        json={},
        headers={"Authorization": f"Bearer {other_community.admin_token}"},
    )

    assert stranger.status_code == 403
    assert joined.status_code == 200
    assert _me(client, joined.get_json()["token"]).status_code == 200
    slugs = sorted(
        m["community_slug"] for m in _me(client, other_community.admin_token).get_json()["memberships"]
    )
    assert slugs == ["birch", "maple"]


def test_invite_page_for_an_existing_account_asks_to_log_in_then_offers_join(
    app, client, community, other_community
):
    invite = _invite(community.api, "maple", "birch@example.org")
    browser = app.test_client()

    page = browser.get(f"/invite/{invite}").get_data(as_text=True)
    assert 'type="password"' not in page
    assert f'href="/login?next=/invite/{invite}"' in page
    typed = browser.post(f"/invite/{invite}", data={"password": PASSWORD})
    assert typed.status_code == 409
    assert not _logged_in(browser)

    login(browser, "birch@example.org")
    page = browser.get(f"/invite/{invite}").get_data(as_text=True)
    assert 'type="password"' not in page
    assert ">Join</button>" in page
    response = browser.post(f"/invite/{invite}", data={})
    assert response.headers["Location"] == "/c/maple/"
    assert "You are <strong>" in browser.get("/c/maple/").get_data(as_text=True)


# --- 2. failed credentials: one count per email and per address, everywhere --------------


def test_signup_is_no_password_oracle_once_tokens_are_locked(client, community):
    for attempt in range(10):
        assert _token(client, "admin@example.org", f"guess {attempt}").status_code == 401
    assert _token(client, "admin@example.org", PASSWORD).status_code == 429

    for attempt in range(12):
        guess = PASSWORD if attempt == 11 else f"guess number {attempt}"
        response = client.post(
            "/api/signup",
            json=_signup_body("admin@example.org", guess, slug=f"oracle-{attempt}"),
            environ_base={"REMOTE_ADDR": f"10.9.0.{attempt}"},
        )
        assert response.status_code == 409
        assert "token" not in response.get_json()


def test_failures_on_every_password_check_add_up_per_email(client, community):
    for attempt in range(4):
        assert _page_login(client, "admin@example.org", "wrong", f"10.1.0.{attempt}").status_code == 422
    for attempt in range(3):
        assert _token(client, "admin@example.org", "wrong", f"10.2.0.{attempt}").status_code == 401
    for attempt in range(3):
        wrong = _change_password(client, community.admin_token, "wrong", address=f"10.3.0.{attempt}")
        assert wrong.status_code == 400

    assert _token(client, "admin@example.org", PASSWORD, "10.4.0.1").status_code == 429
    assert _page_login(client, "admin@example.org", PASSWORD, "10.4.0.2").status_code == 429
    locked = _change_password(client, community.admin_token, PASSWORD, address="10.4.0.3")
    assert locked.status_code == 429
    assert locked.get_json()["error"]["code"] == "rate_limited"


def test_failures_from_one_address_add_up_across_places_and_emails(client, community):
    for attempt in range(5):
        _page_login(client, f"guess{attempt}@example.org", "wrong", "10.5.0.1")
    for attempt in range(5):
        _token(client, f"other{attempt}@example.org", "wrong", "10.5.0.1")

    assert _page_login(client, "admin@example.org", PASSWORD, "10.5.0.1").status_code == 429
    assert _token(client, "admin@example.org", PASSWORD, "10.5.0.1").status_code == 429
    assert _page_login(client, "admin@example.org", PASSWORD, "10.5.0.2").status_code == 302


def test_reset_requests_are_limited_per_email_and_per_address(app, client, community):
    statuses = [
        client.post(
            "/reset", data={"email": "admin@example.org"}, environ_base={"REMOTE_ADDR": f"10.6.0.{n}"}
        ).status_code
        for n in range(6)
    ]
    assert statuses == [302] * 5 + [429]

    statuses = [
        client.post(
            "/reset", data={"email": f"someone{n}@example.org"}, environ_base={"REMOTE_ADDR": "10.7.0.1"}
        ).status_code
        for n in range(21)
    ]
    assert statuses == [302] * 20 + [429]


def test_signup_allows_at_least_a_thousand_an_hour_from_one_address(app):
    limit = parse(app.config["SIGNUP_RATE_LIMIT"])

    assert limit.amount * 3600 / limit.get_expiry() >= 1000


# --- 3. sessions and tokens die -----------------------------------------------------------


def test_a_cookie_copied_before_log_out_is_dead_after_it(app, client, community):
    login(client, "admin@example.org")
    thief = app.test_client()
    _copy_session(client, thief)
    assert _logged_in(thief)

    client.post("/logout")

    assert not _logged_in(thief)
    assert thief.get("/c/maple/").headers["Location"].startswith("/login")


def test_a_password_change_revokes_every_session_and_token_the_caller_included(app, client, community):
    other_token = _token(client, "admin@example.org").get_json()["token"]
    browser = app.test_client()
    login(browser, "admin@example.org")

    response = _change_password(client, community.admin_token, PASSWORD)

    assert response.status_code == 200
    new_token = response.get_json()["token"]
    assert _me(client, new_token).status_code == 200
    assert _me(client, community.admin_token).status_code == 401
    assert _me(client, other_token).status_code == 401
    assert not _logged_in(browser)
    assert _token(client, "admin@example.org", PASSWORD).status_code == 401
    assert _token(client, "admin@example.org", NEW_PASSWORD).status_code == 201


def test_a_password_change_by_session_ends_that_session_too(app, client, community):
    login(client, "admin@example.org")

    response = client.post("/api/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})

    assert response.status_code == 200
    assert not _logged_in(client)
    assert _me(client, response.get_json()["token"]).status_code == 200


def test_a_wrong_current_password_is_a_field_error_and_changes_nothing(client, community):
    response = _change_password(client, community.admin_token, "not my password")

    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {
        "current_password": ["That is not your current password."]
    }
    assert _me(client, community.admin_token).status_code == 200
    assert (
        client.post(
            "/api/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        ).status_code
        == 401
    )


def test_a_password_reset_revokes_every_session_and_token(app, client, community):
    browser = app.test_client()
    login(browser, "admin@example.org")
    link = _reset_link(app, client, "admin@example.org")

    client.post(link, data={"password": NEW_PASSWORD})

    assert _me(client, community.admin_token).status_code == 401
    assert not _logged_in(browser)
    assert _logged_in(client)  # the browser that reset is logged in afresh


def test_account_page_changes_the_password_and_ends_other_sessions(app, client, community):
    login(client, "admin@example.org")
    other_browser = app.test_client()
    login(other_browser, "admin@example.org")
    assert "Change your password" in client.get("/account/").get_data(as_text=True)

    wrong = client.post("/account/", data={"current_password": "nope nope", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 422
    assert "That is not your current password." in wrong.get_data(as_text=True)

    response = client.post("/account/", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD})

    assert response.status_code == 302
    assert _logged_in(client)
    assert not _logged_in(other_browser)
    assert _me(client, community.admin_token).status_code == 401


# --- 12. the reset link carries no part of the password hash ---------------------------


def _payload(link: str) -> str:
    token = link.rsplit("/", 1)[-1]
    data = token.split(".")[0]
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode()


def test_a_reset_link_carries_nothing_of_the_password_hash(app, client, community):
    from app.models import User
    from app.extensions import db

    link = _reset_link(app, client, "admin@example.org")
    with app.app_context():
        password_hash = db.session.query(User).one().password_hash

    payload = _payload(link)

    assert set(json.loads(payload)) == {"id", "n"}
    chunks = {password_hash[i : i + 6] for i in range(len(password_hash) - 5)}
    assert not any(chunk in payload for chunk in chunks)


def test_a_reset_link_dies_when_used_or_when_the_password_changes(app, client, community):
    first = _reset_link(app, client, "admin@example.org")
    second = _reset_link(app, client, "admin@example.org")
    assert client.post(first, data={"password": NEW_PASSWORD}).status_code == 302

    for link in (first, second):
        again = client.post(link, data={"password": "yet another password"})
        assert again.headers["Location"] == "/reset"
    assert _token(client, "admin@example.org", "yet another password").status_code == 401

    third = _reset_link(app, client, "admin@example.org")
    token = _token(client, "admin@example.org", NEW_PASSWORD).get_json()["token"]
    assert _change_password(client, token, NEW_PASSWORD, "changed again!").status_code == 200
    assert client.get(third).headers["Location"] == "/reset"
