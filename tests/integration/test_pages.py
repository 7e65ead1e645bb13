"""Server-rendered pages and htmx fragments (SPEC §6), and the API's own documentation."""

import re

import pytest
from conftest import login

from app.forms.community import PAYEE_FIELDS

HTMX = {"HX-Request": "true"}


@pytest.fixture
def admin_client(client, community):
    login(client, "admin@example.org")
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


def _property(community, label="Plot 1", share_weight="12.5"):
    response = community.api.post(
        community.url("/properties"),
        json={"label": label, "share_weight": share_weight, "owner_member_id": community.admin_member_id},
    )
    assert response.status_code == 201
    return response.get_json()


# --- public pages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "<h1>Levy</h1>"),
        ("/login", "<h1>Log in</h1>"),
        ("/signup", "<h1>Sign up your community</h1>"),
        ("/reset", "<h1>Reset your password</h1>"),
    ],
)
def test_public_pages_render(client, path, heading):
    response = client.get(path)

    assert response.status_code == 200
    assert heading in _text(response)


def test_pages_load_no_inline_script(client):
    # The CSP allows scripts from our own origin only; an inline <script> would be blocked.
    for path in ("/", "/login", "/signup", "/api/docs"):
        scripts = re.findall(r"<script([^>]*)>", _text(client.get(path)))
        assert scripts and all('src="' in attributes for attributes in scripts)


# --- members ---------------------------------------------------------------------------------


def test_members_page_lists_members(admin_client, community, owner):
    page = _text(admin_client.get(community.page("/members/")))

    assert "<h1>Members</h1>" in page
    assert "<td>Ada Admin</td>" in page
    assert "<td>Olga Owner</td>" in page


def test_htmx_invite_answers_the_section_with_the_new_row_and_invite_link(admin_client, community):
    response = admin_client.post(
        community.page("/members/"),
        headers=HTMX,
        data={"name": "Nina Neighbour", "email": "nina@example.org", "role": "owner"},
    )

    assert response.status_code == 200
    html = _text(response)
    assert html.lstrip().startswith('<section id="members-section">')
    assert "<html" not in html
    rows = [r for r in re.findall(r'<tr id="member-\d+">.*?</tr>', html, re.S) if "Nina" in r]
    assert len(rows) == 1
    assert re.search(
        r"<td>Nina Neighbour</td>\s*<td>nina@example.org</td>\s*<td>owner</td>\s*"
        r"<td>invited</td>",
        rows[0],
    )
    assert re.search(r'value="http://levy\.test/invite/[\w-]+" aria-label="Invite link"', html)
    assert response.headers["Vary"].startswith("HX-Request")


def test_htmx_invite_with_a_bad_email_shows_the_error_at_the_field(admin_client, community):
    response = admin_client.post(
        community.page("/members/"),
        headers=HTMX,
        data={"name": "Nina", "email": "not-an-email", "role": "owner"},
    )

    assert response.status_code == 422
    html = _text(response)
    assert re.search(
        r'<input aria-describedby="email-errors" aria-invalid="true" id="email"[^>]*'
        r'value="not-an-email">\s*<span id="email-errors">\s*'
        r'<small class="field-error">Enter a valid email address.</small>',
        html,
    )
    assert "nina" not in [m["name"].lower() for m in community.api.get(community.url("/members")).get_json()]


