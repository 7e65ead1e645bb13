"""The late fee and the carried correction (SPEC §2 "Late fee", §6 "Correction preview").

``late_fee``: when period p is closed, a member with ``overdue = −(opening + contributions)
> 0`` — debt carried into p that p's payments did not cover — is charged
``round_half_up(overdue × percent / 100)`` cents. Pure, so the close, a downstream
recompute and the correction preview all share one definition.

``carry``: what later closed periods become when an earlier closing changes. A later
period's own inputs (records, splits, tariffs) do not depend on earlier balances; only its
opening shifts, and with it the late fee. So its new closing is its old one, moved by the
change of opening, minus the change of late fee — no split is rerun.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from app.money import round_half_up_cents

__all__ = ["LaterPeriod", "carry", "late_fee", "late_fees", "overdue"]

MAX_PERCENT = Decimal(100)


def overdue(opening: int, contributions: int) -> int:
    """Debt carried into the period that its contributions did not pay; 0 if none."""
    return max(0, -(opening + contributions))


def late_fee(opening: int, contributions: int, percent: Decimal | int) -> int:
    """The fee in cents (0: no fee). ``percent`` is the community's ``late_fee_percent``."""
    if isinstance(percent, (float, bool)):
        raise TypeError("percent must be an exact Decimal or int")
    if not 0 <= percent <= MAX_PERCENT:
        raise ValueError("percent must be between 0 and 100")
    owed = overdue(opening, contributions)
    if not owed or not percent:
        return 0
    return round_half_up_cents(Fraction(owed) * Fraction(percent) / 100)


def late_fees(
    opening: Mapping[int, int], contributions: Mapping[int, int], percent: Decimal | int
) -> dict[int, int]:
    """Each member's non-zero fee, by member id."""
    fees = {}
    for member_id in set(opening) | set(contributions):
        fee = late_fee(opening.get(member_id, 0), contributions.get(member_id, 0), percent)
        if fee:
            fees[member_id] = fee
    return fees


@dataclass(frozen=True)
class LaterPeriod:
    """What the last close wrote for a later period, member by member: the snapshot's
    opening, contributions and closing, and the late fee inside its service charges."""

    opening: Mapping[int, int]
    contributions: Mapping[int, int]
    closing: Mapping[int, int]
    fees: Mapping[int, int]


def carry(
    closing: Mapping[int, int], later: Iterable[LaterPeriod], percent: Decimal | int
) -> list[dict[int, int]]:
    """Each later period's closing balances, in order, once the period before the first of
    them closes with ``closing``. Members missing from a mapping count as 0."""
    result = []
    carried = closing
    for period in later:
        members = set(period.closing) | set(period.opening) | {m for m, v in carried.items() if v}
        after = {}
        for m in members:
            opening = carried.get(m, 0)
            contributions = period.contributions.get(m, 0)
            fee = late_fee(opening, contributions, percent)
            after[m] = (
                period.closing.get(m, 0) - period.opening.get(m, 0) + opening + period.fees.get(m, 0) - fee
            )
        result.append(after)
        carried = after
    return result
