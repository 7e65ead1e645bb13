"""A community with one row of every kind, so that every API path has something to resolve
to: the attack tests and the schemathesis run share it."""

import io

from conftest import invite_and_join


def _ok(response, status=201):
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return response.get_json()


def build_world(community) -> dict:
    """Ids by the path segment that names them (``members``, ``periods``, ``readings``, …),
    plus ``slug`` and the owner's token."""
    api, url = community.api, community.url
    owner, owner_token = invite_and_join(api, community.slug, "Olga Owner", "owner@example.org")
    prop = _ok(
        api.post(
            url("/properties"), json={"label": "Plot 1", "share_weight": "1", "owner_member_id": owner["id"]}
        )
    )
    period = _ok(
        api.post(
            url("/periods"), json={"name": "2026 Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"}
        )
    )
    in_period = f"/periods/{period['id']}"
    item = _ok(
        api.post(
            url(f"{in_period}/budget-items"),
            json={"payment_type": "Water", "budgeted_cost": "100.00", "strategy": "usage_based"},
        )
    )
    rows = {
        "contributions": {"member_id": owner["id"], "amount": "50.00", "date": "2026-01-10"},
        "expenses": {"amount": "20.00", "date": "2026-01-11", "payment_type": "Water"},
        "charges": {
            "member_id": owner["id"],
            "amount": "5.00",
            "date": "2026-01-12",
            "description": "Key copy",
        },
        "readings": {
            "property_id": prop["id"],
            "budget_item_id": item["id"],
            "start_reading": "1",
            "end_reading": "3",
        },
        "payouts": {"member_id": owner["id"], "amount": "7.00", "date": "2026-01-13"},
        "adjustments": {
            "member_id": owner["id"],
            "amount": "-3.00",
            "date": "2026-01-14",
            "reason": "Brought over from the old books",
        },
    }
    ids = {kind: _ok(api.post(url(f"{in_period}/{kind}"), json=body))["id"] for kind, body in rows.items()}
    # An open invite for someone with no account yet: the invite-accept paths resolve to it.
    invited = _ok(
        api.post(
            url("/members"), json={"name": "Ivan Invitee", "email": "invitee@example.org", "role": "owner"}
        )
    )
    statement = _ok(
        api.post(
            url("/bank-imports"),
            data={
                "file": (
                    io.BytesIO(b"date,amount,counterparty,purpose\n2026-01-15,10.00,Olga Owner,Plot 1\n"),
                    "statement.csv",
                )
            },
            content_type="multipart/form-data",
        )
    )
    ids["bank-imports"], ids["lines"] = statement["id"], statement["lines"][0]["id"]
    return {
        "slug": community.slug,
        "members": owner["id"],
        "properties": prop["id"],
        "invites": invited["invite_url"].rsplit("/", 1)[-1],
        "periods": period["id"],
        "budget-items": item["id"],
        "jobs": 1,
        "balances": owner["id"],
        "owner_token": owner_token,
        **ids,
    }
