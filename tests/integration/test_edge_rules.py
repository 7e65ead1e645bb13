"""Rules found while hardening: names compare like people read them, tariffs stay payable."""


def _period(community, name, start, end):
    return community.api.post(
        community.url("/periods"), json={"name": name, "start_date": start, "end_date": end}
    )


def test_period_names_are_unique_per_start_year_whatever_their_case(community):
    assert _period(community, "Q1", "2026-01-01", "2026-03-31").status_code == 201
    clash = _period(community, "q1", "2026-04-01", "2026-06-30")
    assert clash.status_code == 400
    assert list(clash.get_json()["error"]["fields"]) == ["name"]


def test_a_reading_whose_tariff_would_exceed_the_amount_limit_is_refused(community, owner):
    api, url = community.api, community.url
    prop = api.post(
        url("/properties"), json={"label": "U1", "share_weight": "1", "owner_member_id": owner.id}
    ).get_json()
    period = _period(community, "Q1", "2026-01-01", "2026-03-31").get_json()
    item = api.post(
        url(f"/periods/{period['id']}/budget-items"),
        json={
            "payment_type": "Water",
            "budgeted_cost": "10",
            "strategy": "usage_based",
            "unit_rate": "1000000",
        },
    ).get_json()
    # 1,000,000 units × 1,000,000.0000 per unit = 1e12 > 1e9
    huge = api.post(
        url(f"/periods/{period['id']}/readings"),
        json={
            "property_id": prop["id"],
            "budget_item_id": item["id"],
            "start_reading": "0",
            "end_reading": "1000000",
        },
    )
    assert huge.status_code == 400
    assert list(huge.get_json()["error"]["fields"]) == ["end_reading"]
    # 1,000 units × 1,000,000 = 1e9 exactly: allowed
    fine = api.post(
        url(f"/periods/{period['id']}/readings"),
        json={
            "property_id": prop["id"],
            "budget_item_id": item["id"],
            "start_reading": "0",
            "end_reading": "1000",
        },
    )
    assert fine.status_code == 201
    assert fine.get_json()["total_cost"] == "1000000000.00"


def test_a_closed_statement_keeps_the_split_as_it_was_closed(community, owner):
    api, url = community.api, community.url
    mine = api.post(
        url("/properties"), json={"label": "A", "share_weight": "60", "owner_member_id": owner.id}
    ).get_json()
    api.post(
        url("/properties"),
        json={"label": "B", "share_weight": "40", "owner_member_id": community.admin_member_id},
    )
    period = _period(community, "Q1", "2026-01-01", "2026-03-31").get_json()
    api.post(
        url(f"/periods/{period['id']}/budget-items"),
        json={"payment_type": "Security", "budgeted_cost": "100", "strategy": "proportional"},
    )
    api.post(
        url(f"/periods/{period['id']}/expenses"),
        json={"amount": "100.00", "date": "2026-02-01", "payment_type": "Security"},
    )
    assert api.post(url(f"/periods/{period['id']}/close")).status_code == 202

    # A later change of share weight must not rewrite the closed period's explanation.
    api.patch(url(f"/properties/{mine['id']}"), json={"share_weight": "10"})
    statement = owner.api.get(url(f"/periods/{period['id']}/balances/{owner.id}")).get_json()

    assert statement["allocated"] == "60.00"
    [line] = statement["lines"]["allocations"]
    assert (line["basis"], line["basis_total"], line["share"]) == ("60", "100", "60.00")


def test_owners_see_members_names_but_not_their_emails(community, owner):
    listed = owner.api.get(community.url("/members")).get_json()
    assert {m["name"] for m in listed} == {"Ada Admin", "Olga Owner"}
    assert all("email" not in m for m in listed)
    assert owner.api.get(community.url(f"/members/{owner.id}")).get_json()["email"] == owner.email
    admin_view = community.api.get(community.url("/members")).get_json()
    assert {m["email"] for m in admin_view} == {"admin@example.org", owner.email}
