"""SPEC §2, last rule: every money movement is a balanced double-entry journal entry.

After a mix of creates, edits and voids through the API, the journal (read with the models,
inside the community's scope) must sum to exactly zero, entry by entry and as a whole; an
edit must leave a reversal of the entry it replaced; and each member's balance read off the
postings must equal the balance sheet's columns.

The world (amounts by hand):

    Bea Brown  Plot 1 weight 1        Cyd Clark  Plot 2 weight 3        Ada Admin (no plot)

    2026 Q1 (Jan–Mar)
      contributions  Bea 100.00, edited to 120.00; Cyd 50.00 then moved to Bea (an edit of
                     the member); Ada 10.00 voided; Cyd 80.00
      expenses       Security 40.00 paid by Cyd, edited to 40.01 and to the fund;
                     Security 20.00 paid by Bea; Garden 9.99 (fund) voided;
                     Water 6.00 (fund)
      charges        Bea 5.00 key, Cyd 1.00 fine voided
      budget items   Security proportional; Water usage_based, unit_rate 2 (tariff)
      readings       Plot 1 Water 0 → 1.5 (→ 3.00), Plot 2 Water 0 → 2.25 (→ 4.50)

    Security total 40.01 + 20.00 = 60.01 → 6001 cents over weights 1 : 3
      Plot 1 6001/4 = 1500.25 → 1500;  Plot 2 18003/4 = 4500.75 → 4501;  Σ 6001, d = 0
    Bea: contributions 120 + 50 = 170.00, paid 20.00, allocated 15.00, usage 3.00,
         charges 5.00 → closing 170 + 20 − 15 − 3 − 5 = 167.00
    Cyd: contributions 80.00, paid 0, allocated 45.01, usage 4.50 → closing 30.49
    Ada: nothing left (her contribution is voided)
"""

from collections import defaultdict

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import JournalEntry, Posting
from tests.conftest import invite_and_join
from tests.helpers import ApiWorld, ok

COLUMNS = ("opening", "contributions", "paid_expenses", "allocated", "usage", "service_charges", "closing")
# Member postings: a credit (negative) for money in, a debit (positive) for what they owe.
CATEGORY_COLUMN = {
    "contribution": "contributions",
    "paid_expense": "paid_expenses",
    "allocated": "allocated",
    "usage": "usage",
    "service_charge": "service_charges",
}
CREDITS = {"contribution", "paid_expense"}


def cents(text: str) -> int:
    units, _, rest = text.lstrip("-").partition(".")
    value = int(units) * 100 + int(rest)
    return -value if text.startswith("-") else value


