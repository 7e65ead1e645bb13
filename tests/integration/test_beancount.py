"""SPEC §2 journal / §5 export: the Beancount file loads without errors and agrees with the
closed balance sheets.

A community is generated from a seed (members, properties of random weights, two quarters with
every record kind, edits and voids, odd category names), Q1 is closed, and the export is
checked with beancount's own loader — what ``bean-check`` runs — and with the ``bean-check``
CLI when it is installed. A member's balance in the ledger is minus the sum of the postings to
``Liabilities:Members:M<id>``; at the end of a closed period it must equal that period's
closing balance on the sheet (and the file's own balance assertions say the same).
"""

import random
import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("beancount")
from beancount import loader
from beancount.core import data
from tests.helpers import ok

Q1_END, Q2_END = date(2026, 3, 31), date(2026, 6, 30)
CATEGORIES = [
    ("Security", "proportional", None),
    ("Snow removal & ice", "fixed_fee", None),
    ("Water", "usage_based", "1.2345"),
    ("Électricité", "usage_based", None),
    ("Reserve", "none", None),
    ("24h Concierge", "proportional", None),
]


def money(rng, low=1, high=50000):
    cents = rng.randint(low, high)
    return f"{cents // 100}.{cents % 100:02d}"


def day(rng, start_month):
    return date(2026, start_month + rng.randint(0, 2), rng.randint(1, 28)).isoformat()


def generate(community, seed=8):
    """Build the community through the API; returns (members, q1, q2)."""
    rng = random.Random(seed)
    api, url = community.api, community.url

    def post(path, **json):
        return ok(api.post(url(path), json=json), 201)

    members = [community.admin_member_id]
    for i, name in enumerate(["Bea Brown", 'Zoë "Z" O\'Neil', "Cyd Clark", "Dan Drake", "Eve Evans"]):
        members.append(post("/members", name=name, email=f"m{i}@example.org", role="owner")["id"])
    properties = []
    for i in range(7):
        weight = f"{rng.randint(1, 999)}.{rng.randint(0, 9999):04d}"
        properties.append(
            post(
                "/properties",
                label=f"Unit {i + 1}",
                share_weight=weight,
                owner_member_id=members[1 + i % 5],
                active=i != 6,
            )["id"]
        )
    active = properties[:6]

    periods = []
    for name, start, end, month in [
        ("Q1", "2026-01-01", "2026-03-31", 1),
        ("Q2", "2026-04-01", "2026-06-30", 4),
    ]:
        period_id = post("/periods", name=name, start_date=start, end_date=end)["id"]
        periods.append(period_id)
        items = {}
        for payment_type, strategy, rate in CATEGORIES:
            body = {
                "payment_type": payment_type,
                "strategy": strategy,
                "budgeted_cost": money(rng, 10000, 90000),
            }
            if rate:
                body["unit_rate"] = rate
            items[payment_type] = post(f"/periods/{period_id}/budget-items", **body)["id"]
        for payment_type, _, _ in CATEGORIES:
            for _ in range(rng.randint(1, 3)):
                payer = rng.choice([None, None, *members])
                post(
                    f"/periods/{period_id}/expenses",
                    payment_type=payment_type,
                    amount=money(rng),
                    date=day(rng, month),
                    vendor="Acme",
                    paid_by_member_id=payer,
                )
        for property_id in active:
            for payment_type in ("Water", "Électricité"):
                begin = Decimal(rng.randint(0, 99999)) / 1000
                used = Decimal(rng.randint(1, 99999)) / 1000
                post(
                    f"/periods/{period_id}/readings",
                    property_id=property_id,
                    budget_item_id=items[payment_type],
                    start_reading=str(begin),
                    end_reading=str(begin + used),
                )
        contributions = [
            post(
                f"/periods/{period_id}/contributions",
                member_id=m,
                amount=money(rng, 100, 80000),
                date=day(rng, month),
                comment='partly "cash"',
            )["id"]
            for m in members
            for _ in range(rng.randint(1, 2))
        ]
        charges = [
            post(
                f"/periods/{period_id}/charges",
                member_id=rng.choice(members),
                amount=money(rng, 100, 5000),
                date=day(rng, month),
                description="Key; fine",
            )["id"]
            for _ in range(3)
        ]
        # The fund pays members back; corrections either way, with reasons no directive hides in.
        payout = post(
            f"/periods/{period_id}/payouts",
            member_id=rng.choice(members),
            amount=money(rng, 100, 20000),
            date=day(rng, month),
            comment='paid back; "fence"\n2026-01-01 open Assets:Evil',
        )["id"]
        ok(api.patch(url(f"/payouts/{payout}"), json={"amount": "12.34"}))
        for sign in ("-", ""):
            post(
                f"/periods/{period_id}/adjustments",
                member_id=rng.choice(members),
                amount=sign + money(rng, 100, 90000),
                date=day(rng, month),
                reason="Brought over from the old books\n2026-01-01 close Assets:Fund",
            )
        voided = post(
            f"/periods/{period_id}/payouts", member_id=members[0], amount="1.00", date=day(rng, month)
        )["id"]
        assert api.delete(url(f"/payouts/{voided}")).status_code == 204
        # Edits and voids leave reversal entries in the journal.
        ok(api.patch(url(f"/contributions/{contributions[0]}"), json={"amount": "123.45"}))
        assert api.delete(url(f"/contributions/{contributions[1]}")).status_code == 204
        assert api.delete(url(f"/charges/{charges[0]}")).status_code == 204
        expenses = ok(api.get(url(f"/periods/{period_id}/expenses")))
        assert api.delete(url(f"/expenses/{expenses[0]['id']}")).status_code == 204
    return members, periods[0], periods[1]


def close(community, period_id):
    answer = ok(community.api.post(community.url(f"/periods/{period_id}/close")), 202)
    job = ok(community.api.get(community.url(f"/jobs/{answer['job_id']}")))
    assert job["status"] == "succeeded", job


def export(api, community):
    response = api.get(community.url("/export.beancount"))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def load(text):
    entries, errors, options = loader.load_string(text)
    assert not errors, "\n".join(str(e) for e in errors[:10])
    return entries


def bean_check(text, tmp_path):
    tool = Path(sys.executable).with_name("bean-check")
    if not tool.exists():
        tool = shutil.which("bean-check")
    if not tool:
        return
    ledger = tmp_path / "levy.beancount"
    ledger.write_text(text, encoding="utf-8")
    result = subprocess.run([str(tool), str(ledger)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def ledger_balances(entries, until: date) -> dict[str, Decimal]:
    """Sum of postings per account for transactions dated on or before ``until``."""
    sums: dict[str, Decimal] = {}
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.date <= until:
            for posting in entry.postings:
                sums[posting.account] = sums.get(posting.account, Decimal(0)) + posting.units.number
    return sums


def member_balances(entries, until, members):
    sums = ledger_balances(entries, until)
    return {m: -sums.get(f"Liabilities:Members:M{m}", Decimal(0)) for m in members}


def sheet_closing(community, period_id):
    sheet = ok(community.api.get(community.url(f"/periods/{period_id}/balance-sheet")))
    assert sheet["provisional"] is False
    return {row["member_id"]: Decimal(row["closing"]) for row in sheet["rows"]}


def test_export_loads_cleanly_and_matches_the_closed_sheet(community, tmp_path):
    members, q1, q2 = generate(community)
    close(community, q1)
    text = export(community.api, community)
    entries = load(text)
    bean_check(text, tmp_path)

    opens = {e.account for e in entries if isinstance(e, data.Open)}
    assert {f"Liabilities:Members:M{m}" for m in members} <= opens
    assert "Assets:Fund" in opens
    assert "Income:ServiceCharges" in opens
    assert "Equity:Adjustments" in opens
    assert "Assets:Evil" not in opens
    assert any(a.startswith("Expenses:") for a in opens)
    assert any(a.startswith("Income:Allocated:") for a in opens)
    assert any(a.startswith("Income:Usage:") for a in opens)

    # One balance assertion per member at the end of the closed Q1 (the day after it).
    assertions = [e for e in entries if isinstance(e, data.Balance)]
    assert {e.account for e in assertions} == {f"Liabilities:Members:M{m}" for m in members}
    assert {e.date for e in assertions} == {date(2026, 4, 1)}

    closing = sheet_closing(community, q1)
    ledger = member_balances(entries, Q1_END, members)
    assert ledger == {m: closing.get(m, Decimal(0)) for m in members}
    assert any(v != 0 for v in ledger.values())

    # Double entry: everything sums to zero, and the fund holds the sheet's fund cash.
    everything = ledger_balances(entries, date(2100, 1, 1))
    assert sum(everything.values()) == 0
    q1_sheet = ok(community.api.get(community.url(f"/periods/{q1}/balance-sheet")))
    assert ledger_balances(entries, Q1_END).get("Assets:Fund", 0) == Decimal(q1_sheet["fund"]["cash"])


def test_two_closed_periods_assert_balances_at_each_end(community, tmp_path):
    members, q1, q2 = generate(community, seed=21)
    close(community, q1)
    close(community, q2)
    text = export(community.api, community)
    entries = load(text)
    bean_check(text, tmp_path)
    assert {e.date for e in entries if isinstance(e, data.Balance)} == {date(2026, 4, 1), date(2026, 7, 1)}
    for period_id, end in ((q1, Q1_END), (q2, Q2_END)):
        closing = sheet_closing(community, period_id)
        assert member_balances(entries, end, members) == {m: closing.get(m, Decimal(0)) for m in members}


def test_a_wrong_snapshot_would_fail_the_balance_assertions(community, scoped):
    """The assertions really check something: corrupt one snapshot, the loader complains."""
    from sqlalchemy import update

    from app.extensions import db
    from app.models import BalanceSnapshot

    members, q1, _ = generate(community, seed=3)
    close(community, q1)
    with scoped(community.id):
        db.session.execute(
            update(BalanceSnapshot)
            .where(BalanceSnapshot.period_id == q1, BalanceSnapshot.member_id == members[1])
            .values(closing=BalanceSnapshot.closing + 1)
        )
        db.session.commit()
    _, errors, _ = loader.load_string(export(community.api, community))
    assert errors and any(f"M{members[1]}" in str(e) for e in errors)


def test_owner_needs_the_setting_to_export(community, owner):
    assert owner.api.get(community.url("/export.beancount")).status_code == 403
    ok(community.api.patch(community.url("/settings"), json={"owners_see_balance_sheet": True}))
    text = export(owner.api, community)
    load(text)


def test_export_of_an_empty_community_loads(community):
    load(export(community.api, community))
