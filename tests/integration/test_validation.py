"""Bad input is a 400 with a field error, never a 500 (SPEC §5)."""

from decimal import Decimal

import pytest

from app.forms.community import PAYEE_FIELDS
from conftest import PASSWORD

HUGE_ID = 99999999999999999999999


def _signup_body(**changes):
    return {
        "community_name": "Oak Row",
        "slug": "oak",
        "name": "Ada",
        "email": "ada@example.org",
        "password": PASSWORD,
        "currency": "EUR",
        **changes,
    }


def _fields(response) -> dict:
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    return error.get("fields", {})


# --- one bad field at a time -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("community_name", "", "This field is required."),
        ("community_name", "x" * 121, "Field cannot be longer than 120 characters."),
        ("slug", "ab", "3 to 40 lowercase letters, digits or dashes."),
        ("slug", "Maple", "3 to 40 lowercase letters, digits or dashes."),
        ("slug", "maple court", "3 to 40 lowercase letters, digits or dashes."),
        ("slug", "m" * 41, "3 to 40 lowercase letters, digits or dashes."),
        ("name", "  ", "This field is required."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("password", "short", "Use at least 8 characters."),
        ("currency", "EURO", "Use an ISO 4217 currency code such as EUR or USD."),
    ],
)
def test_signup_field_errors(client, field, value, message):
    response = client.post("/api/signup", json=_signup_body(**{field: value}))

    assert _fields(response) == {field: [message]}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("name", "n" * 121, "Field cannot be longer than 120 characters."),
        ("email", "nina-at-example.org", "Enter a valid email address."),
        ("role", "treasurer", "Not a valid choice."),
    ],
)
def test_member_field_errors(community, field, value, message):
    body = {"name": "Nina", "email": "nina@example.org", "role": "owner", field: value}

    response = community.api.post(community.url("/members"), json=body)

    assert _fields(response) == {field: [message]}


def test_inviting_an_existing_member_again_is_a_field_error(community, owner):
    response = community.api.post(
        community.url("/members"), json={"name": "Olga", "email": "OWNER@example.org"}
    )

    assert _fields(response) == {"email": ["This email is already a member."]}


def test_member_email_cannot_become_another_members(community):
    community.api.post(community.url("/members"), json={"name": "Nina", "email": "nina@example.org"})
    pia = community.api.post(
        community.url("/members"), json={"name": "Pia", "email": "pia@example.org"}
    ).get_json()

    response = community.api.patch(community.url(f"/members/{pia['id']}"), json={"email": "Nina@example.org"})

    assert _fields(response) == {"email": ["This email is already a member."]}


def test_an_invited_members_email_can_be_corrected(community):
    pia = community.api.post(
        community.url("/members"), json={"name": "Pia", "email": "pia@exmaple.org"}
    ).get_json()

    response = community.api.patch(community.url(f"/members/{pia['id']}"), json={"email": "Pia@Example.org"})

    assert response.status_code == 200
    assert response.get_json()["email"] == "pia@example.org"


def test_a_joined_members_email_is_their_login_and_stays(community, owner):
    response = community.api.patch(
        community.url(f"/members/{owner.id}"), json={"email": "elsewhere@example.org"}
    )

    assert _fields(response) == {
        "email": ["This member has joined; their email is their login and only they can change it."]
    }


def test_the_last_admin_cannot_become_an_owner(community):
    response = community.api.patch(
        community.url(f"/members/{community.admin_member_id}"), json={"role": "owner"}
    )

    assert response.status_code == 409  # a state conflict (SPEC §4), not bad input
    assert response.get_json()["error"]["fields"] == {"role": ["The last admin cannot become an owner."]}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("label", "", "This field is required."),
        ("label", "l" * 81, "Field cannot be longer than 80 characters."),
        ("share_weight", "0", "Enter a number greater than zero."),
        ("share_weight", "-2.5", "Enter a number greater than zero."),
        ("share_weight", "1.23456", "Enter a number with at most four decimals."),
        ("share_weight", "12,5", "Enter a number, like 1250.50."),
        ("share_weight", "1e3", "Enter a number, like 1250.50."),
        ("share_weight", "NaN", "Enter a number, like 1250.50."),
        ("share_weight", "", "This field is required."),
        ("owner_member_id", "first", "Must be a whole number id."),
        ("owner_member_id", -1, "Must be a whole number id."),
        ("owner_member_id", 424242, "No such member in this community."),
        ("owner_member_id", HUGE_ID, "Must be a whole number id."),
        ("active", "banana", "Must be true or false."),
    ],
)
def test_property_field_errors(community, field, value, message):
    body = {
        "label": "Plot 1",
        "share_weight": "10",
        "owner_member_id": community.admin_member_id,
        "active": True,
        field: value,
    }

    response = community.api.post(community.url("/properties"), json=body)

    assert _fields(response) == {field: [message]}


def test_property_patch_is_validated_like_a_create(community):
    prop = community.api.post(
        community.url("/properties"),
        json={"label": "Plot 1", "share_weight": "10", "owner_member_id": community.admin_member_id},
    ).get_json()

    response = community.api.patch(community.url(f"/properties/{prop['id']}"), json={"share_weight": "0"})

    assert _fields(response) == {"share_weight": ["Enter a number greater than zero."]}
    assert community.api.get(community.url(f"/properties/{prop['id']}")).get_json()["share_weight"] == "10"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("currency", "XYZW", "Use an ISO 4217 currency code such as EUR or USD."),
        ("currency", "", "This field is required."),
        ("owners_see_balance_sheet", "banana", "Must be true or false."),
        ("payment_details", "p" * 2001, "Field cannot be longer than 2000 characters."),
    ],
)
def test_settings_field_errors(community, field, value, message):
    response = community.api.patch(community.url("/settings"), json={field: value})

    assert _fields(response) == {field: [message]}


