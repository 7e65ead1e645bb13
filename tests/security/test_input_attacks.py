"""Hostile input against every write of the API (SPEC §5 input rules), written as attacks.

The endpoints and their fields are read from the app itself (each write view names its form
through ``@doc``), so a new form is attacked as soon as it is routed. Every refusal must be a
400 whose ``fields`` names the field; nothing may be a 500 (on PostgreSQL, NUL used to be a
psycopg DataError).
"""

import os
import re
import threading

import pytest
from conftest import PASSWORD, signup
from security_world import build_world
from wtforms import DateField

from app import create_app
from app.forms import base as rules

POSTGRES = (os.environ.get("LEVY_TEST_DATABASE_URL") or "").startswith("postgres")


def _routes():
    """(endpoint, method, rule, form class) for every API write that takes a form."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SERVER_NAME": "levy.test",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    found = []
    for rule in app.url_map.iter_rules():
        info = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if not rule.rule.startswith("/api/") or not info or not info.get("form"):
            continue
        for method in sorted(rule.methods & {"POST", "PATCH", "PUT"}):
            found.append((rule.endpoint, method, rule.rule, info["form"]))
    with app.test_request_context():
        fields = [
            (endpoint, method, path, form_class, field.name, field)
            for endpoint, method, path, form_class in found
            for field in form_class(meta={"csrf": False})
            if field.name != "csrf_token"
        ]
    return sorted(found, key=lambda r: (r[0], r[1])), fields


ROUTES, FIELDS = _routes()


def _url(path, world):
    def value(match):
        name = match.group(2)
        if name in ("slug", "community_slug"):
            return world["slug"]
        if name == "token":
            return world["invites"]  # a live invite: a dead one is a 404 before any field
        segment = path[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        if segment not in world:
            pytest.skip(f"no row for {segment!r} in security_world.build_world")
        return str(world[segment])

    return re.sub(r"<(?:([a-z]+):)?([a-z_]+)>", value, path)


@pytest.fixture
def world(community, app, monkeypatch):
    # Many refused log-ins on purpose: the credential limit is not what is tested here.
    monkeypatch.setitem(app.config, "CREDENTIAL_FAILURE_LIMIT", "100000 per minute")
    return build_world(community)


def _send(community, method, url, payload=None, raw=None):
    call = getattr(community.api, method.lower())
    if raw is not None:
        return call(url, data=raw, content_type="application/json")
    return call(url, json=payload)


def _attacks(field):
    """(value sent, message expected or None for "any message naming the field")."""
    kind, multi_line = rules.json_kind(field), rules.is_multi_line(field)
    required = any(getattr(v, "field_flags", {}).get("required") for v in field.validators)
    texts = kind != "boolean"
    attacks = [({"x": 1}, rules.NOT_SCALAR), (["x"], rules.NOT_SCALAR)]
    if texts:
        attacks += [
            ("a\x00b", rules.CONTROL),
            ("\x00", rules.CONTROL),
            ("a\x1bb", rules.CONTROL),
            ("a\x7fb", rules.CONTROL),
            ("a\x85b", rules.CONTROL),
            ("a\ud800b", rules.SURROGATE),
            ("\udfff", rules.SURROGATE),
        ]
        if not multi_line:
            attacks += [
                ("a\nb", rules.LINE_BREAK),
                ("a\rb", rules.LINE_BREAK),
                ("a\tb", rules.LINE_BREAK),
                ("a\u2028b", rules.LINE_BREAK),
            ]
        attacks += [("x" * (rules.max_length(field) + 1), None)]
    else:
        attacks += [("true", rules.NOT_BOOLEAN), (1, rules.NOT_BOOLEAN), ("a\x00", rules.NOT_BOOLEAN)]
    if kind == "text":
        attacks += [(False, rules.NOT_TEXT), (True, rules.NOT_TEXT), (5, rules.NOT_TEXT)]
    if kind == "number":
        attacks += [(True, rules.NOT_NUMBER), ("١٢", None), ("１２", None)]
    if kind == "id":
        attacks += [(True, rules.NOT_ID), ("١", None), ("²", None), ("-1", None)]
    if isinstance(field, DateField):
        attacks += [
            ("2026-1-1", None),
            ("٢٠٢٦-٠١-٠١", None),
            ("2026-01-01T00:00", None),
            ("0001-13-01", None),
        ]
    if required:
        attacks += [
            ("", "This field is required."),
            ("   ", "This field is required."),
            ("\u3000", "This field is required."),
        ]
    return attacks


@pytest.mark.parametrize(
    ("endpoint", "method", "path", "form_class", "name", "field"),
    FIELDS,
    ids=[f"{f[1]} {f[2]} {f[4]}" for f in FIELDS],
)
def test_every_field_refuses_hostile_values_naming_the_field(
    community, world, endpoint, method, path, form_class, name, field
):
    url = _url(path, world)
    wrong = []
    for value, message in _attacks(field):
        response = _send(community, method, url, {name: value})
        error = (response.get_json(silent=True) or {}).get("error", {})
        got = error.get("fields", {}).get(name)
        if response.status_code != 400 or not got or (message and got != [message]):
            wrong.append(
                (value if len(repr(value)) < 40 else repr(value)[:40] + "…", response.status_code, error)
            )
    assert not wrong, wrong


@pytest.mark.parametrize(
    ("endpoint", "method", "path", "form_class"), ROUTES, ids=[f"{r[1]} {r[2]}" for r in ROUTES]
)
def test_every_write_refuses_bad_bodies(community, world, endpoint, method, path, form_class):
    url = _url(path, world)
    cases = [
        ({"no_such_field": "x"}, None, {"no_such_field": [rules.UNKNOWN]}),
        (None, "[" * 100_000, {}),  # RecursionError before the fix
        (None, '{"a": ' * 50_000, {}),
        (None, "[1, 2]", {}),
        (None, '"text"', {}),
        (None, "12", {}),
        (None, "null", {}),
        (None, '{"x": NaN}', {}),
        (None, '{"x": Infinity}', {}),
        (None, "\xff", {}),
    ]
    for payload, raw, fields in cases:
        response = _send(community, method, url, payload, raw)
        error = response.get_json()["error"]
        assert response.status_code == 400, (raw or payload)[:30]
        if payload:
            assert error["fields"].get("no_such_field") == fields["no_such_field"]
        else:
            assert error["fields"] == {}, (raw[:30], error)


def test_deeply_nested_json_reaches_no_view_as_a_500(client):
    """Rate-limit keys read the body too (``request.get_json``): nesting is safe there."""
    for path in ("/api/tokens", "/api/signup"):
        response = client.post(path, data="[" * 100_000, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json()["error"]["fields"] == {}


# --- particular rules ---------------------------------------------------------------------


def test_a_boolean_is_never_stored_as_text(community):
    response = community.api.patch(community.url("/settings"), json={"name": False})

    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"name": [rules.NOT_TEXT]}
    assert community.api.get(community.url("/settings")).get_json()["name"] == "Maple Court"


@pytest.mark.parametrize("name", ["Maple\nBcc: victim@example.org", "Maple\r\nX: y", "Maple\u2028"])
def test_a_line_break_in_the_community_name_is_refused(client, community, name):
    patched = community.api.patch(community.url("/settings"), json={"name": name})
    signed_up = client.post(
        "/api/signup",
        json={
            "community_name": name,
            "slug": "linebreak",
            "name": "Ada",
            "email": "lb@example.org",
            "password": PASSWORD,
        },
    )

    for response in (patched, signed_up):
        assert response.status_code == 400
    assert patched.get_json()["error"]["fields"] == {"name": [rules.LINE_BREAK]}
    assert signed_up.get_json()["error"]["fields"] == {"community_name": [rules.LINE_BREAK]}


def test_a_budget_item_without_strategy_is_refused_not_defaulted(community, world):
    response = community.api.post(
        community.url(f"/periods/{world['periods']}/budget-items"),
        json={"payment_type": "Security", "budgeted_cost": "10.00"},
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"strategy": ["This field is required."]}


def test_multi_line_fields_keep_line_breaks_and_tabs(community, world):
    text = "Paid in cash.\nReceipt\tNo. 7\r\nThanks"
    response = community.api.post(
        community.url(f"/periods/{world['periods']}/expenses"),
        json={"amount": "1.00", "date": "2026-01-05", "payment_type": "Water", "description": text},
    )

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["description"] == text


def test_omitted_or_null_optional_text_is_none_and_empty_text_stays_empty(community, world):
    url = community.url(f"/periods/{world['periods']}/expenses")
    base = {"amount": "1.00", "date": "2026-01-05", "payment_type": "Water"}

    omitted = community.api.post(url, json=base).get_json()
    null = community.api.post(url, json={**base, "vendor": None, "paid_by_member_id": None}).get_json()
    empty = community.api.post(url, json={**base, "vendor": "", "description": ""}).get_json()

    assert (omitted["vendor"], omitted["paid_by_member_id"]) == ("", None)
    assert (null["vendor"], null["paid_by_member_id"]) == ("", None)
    assert (empty["vendor"], empty["description"]) == ("", "")


@pytest.mark.parametrize(
    ("amount", "stored"), [("12.5", "12.50"), (12.5, "12.50"), (7, "7.00"), ("0.01", "0.01"), (1e2, "100.00")]
)
def test_amounts_as_decimal_strings_or_json_numbers(community, world, amount, stored):
    response = community.api.post(
        community.url(f"/periods/{world['periods']}/contributions"),
        json={"member_id": world["members"], "amount": amount, "date": "2026-01-05"},
    )

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["amount"] == stored


@pytest.mark.parametrize("amount", ["  ", "\t", 12.345, "1e3", "１２", "12,50", -1, 0])
def test_bad_amounts_name_the_amount(community, world, amount):
    response = community.api.post(
        community.url(f"/periods/{world['periods']}/contributions"),
        json={"member_id": world["members"], "amount": amount, "date": "2026-01-05"},
    )

    assert response.status_code == 400
    assert list(response.get_json()["error"]["fields"]) == ["amount"]


@pytest.mark.parametrize("member_id", [7, "7"])
def test_ids_as_json_integers_or_digit_strings(community, world, member_id):
    response = community.api.post(
        community.url(f"/periods/{world['periods']}/contributions"),
        json={
            "member_id": str(world["members"]) if member_id == "7" else world["members"],
            "amount": "1",
            "date": "2026-01-05",
        },
    )

    assert response.status_code == 201, response.get_json()


def test_a_patch_may_send_back_only_fields_it_can_change(community, world):
    url = community.url(f"/contributions/{world['contributions']}")
    current = community.api.get(url).get_json()

    response = community.api.patch(url, json=current)

    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"id", "period_id"}


# --- pages share the rules ------------------------------------------------------------------


def test_pages_refuse_nul_and_line_breaks_in_the_same_form(client, community):
    from conftest import login

    login(client, "admin@example.org")

    response = client.post(
        community.page("/settings/"),
        data={"name": "Maple\x00Court", "currency": "EUR", "payment_details": "IBAN\n123"},
    )

    assert response.status_code in (200, 400, 422)
    assert str(rules.CONTROL) in response.get_data(as_text=True)


def test_the_sign_up_page_refuses_a_community_name_with_a_line_break(client):
    response = client.post(
        "/signup",
        data={
            "community_name": "Maple\nCourt",
            "slug": "pagebreak",
            "name": "Ada",
            "email": "page@example.org",
            "password": PASSWORD,
        },
    )

    assert response.status_code in (200, 400, 422)
    assert str(rules.LINE_BREAK) in response.get_data(as_text=True)


# --- races: never a 500 (PostgreSQL: real concurrent transactions) ---------------------------


def _race(app, calls):
    """Run each call (client -> response) in its own thread at once; their statuses."""
    barrier = threading.Barrier(len(calls))
    statuses, bodies = [None] * len(calls), [None] * len(calls)

    def run(index, call):
        client = app.test_client()
        barrier.wait()
        response = call(client)
        statuses[index], bodies[index] = response.status_code, response.get_json()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, bodies


needs_postgres = pytest.mark.skipif(not POSTGRES, reason="real concurrent writes need PostgreSQL")


def _signup_call(slug, email):
    return lambda client: client.post(
        "/api/signup",
        json={"community_name": "Race", "slug": slug, "name": "Rae", "email": email, "password": PASSWORD},
    )


@needs_postgres
@pytest.mark.parametrize("same", ["slug", "email"])
def test_concurrent_sign_ups_for_one_slug_or_email_never_500(app, same):
    for round_ in range(3):
        calls = [
            _signup_call(
                f"race-{round_}" if same == "slug" else f"race-{round_}-{i}",
                f"race{round_}@example.org" if same == "email" else f"r{round_}-{i}@example.org",
            )
            for i in range(4)
        ]
        statuses, bodies = _race(app, calls)

        assert 500 not in statuses, bodies
        assert statuses.count(201) == 1, (statuses, bodies)
        for status, body in zip(statuses, bodies):
            if status != 201:
                assert status in (400, 409), body
                assert set(body["error"]["fields"]) == {same}, body


@needs_postgres
def test_an_invite_accepted_twice_at_once_never_500(app, client):
    admin = signup(client, slug="inviting", email="inviter@example.org")
    for round_ in range(3):
        invited = client.post(
            "/api/c/inviting/members",
            json={"name": "Ivy", "email": f"ivy{round_}@example.org", "role": "owner"},
            headers={"Authorization": f"Bearer {admin['token']}"},
        ).get_json()
        token = invited["invite_url"].rsplit("/", 1)[-1]

        def accept(client, token=token):
            return client.post(f"/api/invites/{token}/accept", json={"password": PASSWORD})

        statuses, bodies = _race(app, [accept, accept, accept])

        assert 500 not in statuses, bodies
        assert statuses.count(200) >= 1, (statuses, bodies)
        assert set(statuses) <= {200, 404, 409}, (statuses, bodies)


# --- limits never exceed the columns -------------------------------------------------------


def test_text_limits_fit_the_spec_and_the_columns(app):
    from app.forms.accounts import SignupForm
    from app.forms.community import MemberForm, PropertyForm, SettingsForm
    from app.forms.ledger import BudgetItemForm, ExpenseForm, PeriodForm
    from app.models import BudgetItem, Community, Expense, Member, Period, Property

    pairs = [
        (SignupForm, "community_name", Community.name),
        (SignupForm, "name", Member.name),
        (SettingsForm, "name", Community.name),
        (MemberForm, "name", Member.name),
        (MemberForm, "email", Member.email),
        (PropertyForm, "label", Property.label),
        (PeriodForm, "name", Period.name),
        (ExpenseForm, "payment_type", Expense.payment_type),
        (ExpenseForm, "vendor", Expense.vendor),
        (BudgetItemForm, "payment_type", BudgetItem.payment_type),
    ]
    from app.forms.accounts import SLUG_RE

    assert "{3,40}" in SLUG_RE.pattern and Community.slug.type.length == 40  # the regex bounds it
    with app.test_request_context():
        for form_class, name, column in pairs:
            field = form_class(meta={"csrf": False})[name]
            assert rules.max_length(field) <= column.type.length, (form_class, name)
        for *_, name, field in FIELDS:
            if rules.json_kind(field) == "text" and "email" not in name:
                cap = rules.MULTI_LINE_MAX if rules.is_multi_line(field) else rules.ONE_LINE_MAX
                assert rules.max_length(field) <= cap, name
