"""SPEC §5/§6 bank imports through the API: upload a statement, review its suggestions, fix
and skip, confirm into contributions and fund-paid expenses; duplicates, re-confirms, closed
periods; admins only, and another community's import is a 404."""

import io

import pytest

from tests.conftest import invite_and_join
from tests.integration.test_records_api import error_fields, ok


def send(api, url, content: bytes, name="statement.csv"):
    return api.post(url, data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


class World:
    """Maple Court: Ada (admin, no plot), Olga (plot "Участок 12"), Пётр (plot "7", no
    account). 2025 Q4 is closed; 2026 Q1 is open, with Security split by share and one
    expense already paid to ООО "Охрана"."""

    def __init__(self, community):
        self.community = community
        self.api, self.url = community.api, community.url
        self.ada = community.admin_member_id
        member, self.olga_token = invite_and_join(self.api, community.slug, "Olga Owner", "owner@example.org")
        self.olga = member["id"]
        self.petr = ok(
            self.api.post(self.url("/members"), json={"name": "Пётр Петров", "role": "owner"}), 201
        )["id"]
        for label, owner in (("Участок 12", self.olga), ("7", self.petr)):
            ok(
                self.api.post(
                    self.url("/properties"),
                    json={"label": label, "share_weight": "1", "owner_member_id": owner},
                ),
                201,
            )
        self.q4 = self.period("2025 Q4", "2025-10-01", "2025-12-31")
        ok(self.api.post(self.url(f"/periods/{self.q4}/close")), 202)
        self.q1 = self.period("2026 Q1", "2026-01-01", "2026-03-31")
        ok(
            self.api.post(
                self.url(f"/periods/{self.q1}/budget-items"),
                json={"payment_type": "Security", "budgeted_cost": "5000.00", "strategy": "proportional"},
            ),
            201,
        )
        ok(
            self.api.post(
                self.url(f"/periods/{self.q1}/expenses"),
                json={
                    "amount": "100.00",
                    "date": "2026-01-02",
                    "payment_type": "Security",
                    "vendor": 'ООО "Охрана"',
                },
            ),
            201,
        )

    def period(self, name, start, end):
        return ok(
            self.api.post(self.url("/periods"), json={"name": name, "start_date": start, "end_date": end}),
            201,
        )["id"]

    def upload(self, content: bytes, status=201, name="statement.csv"):
        return ok(send(self.api, self.url("/bank-imports"), content, name), status)

    def patch(self, import_id, line_id, expect=200, **body):
        return ok(self.api.patch(self.url(f"/bank-imports/{import_id}/lines/{line_id}"), json=body), expect)

    def confirm(self, import_id, status=200):
        return ok(self.api.post(self.url(f"/bank-imports/{import_id}/confirm")), status)

    def sheet(self, period_id):
        return ok(self.api.get(self.url(f"/periods/{period_id}/balance-sheet")))


@pytest.fixture
def world(community):
    return World(community)


STATEMENT = (
    "date,amount,counterparty,purpose\n"
    '2026-01-10,1500.00,Someone Else,"Членский взнос, участок 12"\n'  # label
    "2026-01-11,800,пётр  петров,взнос\n"  # name
    '2026-01-12,-4200.50,"ООО ""Охрана""",Охрана за январь\n'  # vendor
    "2026-01-13,300.00,Unknown Payer,donation\n"  # nothing
    "2025-12-20,500.00,Olga Owner,late payment\n"  # closed
    "2026-05-01,50.00,Olga Owner,next year\n"  # no period
    "2026-01-14,-10.00,The Bank,Fee\n"
).encode()  # no vendor


def line(lid, date, amount, counterparty, purpose, kind, member_id, payment_type, period_id, status):
    return {
        "id": lid,
        "date": date,
        "amount": amount,
        "counterparty": counterparty,
        "purpose": purpose,
        "kind": kind,
        "member_id": member_id,
        "payment_type": payment_type,
        "period_id": period_id,
        "status": status,
    }


def test_upload_review_fix_confirm_gives_the_exact_balance_sheet(world):
    body = world.upload(STATEMENT)
    ids = [ln["id"] for ln in body["lines"]]
    w = world
    assert body == {
        "id": body["id"],
        "lines": [
            line(
                ids[0],
                "2026-01-10",
                "1500.00",
                "Someone Else",
                "Членский взнос, участок 12",
                "contribution",
                w.olga,
                None,
                w.q1,
                "matched",
            ),
            line(
                ids[1],
                "2026-01-11",
                "800.00",
                "пётр петров",
                "взнос",
                "contribution",
                w.petr,
                None,
                w.q1,
                "matched",
            ),
            line(
                ids[2],
                "2026-01-12",
                "-4200.50",
                'ООО "Охрана"',
                "Охрана за январь",
                "expense",
                None,
                "Security",
                w.q1,
                "matched",
            ),
            line(
                ids[3],
                "2026-01-13",
                "300.00",
                "Unknown Payer",
                "donation",
                "contribution",
                None,
                None,
                w.q1,
                "unmatched",
            ),
            line(
                ids[4],
                "2025-12-20",
                "500.00",
                "Olga Owner",
                "late payment",
                "contribution",
                w.olga,
                None,
                w.q4,
                "unmatched",
            ),
            line(
                ids[5],
                "2026-05-01",
                "50.00",
                "Olga Owner",
                "next year",
                "contribution",
                w.olga,
                None,
                None,
                "unmatched",
            ),
            line(ids[6], "2026-01-14", "-10.00", "The Bank", "Fee", "expense", None, None, w.q1, "unmatched"),
        ],
    }
    import_id = body["id"]
    assert ok(w.api.get(w.url(f"/bank-imports/{import_id}"))) == body

    fixed = w.patch(import_id, ids[3], member_id=w.ada)
    assert (fixed["member_id"], fixed["status"]) == (w.ada, "matched")
    assert w.patch(import_id, ids[6], status="skipped")["status"] == "skipped"

    assert w.confirm(import_id) == {"created": 4}
    assert w.confirm(import_id) == {"created": 0}  # confirming again writes nothing

    sheet = w.sheet(w.q1)
    rows = {
        r["member_id"]: (r["opening"], r["contributions"], r["allocated"], r["closing"])
        for r in sheet["rows"]
    }
    # Security: 100.00 + 4200.50 = 4300.50, split 1:1 between plot 12 and plot 7.
    assert rows == {
        w.ada: ("0.00", "300.00", "0.00", "300.00"),
        w.olga: ("0.00", "1500.00", "2150.25", "-650.25"),
        w.petr: ("0.00", "800.00", "2150.25", "-1350.25"),
    }
    assert sheet["fund"]["cash"] == "-1700.50"  # 2600.00 in, 4300.50 out
    assert sheet["unassigned"] == []

    contributions = ok(w.api.get(w.url(f"/periods/{w.q1}/contributions")))
    comments = sorted(c["comment"] for c in contributions)
    assert comments[0] == (
        "Bank statement statement.csv, line 2: 2026-01-10 1500.00 Someone Else — Членский взнос, участок 12"
    )
    expenses = ok(w.api.get(w.url(f"/periods/{w.q1}/expenses")))
    fund_paid = [e for e in expenses if e["vendor"] == 'ООО "Охрана"' and e["amount"] == "4200.50"]
    assert len(fund_paid) == 1 and fund_paid[0]["paid_by_member_id"] is None
    assert fund_paid[0]["payment_type"] == "Security"
    assert fund_paid[0]["description"].startswith("Bank statement statement.csv, line 4: ")

    audit = ok(w.api.get(w.url("/audit")))
    created = [
        e
        for e in audit
        if e["action"] == "create"
        and e["entity"] in ("contribution", "expense")
        and "Bank statement" in str(e.get("after"))
    ]
    assert len(created) == 4


def test_a_line_imported_before_is_a_duplicate_and_never_recorded_twice(world):
    first = world.upload(STATEMENT)
    assert world.confirm(first["id"]) == {"created": 3}
    again = world.upload(
        b"date,amount,counterparty,purpose\n"
        b"2026-01-11,800.00,\xd0\x9f\xd1\x91\xd1\x82\xd1\x80 "
        b"\xd0\x9f\xd0\xb5\xd1\x82\xd1\x80\xd0\xbe\xd0\xb2,\xd0\xb2\xd0\xb7"
        b"\xd0\xbd\xd0\xbe\xd1\x81\n"
        b"2026-01-20,200.00,Olga Owner,topping up\n"
    )
    lines = again["lines"]
    assert [(ln["status"], ln["member_id"]) for ln in lines] == [("duplicate", None), ("matched", world.olga)]
    body = world.api.patch(
        world.url(f"/bank-imports/{again['id']}/lines/{lines[0]['id']}"), json={"member_id": world.ada}
    )
    assert ok(body, 409)["error"]["code"] == "conflict"
    assert world.confirm(again["id"]) == {"created": 1}
    q1 = {r["member_id"]: r["contributions"] for r in world.sheet(world.q1)["rows"]}
    assert q1[world.petr] == "800.00" and q1[world.olga] == "1700.00"


def test_identical_lines_in_one_statement_are_two_payments(world):
    body = world.upload(
        b"date,amount,counterparty,purpose\n2026-01-10,100,X,plot 7\n2026-01-10,100,X,plot 7\n"
    )
    assert [ln["status"] for ln in body["lines"]] == ["matched", "matched"]
    assert world.confirm(body["id"]) == {"created": 2}


def test_a_line_in_a_closed_period_stays_unmatched_until_reopened(world):
    body = world.upload(b"date,amount,counterparty,purpose\n2025-12-20,500.00,Olga Owner,x\n")
    (only,) = body["lines"]
    assert (only["status"], only["period_id"], only["member_id"]) == ("unmatched", world.q4, world.olga)
    fixed = world.patch(body["id"], only["id"], member_id=world.petr)
    assert (fixed["status"], fixed["member_id"]) == ("unmatched", world.petr)
    assert world.confirm(body["id"]) == {"created": 0}
    ok(world.api.patch(world.url(f"/periods/{world.q4}"), json={"status": "open"}))
    assert world.patch(body["id"], only["id"], member_id=world.petr)["status"] == "matched"
    assert world.confirm(body["id"]) == {"created": 1}


def test_a_matched_line_whose_period_closed_meanwhile_is_not_recorded(world):
    body = world.upload(b"date,amount,counterparty,purpose\n2026-01-10,100,X,plot 7\n")
    ok(world.api.post(world.url(f"/periods/{world.q1}/close")), 202)
    assert world.confirm(body["id"]) == {"created": 0}
    after = ok(world.api.get(world.url(f"/bank-imports/{body['id']}")))
    assert after["lines"][0]["status"] == "unmatched"


def test_the_confirmed_counterparty_is_remembered(world):
    first = world.upload(b"date,amount,counterparty,purpose\n2026-01-10,100,IVANOV I.,gift\n")
    world.patch(first["id"], first["lines"][0]["id"], member_id=world.petr)
    world.confirm(first["id"])
    second = world.upload(b"date,amount,counterparty,purpose\n2026-02-10,100,Ivanov  I.,more\n")
    assert second["lines"][0]["member_id"] == world.petr
    assert second["lines"][0]["status"] == "matched"


ONE_C = """1CClientBankExchange
ВерсияФормата=1.03
Кодировка=Windows
РасчСчет=40703810000000000001
СекцияДокумент=Платежное поручение
Дата=15.01.2026
Сумма=1000.00
ПлательщикСчет=40817810000000000002
Плательщик=ИНН 770000000000 Петров Пётр
ПолучательСчет=40703810000000000001
Получатель=СНТ
НазначениеПлатежа=Взнос
КонецДокумента
КонецФайла
"""


def test_a_1c_statement_in_windows_1251(world):
    body = world.upload(ONE_C.replace("\n", "\r\n").encode("cp1251"), name="kl_to_1c.txt")
    (only,) = body["lines"]
    assert (only["amount"], only["counterparty"], only["member_id"], only["status"]) == (
        "1000.00",
        "Петров Пётр",
        None,
        "unmatched",
    )  # "Петров Пётр" is not "Пётр Петров"


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"", "empty"),
        (b"date,counterparty\n2026-01-01,X\n", "no amount"),
        (b"date,amount,counterparty,purpose\n2026-13-01,10,X,y\n", "Line 2"),
        (b"\x89PNG\r\n\x1a\n\x00\x00garbage", ""),
    ],
)
def test_a_bad_file_is_a_400_on_file_and_writes_nothing(world, content, fragment):
    response = send(world.api, world.url("/bank-imports"), content)
    assert error_fields(response) == {"file"}
    assert fragment in response.get_json()["error"]["message"]