class World(ApiWorld):
    def __init__(self, community):
        super().__init__(community)
        self.ada = community.admin_member_id
        slug = community.slug
        self.bea = invite_and_join(self.api, slug, "Bea Brown", "bea@example.org")[0]["id"]
        self.cyd = invite_and_join(self.api, slug, "Cyd Clark", "cyd@example.org")[0]["id"]
        self.plot1 = self.post("/properties", label="Plot 1", share_weight="1", owner_member_id=self.bea)[
            "id"
        ]
        self.plot2 = self.post("/properties", label="Plot 2", share_weight="3", owner_member_id=self.cyd)[
            "id"
        ]
        self.q1 = self.post("/periods", name="2026 Q1", start_date="2026-01-01", end_date="2026-03-31")["id"]

    def in_q1(self, kind, **body):
        return self.post(f"/periods/{self.q1}/{kind}", **body)["id"]

    def build_q1(self):
        q = self.in_q1
        security = q("budget-items", payment_type="Security", budgeted_cost="60.00", strategy="proportional")
        water = q(
            "budget-items", payment_type="Water", budgeted_cost="10.00", strategy="usage_based", unit_rate="2"
        )
        q("readings", property_id=self.plot1, budget_item_id=water, start_reading="0", end_reading="1.5")
        q("readings", property_id=self.plot2, budget_item_id=water, start_reading="0", end_reading="2.25")
        assert security

        self.c_bea = q("contributions", member_id=self.bea, amount="100.00", date="2026-01-05")
        self.patch(f"/contributions/{self.c_bea}", amount="120.00")
        self.c_moved = q("contributions", member_id=self.cyd, amount="50.00", date="2026-01-06")
        self.patch(f"/contributions/{self.c_moved}", member_id=self.bea)
        self.c_void = q("contributions", member_id=self.ada, amount="10.00", date="2026-01-07")
        self.void(f"/contributions/{self.c_void}")
        q("contributions", member_id=self.cyd, amount="80.00", date="2026-01-08")

        self.e_edit = q(
            "expenses", payment_type="Security", amount="40.00", date="2026-02-01", paid_by_member_id=self.cyd
        )
        self.patch(f"/expenses/{self.e_edit}", amount="40.01", paid_by_member_id=None)
        q("expenses", payment_type="Security", amount="20.00", date="2026-02-02", paid_by_member_id=self.bea)
        self.e_void = q("expenses", payment_type="Garden", amount="9.99", date="2026-02-03")
        self.void(f"/expenses/{self.e_void}")
        q("expenses", payment_type="Water", amount="6.00", date="2026-02-04")

        q("charges", member_id=self.bea, amount="5.00", date="2026-03-01", description="Key")
        self.ch_void = q("charges", member_id=self.cyd, amount="1.00", date="2026-03-02", description="Fine")
        self.void(f"/charges/{self.ch_void}")
        return self

    def sheet(self, period_id=None):
        return ok(self.api.get(self.url(f"/periods/{period_id or self.q1}/balance-sheet")))

    def close(self, period_id):
        super().close(period_id)
        assert ok(self.api.get(self.url(f"/periods/{period_id}")))["status"] == "closed"


@pytest.fixture
def world(community):
    return World(community).build_q1()


def entries(scoped, community_id):
    with scoped(community_id):
        rows = db.session.execute(select(JournalEntry).order_by(JournalEntry.id)).scalars().all()
        return [
            {
                "id": e.id,
                "period_id": e.period_id,
                "source_type": e.source_type,
                "source_id": e.source_id,
                "reversal_of_id": e.reversal_of_id,
                "postings": sorted((p.account, p.member_id, p.category, p.amount_cents) for p in e.postings),
            }
            for e in rows
        ]


def posting_total(scoped, community_id) -> int:
    with scoped(community_id):
        return int(db.session.execute(select(func.coalesce(func.sum(Posting.amount_cents), 0))).scalar_one())


def member_columns(scoped, community_id, period_ids) -> dict[int, dict[str, int]]:
    """Each member's movements in the given periods, read off the postings."""
    result: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(CATEGORY_COLUMN.values(), 0))
    with scoped(community_id):
        rows = db.session.execute(
            select(Posting.member_id, Posting.category, func.sum(Posting.amount_cents))
            .where(Posting.member_id.is_not(None), Posting.period_id.in_(period_ids))
            .group_by(Posting.member_id, Posting.category)
        ).all()
    for member_id, category, total in rows:
        sign = -1 if category in CREDITS else 1
        result[member_id][CATEGORY_COLUMN[category]] += sign * int(total)
    return result


def member_balances(scoped, community_id, period_ids) -> dict[int, int]:
    """A member's balance is minus the sum of their postings (credit positive)."""
    with scoped(community_id):
        rows = db.session.execute(
            select(Posting.member_id, func.sum(Posting.amount_cents))
            .where(Posting.member_id.is_not(None), Posting.period_id.in_(period_ids))
            .group_by(Posting.member_id)
        ).all()
    return {member_id: -int(total) for member_id, total in rows}


def sheet_cents(sheet) -> dict[int, dict[str, int]]:
    return {r["member_id"]: {c: cents(r[c]) for c in COLUMNS} for r in sheet["rows"]}


# --- the journal balances --------------------------------------------------------------------


def test_every_entry_and_the_whole_journal_sum_to_zero(world, scoped):
    journal = entries(scoped, world.community.id)

    assert journal, "records must post entries"
    for entry in journal:
        assert sum(p[3] for p in entry["postings"]) == 0, entry
        assert len(entry["postings"]) >= 2, entry
    assert posting_total(scoped, world.community.id) == 0


def test_an_edit_reverses_the_entry_it_replaces(world, scoped):
    journal = entries(scoped, world.community.id)
    by_id = {e["id"]: e for e in journal}
    mine = [e for e in journal if (e["source_type"], e["source_id"]) == ("contribution", world.c_bea)]

    # posted, reversed by the edit, posted again
    assert [e["reversal_of_id"] for e in mine] == [None, mine[0]["id"], None]
    original, reversal, replacement = mine
    assert reversal["postings"] == sorted((a, m, c, -amount) for a, m, c, amount in original["postings"])
    assert ("Members:%d" % world.bea, world.bea, "contribution", -10000) in original["postings"]
    assert ("Members:%d" % world.bea, world.bea, "contribution", -12000) in replacement["postings"]
    assert ("Assets:Fund", None, None, 12000) in replacement["postings"]

    reversals = [e for e in journal if e["reversal_of_id"] is not None]
    for entry in reversals:
        reversed_entry = by_id[entry["reversal_of_id"]]
        assert (entry["source_type"], entry["source_id"]) == (
            reversed_entry["source_type"],
            reversed_entry["source_id"],
        )
    # Every entry is reversed at most once.
    targets = [e["reversal_of_id"] for e in reversals]
    assert len(targets) == len(set(targets))


def test_a_moved_expense_credits_the_fund_instead_of_the_member(world, scoped):
    journal = entries(scoped, world.community.id)
    mine = [e for e in journal if (e["source_type"], e["source_id"]) == ("expense", world.e_edit)]

    assert [e["reversal_of_id"] is not None for e in mine] == [False, True, False]
    assert mine[0]["postings"] == sorted(
        [("Expenses:Security", None, None, 4000), (f"Members:{world.cyd}", world.cyd, "paid_expense", -4000)]
    )
    assert mine[2]["postings"] == sorted(
        [("Expenses:Security", None, None, 4001), ("Assets:Fund", None, None, -4001)]
    )


def test_voids_are_reversed_and_leave_nothing_behind(world, scoped):
    journal = entries(scoped, world.community.id)
    for source in (("contribution", world.c_void), ("expense", world.e_void), ("charge", world.ch_void)):
        mine = [e for e in journal if (e["source_type"], e["source_id"]) == source]
        assert len(mine) == 2, source
        assert mine[1]["reversal_of_id"] == mine[0]["id"], source
        net = defaultdict(int)
        for entry in mine:
            for account, _, _, amount in entry["postings"]:
                net[account] += amount
        assert set(net.values()) == {0}, source


def test_member_postings_equal_the_open_sheets_posted_columns(world, scoped):
    """While open, splits and tariffs are live (not posted); the rest comes from postings."""
    sheet = sheet_cents(world.sheet())
    posted = member_columns(scoped, world.community.id, [world.q1])

    for member_id, row in sheet.items():
        for column in ("contributions", "paid_expenses", "service_charges"):
            assert posted[member_id][column] == row[column], (member_id, column)
        assert posted[member_id]["allocated"] == posted[member_id]["usage"] == 0
    # Ada's only record was voided: her postings net to zero and she has no row.
    assert {m for m, v in posted.items() if any(v.values())} <= set(sheet)
    assert posted[world.ada] == dict.fromkeys(CATEGORY_COLUMN.values(), 0)
    # The hand-made numbers of the module docstring.
    assert sheet[world.bea] == {
        "opening": 0,
        "contributions": 17000,
        "paid_expenses": 2000,
        "allocated": 1500,
        "usage": 300,
        "service_charges": 500,
        "closing": 16700,
    }
    assert sheet[world.cyd] == {
        "opening": 0,
        "contributions": 8000,
        "paid_expenses": 0,
        "allocated": 4501,
        "usage": 450,
        "service_charges": 0,
        "closing": 3049,
    }
    assert world.ada not in sheet


def test_after_close_member_balances_from_postings_equal_the_sheet(world, scoped):
    world.close(world.q1)
    community_id = world.community.id

    assert posting_total(scoped, community_id) == 0
    for entry in entries(scoped, community_id):
        assert sum(p[3] for p in entry["postings"]) == 0, entry
    sheet = world.sheet()
    assert (sheet["provisional"], sheet["period"]["status"]) == (False, "closed")
    rows = sheet_cents(sheet)
    posted = member_columns(scoped, community_id, [world.q1])
    balances = member_balances(scoped, community_id, [world.q1])
    for member_id, row in rows.items():
        for column in CATEGORY_COLUMN.values():
            assert posted[member_id][column] == row[column], (member_id, column)
        assert balances.get(member_id, 0) == row["closing"], member_id
    assert {m: rows[m]["closing"] for m in (world.bea, world.cyd)} == {world.bea: 16700, world.cyd: 3049}
    # The sheet's total closing is the sum of the member balances on the postings.
    totals = {k: cents(v) for k, v in sheet["totals"].items()}
    assert totals["closing"] == sum(balances.values())


def test_balances_are_cumulative_across_periods(world, scoped):
    """Carry-forward needs no entry: Q2's closing is minus all of a member's postings."""
    world.close(world.q1)
    q2 = world.post("/periods", name="2026 Q2", start_date="2026-04-01", end_date="2026-06-30")["id"]
    world.post(f"/periods/{q2}/contributions", member_id=world.cyd, amount="19.51", date="2026-04-02")
    world.post(
        f"/periods/{q2}/budget-items", payment_type="Garden", budgeted_cost="1.00", strategy="fixed_fee"
    )
    world.post(f"/periods/{q2}/expenses", payment_type="Garden", amount="0.03", date="2026-04-03")
    world.close(q2)

    rows = sheet_cents(world.sheet(q2))
    balances = member_balances(scoped, world.community.id, [world.q1, q2])
    # Garden 3 cents over two plots, weight 1 each: 1.5 → 2 each, Σ 4, d = −1 → Plot 1: 1 / 2
    assert rows[world.bea] == {
        "opening": 16700,
        "contributions": 0,
        "paid_expenses": 0,
        "allocated": 1,
        "usage": 0,
        "service_charges": 0,
        "closing": 16699,
    }
    assert rows[world.cyd] == {
        "opening": 3049,
        "contributions": 1951,
        "paid_expenses": 0,
        "allocated": 2,
        "usage": 0,
        "service_charges": 0,
        "closing": 4998,
    }
    for member_id, row in rows.items():
        assert balances.get(member_id, 0) == row["closing"], member_id
    assert posting_total(scoped, world.community.id) == 0


def test_journals_of_two_communities_stay_apart(world, other_community, scoped):
    api, url = other_community.api, other_community.url
    period = ok(
        api.post(url("/periods"), json={"name": "Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"}),
        201,
    )["id"]
    ok(
        api.post(
            url(f"/periods/{period}/contributions"),
            json={"member_id": other_community.admin_member_id, "amount": "7.00", "date": "2026-01-02"},
        ),
        201,
    )

    theirs = entries(scoped, other_community.id)
    assert len(theirs) == 1
    assert theirs[0]["postings"] == sorted(
        [
            ("Assets:Fund", None, None, 700),
            (
                f"Members:{other_community.admin_member_id}",
                other_community.admin_member_id,
                "contribution",
                -700,
            ),
        ]
    )
    assert posting_total(scoped, other_community.id) == 0
    assert all(e["period_id"] == world.q1 for e in entries(scoped, world.community.id))
