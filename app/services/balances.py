"""Balances and the balance sheet of a period (SPEC §2, §5).

Every number comes from set-based queries (GROUP BY over postings and records), a fixed
number of them whatever the size of the community; the splitting itself is the pure
``app.ledger.allocation``. An open period's allocations are computed live (provisional); a
closed period's come from the postings and the snapshot its close wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from sqlalchemy import func, select

from app.extensions import db
from app.ledger.allocation import Item, Line, PeriodAllocation, ReadingInput, allocate_period
from app.ledger.balances import MOVEMENT_KEYS, BalanceRow, Movements, balance_rows, totals
from app.ledger.split import PropertyShare
from app.models import (
    AllocationLine,
    BalanceSnapshot,
    BudgetItem,
    Expense,
    JournalEntry,
    Member,
    Period,
    PeriodStatus,
    Posting,
    Property,
    Reading,
)
from app.services import bulk, fund
from app.services import periods as period_service

CATEGORY_FIELDS = {
    "contribution": "contributions",
    "paid_expense": "paid_expenses",
    "allocated": "allocated",
    "usage": "usage",
    "service_charge": "service_charges",
    "payout": "payouts",
    "adjustment": "adjustments",
}
# Member postings are credits for money in (negative) and debits for charges (positive). An
# adjustment is signed: its column is minus its postings, like a credit's.
CREDIT_CATEGORIES = {"contribution", "paid_expense", "adjustment"}
# What an open period reads from the journal; the splits it computes live.
RECORD_CATEGORIES = ("contribution", "paid_expense", "service_charge", "payout", "adjustment")


@dataclass
class SheetRow:
    name: str
    balance: BalanceRow


@dataclass
class Sheet:
    period: Period
    rows: list[SheetRow]
    totals: dict[str, int]
    budget: list[dict]
    unassigned: list[dict]
    fund_cash: int
    provisional: bool
    stale: bool
    items: list[Item] = field(default_factory=list, repr=False)  # the budget, with unit rates
    _allocation: PeriodAllocation | None = field(default=None, repr=False)

    def row_for(self, member_id: int) -> SheetRow | None:
        return next((r for r in self.rows if r.balance.member_id == member_id), None)

    @property
    def allocation(self) -> PeriodAllocation:
        """The split line by line, which a statement explains a balance with. A closed
        period's sheet itself does not need it, so it is worked out on first use."""
        if self._allocation is None:
            saved = saved_allocation(self.period.id) if self.period.status == PeriodStatus.CLOSED else None
            # Closes from before allocation lines were kept have none: explain them live.
            self._allocation = saved if saved and saved.lines else live_allocation(self.period)
        return self._allocation


# --- inputs ------------------------------------------------------------------------------


def properties() -> list[PropertyShare]:
    rows = db.session.execute(
        select(Property.id, Property.owner_member_id, Property.share_weight, Property.active).order_by(
            Property.id
        )
    ).all()
    # Unpacked by position, not read by name: thousands of rows per sheet (issue 13). Numeric
    # columns come back as Decimal from SQLAlchemy on every database.
    return [PropertyShare(*row) for row in rows]


def expense_totals(period_id: int) -> dict[str, tuple[str, int]]:
    rows = db.session.execute(
        select(Expense.payment_type_key, func.min(Expense.payment_type), func.sum(Expense.amount_cents))
        .where(Expense.period_id == period_id, Expense.voided_at.is_(None))
        .group_by(Expense.payment_type_key)
    ).all()
    return {key: (name, int(total)) for key, name, total in rows}


def budget_items(period_id: int) -> list[Item]:
    rows = db.session.execute(
        select(BudgetItem)
        .where(BudgetItem.period_id == period_id, BudgetItem.voided_at.is_(None))
        .order_by(BudgetItem.payment_type)
    ).scalars()
    return [
        Item(
            b.id,
            b.payment_type,
            b.payment_type_key,
            b.strategy,
            Decimal(b.unit_rate) if b.unit_rate is not None else None,
            b.budgeted_cost_cents,
        )
        for b in rows
    ]


def readings(period_id: int) -> list[ReadingInput]:
    rows = db.session.execute(
        select(
            Reading.id,
            Reading.property_id,
            Reading.budget_item_id,
            Reading.start_reading,
            Reading.end_reading,
        ).where(Reading.period_id == period_id, Reading.voided_at.is_(None))
    ).all()
    return [
        ReadingInput(reading_id, property_id, item_id, end - start)
        for reading_id, property_id, item_id, start, end in rows
    ]


