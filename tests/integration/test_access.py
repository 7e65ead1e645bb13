"""Who may touch what (SPEC §4): logged out, owners, other communities, CSRF, headers.

Every community resource is one line of RESOURCES; each access rule below runs for each line.
A later resource adds its line (a nested one passes a callable that builds its collection).
"""

import re
from dataclasses import dataclass
from collections.abc import Callable

import pytest
from conftest import login

NOT_FOUND = {"error": {"code": "not_found", "message": "Community not found."}}


@dataclass
class Resource:
    name: str
    collection: str | Callable  # POST creates here; a callable gets the Community fixture
    item: str  # API GET/PATCH of one row ("{id}"); pages POST edits here too
    body: Callable  # a valid create body for a Community fixture
    change: dict  # a valid PATCH body: one field and its new value
    page: str  # the page of one row, under /c/<slug>

    def collection_path(self, community) -> str:
        path = self.collection(community) if callable(self.collection) else self.collection
        return community.url(path)

    def create(self, community) -> int:
        response = community.api.post(self.collection_path(community), json=self.body(community))
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def item_path(self, community, id_) -> str:
        return community.url(self.item.format(id=id_))


RESOURCES = [
    Resource(
        "members",
        "/members",
        "/members/{id}",
        lambda c: {"name": "Nina Neighbour", "email": f"nina@{c.slug}.example", "role": "owner"},
        {"name": "Renamed"},
        "/members/{id}/edit",
    ),
    Resource(
        "properties",
        "/properties",
        "/properties/{id}",
        lambda c: {
            "label": "Plot 7",
            "share_weight": "12.5",
            "owner_member_id": c.admin_member_id,
            "active": True,
        },
        {"label": "Renamed"},
        "/properties/{id}/edit",
    ),
]

by_resource = pytest.mark.parametrize("resource", RESOURCES, ids=[r.name for r in RESOURCES])


# --- not logged in ---------------------------------------------------------------------


@by_resource
def test_api_without_login_is_401(client, community, resource):
    id_ = resource.create(community)
    anonymous = community.api.as_(None)

    for response in (
        anonymous.get(resource.collection_path(community)),
        anonymous.post(resource.collection_path(community), json=resource.body(community)),
        anonymous.get(resource.item_path(community, id_)),
        anonymous.patch(resource.item_path(community, id_), json=resource.change),
    ):
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"


@by_resource
def test_pages_without_login_redirect_to_login(client, community, resource):
    id_ = resource.create(community)

    response = client.get(community.page(resource.page.format(id=id_)))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/c/maple/")


# --- owners read, never write -------------------------------------------------------------


@by_resource
def test_owner_writes_are_403(community, owner, resource):
    id_ = resource.create(community)

    created = owner.api.post(resource.collection_path(community), json=resource.body(community))
    patched = owner.api.patch(resource.item_path(community, id_), json=resource.change)

    for response in (created, patched):
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "forbidden"
    rows = community.api.get(resource.collection_path(community)).get_json()
    assert [row["id"] for row in rows if row["id"] == id_] == [id_]
    field, value = next(iter(resource.change.items()))
    assert community.api.get(resource.item_path(community, id_)).get_json()[field] != value


# --- other communities ------------------------------------------------------------------


@by_resource
def test_other_admin_through_this_slug_is_404(community, other_community, resource):
    id_ = resource.create(community)
    other = other_community.api

    for response in (
        other.get(resource.collection_path(community)),
        other.post(resource.collection_path(community), json=resource.body(community)),
        other.get(resource.item_path(community, id_)),
        other.patch(resource.item_path(community, id_), json=resource.change),
    ):
        assert response.status_code == 404
        assert response.get_json() == NOT_FOUND


