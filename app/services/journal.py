"""The double-entry journal under every record (SPEC §2, last rule).

Accounts: ``Assets:Fund``, ``Members:<member id>``, ``Expenses:<type>``,
``Income:Allocated:<type>``, ``Income:Usage:<type>``, ``Income:ServiceCharges``,
``Equity:Adjustments``.
A debit is positive, a credit negative; every entry sums to zero. A member's balance
(credit positive) is minus the sum of their account's postings.

Records are never rewritten: an edit reverses the current entry and posts a new one; a void
reverses it. Allocation and usage entries are derived by a close and replaced as a whole
when the period is closed again.
"""

from datetime import date

from flask import g
from sqlalchemy import delete, select

from app.extensions import db
from app.models import JournalEntry, Posting
from app.services import bulk

FUND = "Assets:Fund"
SERVICE_INCOME = "Income:ServiceCharges"
# The other side of a correction: balances the old books left, write-offs.
ADJUSTMENTS = "Equity:Adjustments"


def member_account(member_id: int) -> str:
    return f"Members:{member_id}"


def post(
    period_id: int,
    day: date,
    source_type: str,
    source_id: int | None,
    memo: str,
    legs: list[dict],
    reversal_of_id: int | None = None,
) -> JournalEntry:
    """Write one balanced entry. Each leg: account, amount_cents, and optionally member_id,
    property_id, category, payment_type."""
    check_balanced(legs)
    entry = JournalEntry(
        community_id=g.community_id,
        period_id=period_id,
        date=day,
        source_type=source_type,
        source_id=source_id,
        memo=memo,
        reversal_of_id=reversal_of_id,
    )
    db.session.add(entry)
    db.session.flush()
    bulk.insert_rows(Posting, posting_rows(period_id, entry.id, legs))
    return entry


def post_entries(period_id: int, entries: list[dict]) -> list[int]:
    """Many entries at once, as ``post`` writes them one by one: two bulk writes (the
    entries with ids reserved up front, then every leg), whatever their number. Each entry:
    date, source_type, source_id, memo, legs, and optionally reversal_of_id. Returns the
    entries' ids in order."""
    for entry in entries:
        check_balanced(entry["legs"])
    ids = bulk.insert_rows(
        JournalEntry,
        [
            {
                "community_id": g.community_id,
                "period_id": period_id,
                "date": e["date"],
                "source_type": e["source_type"],
                "source_id": e["source_id"],
                "memo": e["memo"],
                "reversal_of_id": e.get("reversal_of_id"),
            }
            for e in entries
        ],
        ids=True,
    )
    postings = []
    for entry, entry_id in zip(entries, ids):
        postings += posting_rows(period_id, entry_id, entry["legs"])
    bulk.insert_rows(Posting, postings)
    return ids


def post_records(period_id: int, source_type: str, records: list, legs) -> None:
    """One entry per record, as ``post`` writes them (imports record thousands at once; a
    flush per entry would take minutes)."""
    post_entries(
        period_id,
        [
            {
                "date": r.date,
                "source_type": source_type,
                "source_id": r.id,
                "memo": f"{source_type} #{r.id}",
                "legs": legs(r),
            }
            for r in records
        ],
    )


def check_balanced(legs: list[dict]) -> None:
    """Refuse an entry whose legs do not sum to zero (pure: any writer calls it first)."""
    if sum(leg["amount_cents"] for leg in legs) != 0:
        raise ValueError("unbalanced journal entry")


def posting_rows(period_id: int, entry_id: int, legs: list[dict]) -> list[dict]:
    community_id = g.community_id  # once: a close makes ~14,000 rows, g costs ~2 us a read
    return [
        {**LEG_DEFAULTS, **leg, "community_id": community_id, "period_id": period_id, "entry_id": entry_id}
        for leg in legs
    ]


LEG_DEFAULTS = {"member_id": None, "property_id": None, "category": None, "payment_type": None}


def contribution_legs(c) -> list[dict]:
    return [
        {"account": FUND, "amount_cents": c.amount_cents},
        {
            "account": member_account(c.member_id),
            "member_id": c.member_id,
            "category": "contribution",
            "amount_cents": -c.amount_cents,
        },
    ]


def expense_legs(e) -> list[dict]:
    debit = {
        "account": f"Expenses:{e.payment_type}",
        "payment_type": e.payment_type,
        "amount_cents": e.amount_cents,
    }
    if e.paid_by_member_id:
        credit = {
            "account": member_account(e.paid_by_member_id),
            "member_id": e.paid_by_member_id,
            "category": "paid_expense",
            "payment_type": e.payment_type,
            "amount_cents": -e.amount_cents,
        }
    else:
        credit = {"account": FUND, "payment_type": e.payment_type, "amount_cents": -e.amount_cents}
    return [debit, credit]


def charge_legs(c) -> list[dict]:
    return [
        {
            "account": member_account(c.member_id),
            "member_id": c.member_id,
            "category": "service_charge",
            "amount_cents": c.amount_cents,
        },
        {"account": SERVICE_INCOME, "amount_cents": -c.amount_cents},
    ]


def payout_legs(p) -> list[dict]:
    """The fund pays the member: their account is debited (their credit goes down)."""
    return [
        {
            "account": member_account(p.member_id),
            "member_id": p.member_id,
            "category": "payout",
            "amount_cents": p.amount_cents,
        },
        {"account": FUND, "amount_cents": -p.amount_cents},
    ]


def adjustment_legs(a) -> list[dict]:
    """A signed correction: + credits the member (their balance goes up), − debits them."""
    return [
        {
            "account": member_account(a.member_id),
            "member_id": a.member_id,
            "category": "adjustment",
            "amount_cents": -a.amount_cents,
        },
        {"account": ADJUSTMENTS, "amount_cents": a.amount_cents},
    ]


def current_entry(source_type: str, source_id: int) -> JournalEntry | None:
    """The entry that stands for a record now: posted, and not reversed since."""
    reversed_ids = select(JournalEntry.reversal_of_id).where(JournalEntry.reversal_of_id.is_not(None))
    return db.session.execute(
        select(JournalEntry)
        .where(
            JournalEntry.source_type == source_type,
            JournalEntry.source_id == source_id,
            JournalEntry.reversal_of_id.is_(None),
            JournalEntry.id.not_in(reversed_ids),
        )
        .order_by(JournalEntry.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def reverse(source_type: str, source_id: int, day: date, memo: str) -> None:
    entry = current_entry(source_type, source_id)
    if entry is None:
        return
    legs = [
        {
            "account": p.account,
            "member_id": p.member_id,
            "property_id": p.property_id,
            "category": p.category,
            "payment_type": p.payment_type,
            "amount_cents": -p.amount_cents,
        }
        for p in db.session.execute(
            select(Posting).where(Posting.entry_id == entry.id).order_by(Posting.id)
        ).scalars()
    ]
    post(entry.period_id, day, source_type, source_id, memo, legs, reversal_of_id=entry.id)


def replace_derived(period_id: int, source_types: tuple[str, ...]) -> None:
    """Drop a period's derived entries (allocation, usage) before a close writes them anew."""
    entry_ids = select(JournalEntry.id).where(
        JournalEntry.period_id == period_id, JournalEntry.source_type.in_(source_types)
    )
    db.session.execute(
        delete(Posting).where(Posting.entry_id.in_(entry_ids)).execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(JournalEntry)
        .where(JournalEntry.period_id == period_id, JournalEntry.source_type.in_(source_types))
        .execution_options(synchronize_session=False)
    )