@dataclass(frozen=True)
class SplitInputs:
    """What a period's splits and tariffs are computed from, besides its expenses: read once
    by a close for both the split and its inputs' fingerprint (app.services.recompute)."""

    items: list[Item]
    properties: list[PropertyShare]
    readings: list[ReadingInput]


def split_inputs(period: Period, items: list[Item] | None = None) -> SplitInputs:
    return SplitInputs(
        items if items is not None else budget_items(period.id), properties(), readings(period.id)
    )


def live_allocation(
    period: Period,
    items: list[Item] | None = None,
    totals_by_key: dict | None = None,
    inputs: SplitInputs | None = None,
) -> PeriodAllocation:
    inputs = inputs or split_inputs(period, items)
    return allocate_period(
        inputs.items,
        totals_by_key if totals_by_key is not None else expense_totals(period.id),
        inputs.properties,
        inputs.readings,
    )


# An AllocationLine row holds a Line, field for field (a close writes lines as tuples).
LINE_FIELDS = Line._fields


def saved_allocation(period_id: int) -> PeriodAllocation:
    """The lines a close wrote (AllocationLine), as the split stood then."""
    rows = db.session.execute(
        select(AllocationLine).where(AllocationLine.period_id == period_id).order_by(AllocationLine.id)
    ).scalars()
    return PeriodAllocation(lines=[Line(**{f: getattr(r, f) for f in LINE_FIELDS}) for r in rows])


def posted_movements(period_id: int, categories=tuple(CATEGORY_FIELDS)) -> dict[int, dict[str, int]]:
    """Each member's sums per category from the journal, signs turned into SPEC's columns.

    One row per member with a sum per category (FILTER), not one per member and category:
    a third of the rows to fetch and turn into Python for a 2,000-member sheet (issue 13).
    """
    rows = cast(
        "list[tuple[int, ...]]",  # the WHERE leaves no NULL member
        db.session.execute(
            select(
                Posting.member_id,
                *(
                    func.sum(Posting.amount_cents).filter(Posting.category == category)
                    for category in categories
                ),
            )
            .where(
                Posting.period_id == period_id,
                Posting.member_id.is_not(None),
                Posting.category.in_(categories),
            )
            .group_by(Posting.member_id)
        ).all(),
    )
    columns = [(CATEGORY_FIELDS[c], -1 if c in CREDIT_CATEGORIES else 1) for c in categories]
    return {
        member_id: {
            field: sign * int(total) for (field, sign), total in zip(columns, sums) if total is not None
        }
        for member_id, *sums in rows
    }


def fund_cash(period: Period) -> int:
    """Cash in the common fund at the end of the period: all fund postings so far."""
    return fund.cash(period)


# --- balances ----------------------------------------------------------------------------


def opening_balances(period: Period) -> dict[int, int]:
    """Carry-forward: each member's closing balance of the previous period."""
    before = period_service.previous(period)
    if before is None:
        return {}
    if before.status == PeriodStatus.CLOSED:
        return snapshot_closings(before.id)
    return {row.balance.member_id: row.balance.closing for row in sheet(before).rows}


def snapshot_closings(period_id: int) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(BalanceSnapshot.member_id, BalanceSnapshot.closing).where(
                BalanceSnapshot.period_id == period_id
            )
        ).all()
    )


def period_movements(period: Period, allocation: PeriodAllocation | None) -> dict[int, Movements]:
    """Each member's movements in the period: the journal plus, for an open period, the live
    allocation."""
    live = allocation is not None
    categories = RECORD_CATEGORIES if live else tuple(CATEGORY_FIELDS)
    # A member whose only records were voided nets to zero in every category: no amount in
    # the period, so no row for that alone (SPEC §5 "Rows").
    posted = {m: v for m, v in posted_movements(period.id, categories).items() if any(v.values())}
    allocated = allocation.by_member("allocated") if allocation is not None else {}
    usage = allocation.by_member("usage") if allocation is not None else {}
    movements = {}
    for member_id in set(posted) | set(allocated) | set(usage):
        values = dict(posted.get(member_id, {}))
        if live:
            values["allocated"] = allocated.get(member_id, 0)
            values["usage"] = usage.get(member_id, 0)
        movements[member_id] = Movements(**values)
    return movements


def holders() -> set[int]:
    """The members who hold a property."""
    return set(db.session.execute(select(Property.owner_member_id).distinct()).scalars())


