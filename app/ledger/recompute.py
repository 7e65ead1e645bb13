"""A later period shifted by a correction upstream, without splitting it again (SPEC §3).

When a period closes again, every later closed period is recomputed. A later period's
splits, tariffs and records depend on its own inputs, not on earlier balances; what a
correction upstream changes is each member's opening, and with it the late fee (SPEC §2
"Late fee"). So when a later period's inputs are unchanged, its new balance rows are the
stored ones with:

- ``opening`` = the new carried closing of the period before;
- ``service_charges`` = the stored ones − the stored late fee + the new late fee;
- every other column as stored; ``closing`` follows from the formula.

A member has a row when a full close would give one (``balances.compute_rows``): they hold
a property, or their opening or one of their movements is not zero. So a shift can add rows
(a member whose opening became non-zero) and drop rows (one whose opening became zero and
has nothing else). The late fees are compared by amount and overdue, so the caller rewrites
only the fees that changed. Pure: the recompute service and the tests share it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from app.ledger.balances import BalanceRow
from app.ledger.late_fee import late_fee, overdue

__all__ = ["Fee", "Shift", "shift_period"]


@dataclass(frozen=True)
class Fee:
    """A member's late fee in one period: the cents charged, the overdue they came from and
    the percent applied (what a late fee row records)."""

    cents: int
    overdue: int
    percent: Decimal = Decimal(0)


NO_FEE = Fee(0, 0)


@dataclass
class Shift:
    """The rows and fees a full close would write, and what differs from the stored ones."""

    rows: dict[int, BalanceRow]
    fees: dict[int, Fee]
    changed: dict[int, BalanceRow] = field(default_factory=dict)  # stored rows, new values
    added: dict[int, BalanceRow] = field(default_factory=dict)  # members with no row yet
    dropped: set[int] = field(default_factory=set)  # rows a full close omits
    fees_changed: set[int] = field(default_factory=set)  # fee removed, new or other

    @property
    def unchanged(self) -> bool:
        return not (self.changed or self.added or self.dropped or self.fees_changed)


def _has_movement(row: BalanceRow) -> bool:
    return any(
        (
            row.contributions,
            row.paid_expenses,
            row.allocated,
            row.usage,
            row.service_charges,
            row.payouts,
            row.adjustments,
        )
    )


def shift_period(
    stored: Mapping[int, BalanceRow],
    fees: Mapping[int, Fee],
    opening: Mapping[int, int],
    percent: Decimal | int,
    holders: Collection[int],
) -> Shift:
    """The period's rows once its members open with ``opening`` (member id → cents; missing
    members open with 0).

    ``stored``: the rows the last close wrote, by member; ``fees``: the late fees standing
    in the period (included in the stored ``service_charges``); ``percent``: the community's
    late fee percent now; ``holders``: the members who own a property now.
    """
    late_fee(0, 0, percent)  # refuses a float or an out-of-range percent, as a close does
    rate = Decimal(percent)
    members = set(stored) | {m for m, v in opening.items() if v} | set(holders)
    result = Shift(rows={}, fees={})
    for member_id in sorted(members):
        old = stored.get(member_id) or BalanceRow(member_id, 0, 0, 0, 0, 0, 0, 0, 0)
        old_fee = fees.get(member_id, NO_FEE)
        new_opening = opening.get(member_id, 0)
        owed = overdue(new_opening, old.contributions)
        # late_fee() on the same numbers; most members owe nothing and need no arithmetic.
        cents = late_fee(new_opening, old.contributions, percent) if owed and rate else 0
        new_fee = Fee(cents, owed, rate) if cents else NO_FEE
        if new_fee != old_fee:
            result.fees_changed.add(member_id)
        if cents:
            result.fees[member_id] = new_fee
        if new_opening == old.opening and cents == old_fee.cents:
            row = old  # nothing moved: the stored row as it is
        else:
            row = BalanceRow(
                member_id,
                new_opening,
                old.contributions,
                old.paid_expenses,
                old.allocated,
                old.usage,
                old.service_charges - old_fee.cents + cents,
                old.payouts,
                old.adjustments,
            )
        if not (new_opening or member_id in holders or _has_movement(row)):
            if member_id in stored:
                result.dropped.add(member_id)
            continue
        result.rows[member_id] = row
        if member_id not in stored:
            result.added[member_id] = row
        elif row is not old:
            result.changed[member_id] = row
    return result
