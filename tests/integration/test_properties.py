"""Properties list (SPEC §1): labels sort naturally and are unique ignoring case and spacing."""

import re

import pytest
from conftest import login
from tests.helpers import ok


def add(community, label, owner=None):
    return community.api.post(
        community.url("/properties"),
        json={"label": label, "share_weight": "1", "owner_member_id": owner or community.admin_member_id},
    )


LABELS = [
    "Plot 10",
    "plot 2",
    "Участок 10",
    "Plot 1",
    "Garage 7",
    "Участок 2",
    "Plot 2a",
    "Участок 1",
    "Plot 02b",
]
NATURAL = [
    "Garage 7",
    "Plot 1",
    "plot 2",
    "Plot 2a",
    "Plot 02b",
    "Plot 10",
    "Участок 1",
    "Участок 2",
    "Участок 10",
]


def test_the_api_lists_labels_in_natural_order(community):
    for label in LABELS:
        ok(add(community, label), 201)

    listed = ok(community.api.get(community.url("/properties")))

    assert [p["label"] for p in listed] == NATURAL


def test_the_page_lists_labels_in_natural_order(client, community):
    for label in LABELS:
        ok(add(community, label), 201)
    login(client, "admin@example.org")

    html = client.get(community.page("/properties/")).get_data(as_text=True)

    labels = re.findall(r'<tr id="property-\d+">\s*<td>([^<]+)</td>', html)
    assert labels == NATURAL


@pytest.mark.parametrize("duplicate", ["PLOT 1", "plot  1", " Plot\u00a01 ", "Plot 1"])
def test_a_label_is_unique_ignoring_case_and_spacing(community, duplicate):
    ok(add(community, "Plot 1"), 201)

    response = add(community, duplicate)

    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {
        "label": ["There is already a property labelled \u201cPlot 1\u201d."]
    }
    assert len(ok(community.api.get(community.url("/properties")))) == 1


def test_a_cyrillic_label_is_unique_ignoring_case(community):
    ok(add(community, "Участок 5"), 201)

    assert add(community, "УЧАСТОК 5").status_code == 400
    ok(add(community, "Участок 15"), 201)


def test_a_patch_may_not_take_another_propertys_label(community):
    ok(add(community, "Plot 1"), 201)
    plot_2 = ok(add(community, "Plot 2"), 201)["id"]

    response = community.api.patch(community.url(f"/properties/{plot_2}"), json={"label": "plot 1"})

    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {
        "label": ["There is already a property labelled \u201cPlot 1\u201d."]
    }
    # Its own label in another spelling is fine.
    assert (
        ok(community.api.patch(community.url(f"/properties/{plot_2}"), json={"label": "PLOT 2"}))["label"]
        == "PLOT 2"
    )


def test_the_same_label_in_two_communities_is_fine(community, other_community):
    ok(add(community, "Plot 1"), 201)
    ok(add(other_community, "Plot 1"), 201)


def test_the_page_shows_a_duplicate_label_at_the_field(client, community):
    ok(add(community, "Plot 1"), 201)
    login(client, "admin@example.org")

    response = client.post(
        community.page("/properties/"),
        headers={"HX-Request": "true"},
        data={
            "label": "plot 1",
            "share_weight": "1",
            "owner_member_id": str(community.admin_member_id),
            "active": "y",
        },
    )

    assert response.status_code == 422
    assert "There is already a property labelled \u201cPlot 1\u201d." in response.get_data(as_text=True)