def test_invite_without_htmx_redirects_back_to_the_members_page(admin_client, community):
    response = admin_client.post(
        community.page("/members/"), data={"name": "Nina", "email": "nina@example.org", "role": "owner"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/c/maple/members/"


def test_inline_edit_of_a_member_role(admin_client, community):
    nina = community.api.post(
        community.url("/members"), json={"name": "Nina", "email": "nina@example.org"}
    ).get_json()

    edit = admin_client.get(community.page(f"/members/{nina['id']}/edit"), headers=HTMX)
    saved = admin_client.post(
        community.page(f"/members/{nina['id']}"),
        headers=HTMX,
        data={"name": "Nina N.", "email": "nina@example.org", "role": "admin"},
    )

    assert 'class="editing"' in _text(edit)
    assert saved.status_code == 200
    assert "<td>Nina N.</td>" in _text(saved) and "<td>admin</td>" in _text(saved)


# --- properties ------------------------------------------------------------------------------


def test_htmx_add_property_answers_the_section_with_the_new_row(admin_client, community):
    response = admin_client.post(
        community.page("/properties/"),
        headers=HTMX,
        data={
            "label": "Garage 12",
            "share_weight": "18.75",
            "owner_member_id": str(community.admin_member_id),
            "active": "y",
        },
    )

    assert response.status_code == 200
    html = _text(response)
    assert html.lstrip().startswith('<section id="properties-section">')
    assert re.search(r'<td>Garage 12</td>\s*<td class="amount">18.75</td>\s*<td>Ada Admin</td>', html)


def test_inline_edit_row_shows_the_current_values(admin_client, community):
    prop = _property(community)

    response = admin_client.get(community.page(f"/properties/{prop['id']}/edit"), headers=HTMX)

    html = _text(response)
    assert response.status_code == 200
    assert 'name="label" value="Plot 1"' in html
    assert 'name="share_weight" value="12.5"' in html
    assert f'<option value="{community.admin_member_id}" selected>Ada Admin</option>' in html


def test_inline_edit_saves_and_answers_the_row(admin_client, community):
    prop = _property(community)

    response = admin_client.post(
        community.page(f"/properties/{prop['id']}"),
        headers=HTMX,
        data={
            "label": "Plot 1A",
            "share_weight": "13.0625",
            "owner_member_id": str(community.admin_member_id),
            "active": "y",
        },
    )

    assert response.status_code == 200
    assert re.search(
        r'<tr id="property-%d">\s*<td>Plot 1A</td>\s*<td class="amount">13.0625</td>' % prop["id"],
        _text(response),
    )
    stored = community.api.get(community.url(f"/properties/{prop['id']}")).get_json()
    assert (stored["label"], stored["share_weight"], stored["active"]) == ("Plot 1A", "13.0625", True)


def test_inline_edit_with_a_bad_share_weight_is_422_with_the_error(admin_client, community):
    prop = _property(community)

    response = admin_client.post(
        community.page(f"/properties/{prop['id']}"),
        headers=HTMX,
        data={
            "label": "Plot 1",
            "share_weight": "1.00001",
            "owner_member_id": str(community.admin_member_id),
            "active": "y",
        },
    )

    assert response.status_code == 422
    assert re.search(
        r'name="share_weight" value="1.00001"[^>]*aria-invalid="true">\s*'
        r'<small class="field-error">Enter a number with at most four decimals.</small>',
        _text(response),
    )
    assert community.api.get(community.url(f"/properties/{prop['id']}")).get_json()["share_weight"] == "12.5"


def test_unchecking_active_deactivates_a_property(admin_client, community):
    prop = _property(community)

    admin_client.post(
        community.page(f"/properties/{prop['id']}"),
        headers=HTMX,
        data={"label": "Plot 1", "share_weight": "12.5", "owner_member_id": str(community.admin_member_id)},
    )

    assert community.api.get(community.url(f"/properties/{prop['id']}")).get_json()["active"] is False


# --- settings --------------------------------------------------------------------------------


def test_settings_page_saves(admin_client, community):
    response = admin_client.post(
        community.page("/settings/"),
        data={
            "name": "Maple Court HOA",
            "currency": "gbp",
            "payment_details": "IBAN GB00 0000",
            "owners_see_balance_sheet": "y",
        },
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "Settings saved." in _text(response)
    assert 'value="Maple Court HOA"' in _text(response)
    assert community.api.get(community.url("/settings")).get_json() == {
        "name": "Maple Court HOA",
        "currency": "GBP",
        "owners_see_balance_sheet": True,
        "payment_details": "IBAN GB00 0000",
        "late_fee_percent": "0",
        "locale": "en",
        **dict.fromkeys(PAYEE_FIELDS, ""),
    }


def test_settings_page_shows_errors_and_saves_nothing(admin_client, community):
    response = admin_client.post(community.page("/settings/"), data={"name": "", "currency": "EURO"})

    assert response.status_code == 422
    html = _text(response)
    assert re.search(r'id="name-errors">\s*<small class="field-error">This field is required.', html)
    assert re.search(r'id="currency-errors">\s*<small class="field-error">Use an ISO 4217', html)
    assert community.api.get(community.url("/settings")).get_json()["name"] == "Maple Court"


def test_owner_cannot_open_admin_pages(client, community, owner):
    login(client, owner.email)

    for path in ("/members/", "/properties/", "/settings/"):
        assert client.get(community.page(path)).status_code == 403


# --- the API's own documentation ------------------------------------------------------------------


def _api_operations(app) -> set[tuple[str, str]]:
    operations = set()
    for rule in app.url_map.iter_rules():
        # The document and its viewer describe the API; they are not part of it.
        if not rule.rule.startswith("/api/") or rule.endpoint.startswith("api_docs."):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        operations |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return operations


def test_openapi_document_lists_every_api_route(app, client):
    document = client.get("/api/openapi.json").get_json()

    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert documented == _api_operations(app)
    assert ("/api/c/{community_slug}/properties/{property_id}", "patch") in documented


def test_openapi_document_is_openapi_3(client):
    document = client.get("/api/openapi.json").get_json()

    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] and document["info"]["version"]
    for path, item in document["paths"].items():
        declared = set(re.findall(r"{([^}]+)}", path))
        for method, operation in item.items():
            assert method in {"get", "post", "patch", "put", "delete"}
            assert operation["responses"], (path, method)
            in_path = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
            assert in_path == declared, (path, method)
            assert all(p["required"] for p in operation["parameters"] if p["in"] == "path")


def test_openapi_document_describes_request_bodies_from_the_forms(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]

    schema = paths["/api/c/{community_slug}/properties"]["post"]["requestBody"]["content"][
        "application/json"
    ]["schema"]
    assert set(schema["properties"]) == {"label", "share_weight", "owner_member_id", "active"}
    assert set(schema["required"]) == {"label", "share_weight", "owner_member_id"}
    assert paths["/api/signup"]["post"]["responses"].keys() >= {"201", "400"}


def test_api_docs_page_renders_swagger_ui(client):
    response = client.get("/api/docs")

    html = _text(response)
    assert response.status_code == 200
    assert 'data-spec-url="/api/openapi.json"' in html
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset
