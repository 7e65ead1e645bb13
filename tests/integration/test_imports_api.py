"""SPEC §5/§6 imports through the API: properties with their owners, a period's contributions.

All rows or none: a file with a bad row writes nothing and names each bad line; a dry run
writes nothing and answers every row. Admins only; another community's import is a 404.
"""

import io

import pytest

from tests.conftest import PASSWORD
from tests.integration.test_records_api import ok


def upload(api, path, content: bytes, dry_run=False, name="import.csv"):
    query = "?dry_run=1" if dry_run else ""
    return api.post(
        path + query, data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


def properties(community):
    return {p["label"]: p for p in ok(community.api.get(community.url("/properties")))}


def members(community):
    return {m["name"]: m for m in ok(community.api.get(community.url("/members")))}


RUSSIAN_PLOTS = (
    "Участок;Площадь;Владелец;Email;Активен\r\n"
    'Участок 1;"12,5";Ada Admin;;да\r\n'  # an admin, found by name
    "Участок 2;1 234,50;Кто-то;owner@example.org;\r\n"  # found by email
    "Участок 3;3,85%;Иванова Мария;maria@example.org;нет\r\n"  # a new member
    "Участок 4;7;иванова  мария;;да\r\n"  # the same new member
    "Участок 5;1;Пётр Петров;;\r\n"  # a member without email
).encode("cp1251")


def test_properties_with_russian_headers_in_windows_1251(community, owner):
    response = upload(community.api, community.url("/imports/properties"), RUSSIAN_PLOTS)
    body = ok(response, 201)
    assert {k: body[k] for k in ("created", "updated", "rows")} == {
        "created": 5,
        "updated": 0,
        "rows": [{"line": n, "status": "created", "errors": []} for n in (2, 3, 4, 5, 6)],
    }
    people = members(community)
    petr = people["Пётр Петров"]
    assert petr["email"] is None and petr["role"] == "owner"
    maria = people["Иванова Мария"]
    assert maria["email"] == "maria@example.org" and maria["role"] == "owner"
    assert [i["member_id"] for i in body["invites"]] == [maria["id"]]
    token = body["invites"][0]["invite_url"].rsplit("/", 1)[-1]  # the link lets her join
    ok(community.client.post(f"/api/invites/{token}/accept", json={"password": PASSWORD}))
    plots = properties(community)
    assert {label: (p["share_weight"], p["owner_member_id"], p["active"]) for label, p in plots.items()} == {
        "Участок 1": ("12.5", community.admin_member_id, True),
        "Участок 2": ("1234.5", owner.id, True),
        "Участок 3": ("3.85", maria["id"], False),
        "Участок 4": ("7", maria["id"], True),
        "Участок 5": ("1", petr["id"], True),
    }


def test_a_second_import_updates_by_label_and_keeps_the_rest(community):
    ok(
        upload(
            community.api,
            community.url("/imports/properties"),
            b"label,share_weight,owner\nPlot 1,10,Ada Admin\nPlot 2,20,Ada Admin\n",
        ),
        201,
    )
    body = ok(
        community.api.post(
            community.url("/imports/properties"),
            headers={"Content-Type": "text/csv"},
            data=b"Label,Share weight,Owner\nplot  1,11,Ada Admin\nPlot 3,30,Ada Admin\n",
        ),
        201,
    )
    assert (body["created"], body["updated"]) == (1, 1)
    assert [r["status"] for r in body["rows"]] == ["updated", "created"]
    assert {label: p["share_weight"] for label, p in properties(community).items()} == {
        "Plot 1": "11",
        "Plot 2": "20",
        "Plot 3": "30",
    }


def test_a_dry_run_writes_nothing_and_answers_every_row(community):
    content = b"label;share_weight;owner\nPlot 1;10;New Person\nPlot 2;0;Ada Admin\n"
    body = ok(upload(community.api, community.url("/imports/properties"), content, dry_run=True), 200)
    assert body == {
        "created": 1,
        "updated": 0,
        "rows": [
            {"line": 2, "status": "created", "errors": []},
            {"line": 3, "status": "error", "errors": ["share_weight: Enter a number greater than zero."]},
        ],
    }
    assert properties(community) == {}
    assert set(members(community)) == {"Ada Admin"}


def test_a_bad_row_writes_nothing_and_names_every_bad_line(community):
    content = (
        b"label,share_weight,owner,email\n"
        b"Plot 1,10,New Person,new@example.org\n"
        b"Plot 2,abc,Ada Admin,\n"
        b"Plot 3,5,Ada Admin,\n"
        b"PLOT 1,5,Ada Admin,\n"
        b"Plot 5,5,,nobody@example.org\n"
    )
    response = upload(community.api, community.url("/imports/properties"), content)
    body = response.get_json()
    assert response.status_code == 400
    assert body["error"]["code"] == "validation_error"
    assert body["error"]["fields"] == {
        "line 3": ['share_weight: "abc" is not a number.'],
        "line 5": ["label: PLOT 1 is also on line 2."],
        "line 6": ["owner: No member has the email nobody@example.org; add the owner's name."],
    }
    assert [r["status"] for r in body["rows"]] == ["created", "error", "created", "error", "error"]
    assert properties(community) == {}
    assert set(members(community)) == {"Ada Admin"}


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The file is empty."),
        (
            b"label,owner\nPlot 1,Ada\n",
            "The header (line 1) has no share_weight (share_weight or "
            "share weight or доля or коэффициент or площадь) column.",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_a_400_naming_the_file(community, content, message):
    response = upload(community.api, community.url("/imports/properties"), content)
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"file": [message]}


def test_the_audit_log_counts_an_import(community):
    ok(
        upload(
            community.api,
            community.url("/imports/properties"),
            b"label,share_weight,owner,email\nPlot 1,10,Nia New,nia@example.org\n",
        ),
        201,
    )
    entries = [e for e in ok(community.api.get(community.url("/audit"))) if e["action"] == "import"]
    assert [(e["entity"], e["after"]) for e in entries] == [
        ("property", {"created": 1, "updated": 0, "members_created": 1})
    ]


# --- contributions -----------------------------------------------------------------------


@pytest.fixture
def world(community, owner):
    """Plot 1 (Olga Owner), Plot 2 (Ada Admin), the period 2026 Q1."""
    ok(
        upload(
            community.api,
            community.url("/imports/properties"),
            b"label,share_weight,email\nPlot 1,1,owner@example.org\nPlot 2,1,admin@example.org\n",
        ),
        201,
    )
    period = ok(
        community.api.post(
            community.url("/periods"),
            json={"name": "2026 Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
        ),
        201,
    )
    return community, owner, period["id"]


def contributions(community, period_id):
    return [
        (c["member_id"], c["amount"], c["date"], c["comment"])
        for c in ok(community.api.get(community.url(f"/periods/{period_id}/contributions")))
    ]


def test_contributions_by_member_email_or_property(world):
    community, owner, period = world
    content = (
        "Дата;Сумма;Владелец;Участок;Комментарий\n"
        "15.01.2026;р.65 000;Olga Owner;;за январь\n"
        "2026-02-01;1 234,5;;plot 2;\n"
        "03.02.2026;10;admin@example.org;Plot 2;\n"
    ).encode("cp1251")
    body = ok(upload(community.api, community.url(f"/periods/{period}/imports/contributions"), content), 201)
    assert (body["created"], body["updated"]) == (3, 0)
    assert contributions(community, period) == [
        (owner.id, "65000.00", "2026-01-15", "за январь"),
        (community.admin_member_id, "1234.50", "2026-02-01", ""),
        (community.admin_member_id, "10.00", "2026-02-03", ""),
    ]
    sheet = ok(community.api.get(community.url(f"/periods/{period}/balance-sheet")))
    assert {r["member_id"]: r["contributions"] for r in sheet["rows"]} == {
        owner.id: "65000.00",
        community.admin_member_id: "1244.50",
    }
    assert sheet["fund"]["cash"] == "66244.50"


def test_contributions_never_create_members_and_check_dates(world):
    community, owner, period = world
    content = (
        b"date,amount,member,property\n"
        b"2026-01-15,10,Nobody Known,\n"
        b"2026-04-01,10,Olga Owner,\n"
        b"2026-01-15,10,,Plot 9\n"
        b"2026-01-15,10,Olga Owner,Plot 2\n"
        b"2026-01-15,10,Olga Owner,Plot 1\n"
    )
    response = upload(community.api, community.url(f"/periods/{period}/imports/contributions"), content)
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {
        "line 2": ["member: No member named Nobody Known."],
        "line 3": ["date: 2026-04-01 is outside the period (2026-01-01 – 2026-03-31)."],
        "line 4": ["property: No property Plot 9."],
        "line 5": ["property: Plot 2 belongs to Ada Admin, not Olga Owner."],
    }
    assert contributions(community, period) == []
    dry = ok(
        upload(
            community.api, community.url(f"/periods/{period}/imports/contributions"), content, dry_run=True
        ),
        200,
    )
    assert [r["status"] for r in dry["rows"]] == ["error"] * 4 + ["created"]
    assert contributions(community, period) == []


def test_xlsx_upload(world):
    from openpyxl import Workbook

    community, owner, period = world
    book = Workbook()
    book.active.append(["Date", "Amount", "Property"])
    book.active.append(["31.03.2026", 12.5, "Plot 1"])
    buffer = io.BytesIO()
    book.save(buffer)
    body = ok(
        upload(
            community.api,
            community.url(f"/periods/{period}/imports/contributions"),
            buffer.getvalue(),
            name="payments.xlsx",
        ),
        201,
    )
    assert body["rows"] == [{"line": 2, "status": "created", "errors": []}]
    assert contributions(community, period) == [(owner.id, "12.50", "2026-03-31", "")]


# --- access --------------------------------------------------------------------------------


def test_owners_cannot_import(world):
    community, owner, period = world
    for path in ("/imports/properties", f"/periods/{period}/imports/contributions"):
        response = upload(owner.api, community.url(path), b"label,share_weight,owner\nX,1,Y\n")
        assert response.status_code == 403, path
    assert len(properties(community)) == 2


def test_another_community_cannot_import_here(world, other_community):
    community, owner, period = world
    content = b"date,amount,member\n2026-01-15,10,Olga Owner\n"
    # maple's admin into birch's URL, and birch's admin into maple's period id
    assert (
        upload(
            community.api, other_community.url("/imports/properties"), b"label,share_weight,owner\nX,1,Y\n"
        ).status_code
        == 404
    )
    assert (
        upload(
            other_community.api, other_community.url(f"/periods/{period}/imports/contributions"), content
        ).status_code
        == 404
    )
    assert (
        upload(
            other_community.api, community.url(f"/periods/{period}/imports/contributions"), content
        ).status_code
        == 404
    )
    assert contributions(community, period) == []
