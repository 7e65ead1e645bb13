"""Member balances per period (SPEC §2 "Balance of member m in period p").

``closing = opening + contributions + paid_expenses − allocated − usage −
service_charges − payouts + adjustments``, and each period opens with the previous
period's closing. ``adjustments`` is signed (a correction either way); every other
column is a non-negative sum.
Kept pure so that the live (open-period) view, the close job and the
downstream recomputation after a reopen all share one definition, and so that
the conservation invariant can be property-tested.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

__all__ = ["BalanceRow", "Movements", "balance_rows", "roll_forward", "totals"]


@dataclass(frozen=True)
class Movements:
    """One member's money movements in one period, in cents."""

    contributions: int = 0
    paid_expenses: int = 0
    allocated: int = 0
    usage: int = 0
    service_charges: int = 0
    payouts: int = 0
    adjustments: int = 0

    def __add__(self, other: Movements) -> Movements:
        if not isinstance(other, Movements):
            return NotImplemented
        return Movements(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


@dataclass(frozen=True)
class BalanceRow:
    """One member's statement line for one period, in cents."""

    member_id: int
    opening: int
    contributions: int
    paid_expenses: int
    allocated: int
    usage: int
    service_charges: int
    # Last and defaulted: rows written before payouts and adjustments existed stay valid.
    payouts: int = 0
    adjustments: int = 0

    @property
    def closing(self) -> int:
        """What the member is owed (positive) or owes (negative) at period end."""
        return (
            self.opening
            + self.contributions
            + self.paid_expenses
            - self.allocated
            - self.usage
            - self.service_charges
            - self.payouts
            + self.adjustments
        )


# A balance row's movements, in BalanceRow's field order; the sheet's columns add the closing.
MOVEMENT_KEYS = (
    "opening",
    "contributions",
    "paid_expenses",
    "allocated",
    "usage",
    "service_charges",
    "payouts",
    "adjustments",
)
TOTAL_KEYS = (*MOVEMENT_KEYS, "closing")


def balance_rows(opening: Mapping[int, int], movements: Mapping[int, Movements]) -> dict[int, BalanceRow]:
    """Rows for every member with a non-zero opening balance or a movement, by member id.

    A zero opening alone makes no row (SPEC §5 "Rows"), so a member who closed at zero and
    has nothing in the next period is not carried into it.
    """
    rows: dict[int, BalanceRow] = {}
    for member_id in sorted({m for m, cents in opening.items() if cents} | set(movements)):
        m = movements.get(member_id, Movements())
        rows[member_id] = BalanceRow(
            member_id=member_id,
            opening=opening.get(member_id, 0),
            contributions=m.contributions,
            paid_expenses=m.paid_expenses,
            allocated=m.allocated,
            usage=m.usage,
            service_charges=m.service_charges,
            payouts=m.payouts,
            adjustments=m.adjustments,
        )
    return rows


def roll_forward(
    opening: Mapping[int, int], periods: Sequence[Mapping[int, Movements]]
) -> list[dict[int, BalanceRow]]:
    """Rows for consecutive periods, each opening with the previous closing.

    ``opening`` is the balance before the first period (empty for a new
    community). Used to recompute every later period after one changes.
    """
    result: list[dict[int, BalanceRow]] = []
    carried: Mapping[int, int] = opening
    for movements in periods:
        rows = balance_rows(carried, movements)
        result.append(rows)
        carried = {member_id: row.closing for member_id, row in rows.items()}
    return result


def totals(rows: Iterable[BalanceRow]) -> dict[str, int]:
    """Column sums of a statement, including ``closing``."""
    sums = dict.fromkeys(TOTAL_KEYS, 0)
    for row in rows:
        for key in TOTAL_KEYS:
            sums[key] += getattr(row, key)
    return sums