@by_resource
def test_other_admin_through_own_slug_cannot_see_or_change_this_row(community, other_community, resource):
    id_ = resource.create(community)
    before = community.api.get(resource.item_path(community, id_)).get_json()
    other = other_community.api

    got = other.get(resource.item_path(other_community, id_))
    patched = other.patch(resource.item_path(other_community, id_), json=resource.change)
    listed = other.get(resource.collection_path(other_community)).get_json()

    assert got.status_code == 404
    assert patched.status_code == 404
    assert got.get_json()["error"]["code"] == "not_found"
    assert id_ not in [row["id"] for row in listed]
    assert community.api.get(resource.item_path(community, id_)).get_json() == before


@by_resource
def test_pages_of_another_communitys_ids_are_404(client, community, other_community, resource):
    id_ = resource.create(community)
    login(client, "birch@example.org")

    own_slug = client.get(other_community.page(resource.page.format(id=id_)))
    this_slug = client.get(community.page(resource.page.format(id=id_)))
    post = client.post(other_community.page(resource.item.format(id=id_)), data=resource.body(community))

    assert (own_slug.status_code, this_slug.status_code, post.status_code) == (404, 404, 404)
    assert "not found." in own_slug.get_data(as_text=True)


def test_an_unknown_slug_is_the_same_404_as_a_foreign_one(community):
    response = community.api.get("/api/c/no-such-place/members")

    assert (response.status_code, response.get_json()) == (404, NOT_FOUND)


def test_a_property_cannot_be_given_to_another_communitys_member(community, other_community):
    response = community.api.post(
        community.url("/properties"),
        json={"label": "Plot 9", "share_weight": "1", "owner_member_id": other_community.admin_member_id},
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {
        "owner_member_id": ["No such member in this community."]
    }


# --- CSRF ---------------------------------------------------------------------------------


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def _invite_body(name="Cleo"):
    return {"name": name, "email": f"{name.lower()}@example.org", "role": "owner"}


def test_cookie_api_post_without_csrf_token_is_400(client, community, csrf_on):
    with_session = _logged_in_with_csrf(client)

    refused = client.post(community.url("/members"), json=_invite_body())
    allowed = client.post(
        community.url("/members"), json=_invite_body("Dora"), headers={"X-CSRFToken": with_session}
    )

    assert refused.status_code == 400
    assert refused.get_json() == {
        "error": {"code": "bad_request", "fields": {}, "message": "The CSRF token is missing."}
    }
    assert allowed.status_code == 201


def test_page_post_without_csrf_token_is_400(client, community, csrf_on):
    token = _logged_in_with_csrf(client)

    refused = client.post(community.page("/members/"), data=_invite_body())
    allowed = client.post(community.page("/members/"), data={**_invite_body("Dora"), "csrf_token": token})

    assert refused.status_code == 400
    assert allowed.status_code == 302
    names = [m["name"] for m in community.api.get(community.url("/members")).get_json()]
    assert "Cleo" not in names and "Dora" in names


def test_bearer_token_post_needs_no_csrf_token(community, csrf_on):
    response = community.api.post(community.url("/members"), json=_invite_body())

    assert response.status_code == 201


def test_a_bogus_bearer_header_does_not_skip_csrf_for_a_session(client, community, csrf_on):
    _logged_in_with_csrf(client)

    response = client.post(
        community.url("/members"), json=_invite_body(), headers={"Authorization": "Bearer levy_forged"}
    )

    assert response.status_code == 401
    assert "Cleo" not in [m["name"] for m in community.api.get(community.url("/members")).get_json()]


def _logged_in_with_csrf(client) -> str:
    """Log in through the form, as a browser does; answers the page's CSRF token."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"email": "admin@example.org", "password": "correct horse battery", "csrf_token": token},
    )
    assert response.status_code == 302
    page = client.get("/c/maple/").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


# --- headers --------------------------------------------------------------------------------


def test_pages_and_api_send_a_strict_content_security_policy(client, community):
    for response in (client.get("/"), client.get("/login"), community.api.get("/api/me")):
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_httponly_and_samesite_lax(client, community):
    response = client.post("/login", data={"email": "admin@example.org", "password": "correct horse battery"})

    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