def test_the_statement_must_be_a_multipart_file(world):
    response = world.api.post(world.url("/bank-imports"), json={"file": "x"})
    assert error_fields(response) == {"file"}


def test_fix_validates_its_fields(world):
    body = world.upload(STATEMENT)
    import_id, ids = body["id"], [ln["id"] for ln in body["lines"]]
    url = world.url(f"/bank-imports/{import_id}/lines/")
    assert error_fields(world.api.patch(url + str(ids[2]), json={"member_id": world.ada})) == {
        "member_id"
    }  # money out
    assert error_fields(world.api.patch(url + str(ids[0]), json={"payment_type": "X"})) == {
        "payment_type"
    }  # money in
    assert error_fields(world.api.patch(url + str(ids[0]), json={"status": "matched"})) == {"status"}
    assert error_fields(world.api.patch(url + str(ids[0]), json={"member_id": 999999})) == {"member_id"}
    assert error_fields(world.api.patch(url + str(ids[0]), json={"amount": "1"})) == {"amount"}
    assert error_fields(world.api.patch(url + str(ids[0]), json={"member_id": "x"})) == {"member_id"}
    world.patch(import_id, ids[6], payment_type="Bank fees")
    assert world.confirm(import_id) == {"created": 4}
    response = world.api.patch(url + str(ids[6]), json={"status": "skipped"})
    assert response.status_code == 409  # already recorded


