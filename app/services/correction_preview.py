"""The correction preview (SPEC §5 recompute-preview, §6): on a reopened period, what closing
balances this period and every later closed (or stale) period would get if it were closed
now, next to what the last close wrote. Writes nothing.

Not by rerunning the closes: this period's balances are computed live (as its open sheet
is) with its late fees added; each later closed period's own inputs do not change, so its
new closings are its snapshot's, moved by the changed opening and the recomputed late fee
(``app.ledger.late_fee.carry``). That is what the close job writes as long as properties,
weights and owners are as they were when those later periods were closed (a re-close
splits their costs again with today's properties). A few queries whatever the number of
periods; 2,000 members × 10 later periods answer well within 2 s (bench/preview.py).

Decisions: members whose closing does not change are left out; a period that is not open
is a 409 (there is nothing to preview: closing it again is refused); an open period that
was never closed has no "before" of its own, so it is left out and only later closed
periods are listed; a period that cannot be closed as it stands (unassigned categories)
is the close's own 409 with its reasons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import Conflict
from app.extensions import db
from app.ledger.late_fee import LaterPeriod, carry, late_fees
from app.models import BalanceSnapshot, Member, Period, PeriodStatus
from app.services import balances, late_fees as late_fee_service
from app.services import periods as period_service
from app.services.closing import check_closable
from app.words import status_name


@dataclass(frozen=True)
class Change:
    member_id: int
    name: str
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class PeriodChanges:
    period: Period
    rows: list[Change]


def applies(period: Period) -> bool:
    """Whether the period page offers the preview: open, and closed before or followed
    by closed periods."""
    if period.status != PeriodStatus.OPEN:
        return False
    closed_before = db.session.execute(
        select(BalanceSnapshot.id).where(BalanceSnapshot.period_id == period.id).limit(1)
    ).first()
    return bool(closed_before) or any(p.status == PeriodStatus.CLOSED for p in period_service.later(period))


def preview(period: Period) -> list[PeriodChanges]:
    if period.status != PeriodStatus.OPEN:
        raise Conflict(
            _(
                "The period “%(name)s” is %(status)s: only a reopened (open) period "
                "has a correction preview.",
                name=period.name,
                status=status_name(period.status),
            )
        )
    allocation = balances.live_allocation(period)
    check_closable(period, allocation)
    percent = late_fee_service.percent()
    closing = _closing_now(period, allocation, percent)
    later = period_service.later(period)
    closed = [p for p in later if p.status == PeriodStatus.CLOSED]
    written = _snapshots([period.id] + [p.id for p in closed])
    fees = late_fee_service.current_by_period([p.id for p in closed])
    names = dict(db.session.execute(select(Member.id, Member.name)).all())

    result = []
    if written[period.id]:
        result.append(_changes(period, {m: r[2] for m, r in written[period.id].items()}, closing, names))
    for later_period in later:
        if later_period.status == PeriodStatus.CLOSED:
            rows = written[later_period.id]
            before = LaterPeriod(
                opening={m: r[0] for m, r in rows.items()},
                contributions={m: r[1] for m, r in rows.items()},
                closing={m: r[2] for m, r in rows.items()},
                fees=fees[later_period.id],
            )
            closing = carry(closing, [before], percent)[0]
            result.append(_changes(later_period, before.closing, closing, names))
        else:
            # An open period between closed ones: the close carries its live balances.
            live = balances.compute_rows(
                later_period, balances.live_allocation(later_period), opening=closing
            )
            closing = {r.balance.member_id: r.balance.closing for r in live}
    return result


def _closing_now(period: Period, allocation, percent) -> dict[int, int]:
    """This period's closings as a close now would write them: live, plus its late fees."""
    opening = balances.opening_balances(period)
    rows = balances.compute_rows(period, allocation, opening)
    fees = late_fees(opening, {r.balance.member_id: r.balance.contributions for r in rows}, percent)
    return {r.balance.member_id: r.balance.closing - fees.get(r.balance.member_id, 0) for r in rows}


def _snapshots(period_ids: list[int]) -> dict[int, dict[int, tuple[int, int, int]]]:
    """period id → member id → (opening, contributions, closing) the last close wrote."""
    result: dict[int, dict] = {p: {} for p in period_ids}
    for period_id, member_id, opening, contributions, closing in db.session.execute(
        select(
            BalanceSnapshot.period_id,
            BalanceSnapshot.member_id,
            BalanceSnapshot.opening,
            BalanceSnapshot.contributions,
            BalanceSnapshot.closing,
        ).where(BalanceSnapshot.period_id.in_(period_ids))
    ).all():
        result[period_id][member_id] = (opening, contributions, closing)
    return result


def _changes(
    period: Period, before: Mapping[int, int], after: Mapping[int, int], names: dict
) -> PeriodChanges:
    rows = [
        Change(m, names.get(m, f"#{m}"), before.get(m, 0), after.get(m, 0))
        for m in set(before) | set(after)
        if before.get(m, 0) != after.get(m, 0)
    ]
    rows.sort(key=lambda c: (c.name.casefold(), c.member_id))
    return PeriodChanges(period, rows)