def test_settings_patch_changes_only_what_is_given(community):
    response = community.api.patch(
        community.url("/settings"), json={"currency": "chf", "owners_see_balance_sheet": True}
    )

    assert response.status_code == 200
    assert response.get_json() == {
        "name": "Maple Court",
        "currency": "CHF",
        "owners_see_balance_sheet": True,
        "payment_details": "",
        "late_fee_percent": "0",
        "locale": "en",
        **dict.fromkeys(PAYEE_FIELDS, ""),
    }


# --- decimals as JSON numbers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"), [("12.3456", "12.3456"), ("7", "7"), ("0.0001", "0.0001"), ("2.50", "2.5")]
)
def test_share_weight_as_a_json_number_with_up_to_four_decimals(community, raw, stored):
    body = '{"label": "Plot 1", "owner_member_id": %d, "share_weight": %s}' % (community.admin_member_id, raw)

    response = community.api.post(community.url("/properties"), data=body, content_type="application/json")

    assert response.status_code == 201
    assert response.get_json()["share_weight"] == stored


def test_share_weight_as_a_float_with_five_decimals_is_refused(community):
    body = {"label": "Plot 1", "owner_member_id": community.admin_member_id, "share_weight": 1.12345}

    response = community.api.post(community.url("/properties"), json=body)

    assert _fields(response) == {"share_weight": ["Enter a number with at most four decimals."]}


def test_share_weight_keeps_every_decimal_it_was_given(community):
    prop = community.api.post(
        community.url("/properties"),
        json={
            "label": "Plot 1",
            "owner_member_id": community.admin_member_id,
            "share_weight": "123456789.1234",
        },
    ).get_json()

    assert Decimal(prop["share_weight"]) == Decimal("123456789.1234")


# --- hostile bodies: 400, never 500 ---------------------------------------------------------------


def _endpoints(community, owner_id):
    """(method, path, every field of the form) for each write the foundation offers."""
    return [
        ("post", "/api/signup", ["community_name", "slug", "name", "email", "password", "currency"]),
        ("post", "/api/tokens", ["email", "password"]),
        ("post", community.url("/members"), ["name", "email", "role"]),
        ("patch", community.url(f"/members/{owner_id}"), ["name", "email", "role"]),
        ("post", community.url("/properties"), ["label", "share_weight", "owner_member_id", "active"]),
        (
            "patch",
            community.url("/settings"),
            ["name", "currency", "owners_see_balance_sheet", "payment_details"],
        ),
    ]


ENDPOINT_IDS = ["signup", "tokens", "member-create", "member-patch", "property-create", "settings"]


@pytest.fixture(params=range(len(ENDPOINT_IDS)), ids=ENDPOINT_IDS)
def endpoint(request, community):
    invited = community.api.post(
        community.url("/members"), json={"name": "Nina", "email": "nina@example.org"}
    ).get_json()
    return _endpoints(community, invited["id"])[request.param]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"name": ', "The body is not valid JSON."),
        ("[1, 2, 3]", "The body must be a JSON object."),
        ('"just a string"', "The body must be a JSON object."),
        ("\xff\xfe", "The body is not valid JSON."),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(community, endpoint, raw, message):
    method, path, _ = endpoint

    response = getattr(community.api, method)(path, data=raw, content_type="application/json")

    assert response.status_code == 400
    assert response.get_json()["error"] == {"code": "validation_error", "message": message, "fields": {}}


@pytest.mark.parametrize(
    "value", [None, {"nested": {"object": 1}}, ["a", "list"], "banana", 1.123456789, True, HUGE_ID]
)
def test_any_value_in_every_field_is_answered_without_a_500(community, endpoint, value):
    method, path, fields = endpoint

    response = getattr(community.api, method)(path, json={name: value for name in fields})

    assert response.status_code in (400, 401), response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] in ("validation_error", "unauthorized")


@pytest.mark.parametrize("value", [{"nested": 1}, ["a", "list"]])
def test_an_object_where_a_value_belongs_is_a_field_error_on_any_field(community, value):
    response = community.api.patch(community.url("/settings"), json={"payment_details": value})

    assert _fields(response) == {"payment_details": ["Must be a single value."]}


def test_an_object_as_password_never_becomes_a_password(client):
    response = client.post("/api/signup", json=_signup_body(password={"p": "correct horse"}))

    assert _fields(response) == {"password": ["Must be a single value."]}


@pytest.mark.parametrize("path", ["/properties/{huge}", "/members/{huge}"])
def test_huge_ids_are_404(community, path):
    url = community.url(path.format(huge=HUGE_ID))

    for response in (community.api.get(url), community.api.patch(url, json={"label": "x"})):
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_huge_ids_in_pages_are_404(client, community):
    from conftest import login

    login(client, "admin@example.org")

    for path in (f"/properties/{HUGE_ID}/edit", f"/members/{HUGE_ID}/edit", f"/properties/{HUGE_ID}"):
        assert client.get(community.page(path)).status_code == 404