def test_owners_cannot_use_bank_imports(world):
    body = world.upload(STATEMENT)
    owner = world.api.as_(world.olga_token)
    lid = body["lines"][0]["id"]
    assert send(owner, world.url("/bank-imports"), STATEMENT).status_code == 403
    assert owner.get(world.url(f"/bank-imports/{body['id']}")).status_code == 403
    assert (
        owner.patch(
            world.url(f"/bank-imports/{body['id']}/lines/{lid}"), json={"status": "skipped"}
        ).status_code
        == 403
    )
    assert owner.post(world.url(f"/bank-imports/{body['id']}/confirm")).status_code == 403
    assert world.confirm(body["id"]) == {"created": 3}  # nothing was written by the owner


def test_another_communitys_import_is_not_found(world, other_community):
    body = world.upload(STATEMENT)
    lid = body["lines"][0]["id"]
    stranger, url = other_community.api, other_community.url
    assert stranger.get(url(f"/bank-imports/{body['id']}")).status_code == 404
    assert (
        stranger.patch(url(f"/bank-imports/{body['id']}/lines/{lid}"), json={"status": "skipped"}).status_code
        == 404
    )
    assert stranger.post(url(f"/bank-imports/{body['id']}/confirm")).status_code == 404
    # their own import cannot reach our line either
    theirs = ok(
        send(stranger, url("/bank-imports"), b"date,amount,counterparty,purpose\n2026-01-01,1,X,y\n"), 201
    )
    assert (
        stranger.patch(
            url(f"/bank-imports/{theirs['id']}/lines/{lid}"), json={"status": "skipped"}
        ).status_code
        == 404
    )
    assert stranger.get(world.url(f"/bank-imports/{body['id']}")).status_code == 404
    assert world.confirm(body["id"]) == {"created": 3}