def with_holders(rows: dict[int, BalanceRow], holder_ids: set[int] | None = None) -> dict[int, BalanceRow]:
    """Every property holder has a row, of zeros when nothing else gave them one;
    ``holder_ids`` when the caller has them (read once for many periods, or from the split's
    inputs)."""
    holder_ids = holders() if holder_ids is None else holder_ids
    zero = {m: BalanceRow(m, 0, 0, 0, 0, 0, 0, 0, 0) for m in holder_ids if m not in rows}
    return {**rows, **zero}


def compute_rows(
    period: Period,
    allocation: PeriodAllocation | None,
    opening: dict[int, int] | None = None,
    holder_ids: set[int] | None = None,
) -> list[SheetRow]:
    """Rows from the journal plus, for an open period, the live allocation."""
    opening = opening_balances(period) if opening is None else opening
    rows = with_holders(balance_rows(opening, period_movements(period, allocation)), holder_ids)
    names = dict(db.session.execute(select(Member.id, Member.name)).all())
    return sorted(
        (SheetRow(names.get(m, f"#{m}"), row) for m, row in rows.items()),
        key=lambda r: (r.name.casefold(), r.balance.member_id),
    )


def snapshot_rows(period: Period) -> list[SheetRow]:
    rows = db.session.execute(
        select(BalanceSnapshot, Member.name)
        .join(Member, Member.id == BalanceSnapshot.member_id)
        .where(BalanceSnapshot.period_id == period.id)
    ).all()
    result = [
        SheetRow(name, BalanceRow(s.member_id, *(getattr(s, key) for key in MOVEMENT_KEYS)))
        for s, name in rows
    ]
    return sorted(result, key=lambda r: (r.name.casefold(), r.balance.member_id))


def is_provisional(period: Period) -> bool:
    return (
        db.session.execute(
            select(Period.id).where(
                Period.start_date <= period.start_date, Period.status != PeriodStatus.CLOSED
            )
        ).first()
        is not None
    )


def posted_charges(period_id: int) -> dict[int, int]:
    """What the close charged members per budget item: its allocation and usage entries."""
    # Allocation and usage entries always name their budget item (source_id).
    rows = cast(
        "list[tuple[int, int]]",
        db.session.execute(
            select(JournalEntry.source_id, func.sum(Posting.amount_cents))
            .join(Posting, Posting.entry_id == JournalEntry.id)
            .where(
                JournalEntry.period_id == period_id,
                Posting.period_id == period_id,
                JournalEntry.source_type.in_(("allocation", "usage")),
                Posting.member_id.is_not(None),
            )
            .group_by(JournalEntry.source_id)
        ).all(),
    )
    return {item_id: int(cents) for item_id, cents in rows}


def sheet(period: Period) -> Sheet:
    items = budget_items(period.id)
    by_key = expense_totals(period.id)
    if period.status == PeriodStatus.CLOSED:
        # What the close wrote is the closed period's account: the snapshot and the posted
        # splits (nothing was left unassigned, or it would not have closed). Splitting again
        # would cost more than the rest of the sheet together at a few thousand properties.
        allocation, rows, charged, not_split = (None, snapshot_rows(period), posted_charges(period.id), [])
    else:
        with bulk.collector_paused():  # the split of thousands of properties, as in a close
            inputs = split_inputs(period, items)
            allocation = live_allocation(period, totals_by_key=by_key, inputs=inputs)
            holder_ids = {p.owner_member_id for p in inputs.properties}  # holders(), read already
            rows = compute_rows(period, allocation, holder_ids=holder_ids)
        charged = {}
        for line in allocation.lines:
            charged[line.item_id] = charged.get(line.item_id, 0) + line.cents
        not_split = allocation.unassigned
    budget = [
        {
            "payment_type": i.payment_type,
            "strategy": i.strategy,
            "budgeted": i.budgeted,
            "actual": by_key.get(i.key, ("", 0))[1],
            "variance": i.budgeted - by_key.get(i.key, ("", 0))[1],
            "charged": charged.get(i.id, 0),
            "budget_item_id": i.id,
        }
        for i in items
    ]
    unassigned = [
        {"payment_type": name, "amount": cents, "reason": reason} for name, cents, reason in not_split
    ]
    sums = totals(r.balance for r in rows)
    # Open: the fund's movement follows from the totals in hand.
    own_movement = fund.movement(sums, by_key) if allocation is not None else None
    return Sheet(
        period=period,
        rows=rows,
        totals=sums,
        budget=budget,
        unassigned=unassigned,
        fund_cash=fund.cash(period, own_movement),
        provisional=is_provisional(period),
        stale=bool(period.stale),
        items=items,
        _allocation=allocation,
    )
