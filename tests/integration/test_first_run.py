"""The first-run checklist on a new community's admin dashboard (issue: a real community
moves in): shown until properties, members, a period and payment details exist."""

import re

import pytest

from conftest import login


@pytest.fixture
def admin_client(client, community):
    login(client, "admin@example.org")
    return client


def _checklist(client, community) -> str | None:
    page = client.get(community.page("/")).get_data(as_text=True)
    found = re.search(r'<article id="setup-checklist">(.*?)</article>', page, re.S)
    return found.group(1) if found else None


def test_a_new_community_sees_every_step_to_do_with_a_link(admin_client, community):
    checklist = _checklist(admin_client, community)

    assert "0 of 4 done" in checklist
    assert f'href="{community.page("/properties/")}"' in checklist
    assert f'href="{community.page("/members/")}"' in checklist
    assert f'href="{community.page("/periods/")}"' in checklist
    assert f'href="{community.page("/settings/")}"' in checklist
    assert "<s>" not in checklist


def test_steps_tick_off_as_the_treasurer_works_and_the_list_goes_when_done(admin_client, community, owner):
    api = community.api
    response = api.post(
        community.url("/properties"),
        json={"label": "Участок 1", "share_weight": "6", "owner_member_id": owner.id},
    )
    assert response.status_code == 201, response.get_json()

    checklist = _checklist(admin_client, community)
    assert "2 of 4 done" in checklist
    assert "<s>Add the properties (or import them from a spreadsheet)</s>" in checklist
    assert "<s>Add the members who own them</s>" in checklist

    assert (
        api.post(
            community.url("/periods"),
            json={"name": "2026 Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
        ).status_code
        == 201
    )
    assert "3 of 4 done" in _checklist(admin_client, community)

    assert (
        api.patch(
            community.url("/settings"), json={"payment_details": "IBAN DE02 1203 0000 0000 2020 51"}
        ).status_code
        == 200
    )
    assert _checklist(admin_client, community) is None


def test_owners_never_see_the_checklist(client, community, owner):
    login(client, owner.email)
    assert _checklist(client, community) is None
