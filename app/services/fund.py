"""Cash in the common fund at the end of a period (the balance sheet's "fund").

The cash is every ``Assets:Fund`` posting of the period and all earlier ones. Summing the
whole history on every sheet grows with the community's age, so a close keeps the figure of
its period (``Period.fund_cash_cents``) and a sheet adds only the periods after the last one
it can trust: a closed, not stale period with every earlier period closed and not stale too
(an open or reopened period before it may have changed since its close; the recompute that
follows the next close brings the later figures up to date).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select

from app.extensions import db
from app.models import Period, PeriodStatus, Posting
from app.services.journal import FUND


def cash(period: Period, own_movement: int | None = None) -> int:
    """The fund's cash at the end of ``period``, as the full sum over its history gives it.

    ``own_movement``: the period's own fund movement when the caller has it at hand (the
    open sheet, from its totals: ``movement``); used when it is the only one to add."""
    return _cash(period, own=True, own_movement=own_movement)


def movement(totals: Mapping[str, int], expense_totals: Mapping[str, tuple[str, int]]) -> int:
    """A period's net fund postings from its sheet's ``totals`` and its expenses (category →
    (name, cents)), by the journal's legs (app.services.journal): a contribution is paid into
    the fund, a payout out of it, and an expense out of it unless a member paid it
    (``paid_expenses``). Nothing else touches the fund."""
    expenses = sum(cents for _, cents in expense_totals.values())
    return totals["contributions"] - totals["payouts"] - (expenses - totals["paid_expenses"])


def cash_to_keep(period: Period, own_movement: int | None = None) -> int:
    """What a close of ``period`` stores: its own figure is being replaced, never read.
    ``own_movement`` as for ``cash``: the close has the period's totals in hand."""
    return _cash(period, own=False, own_movement=own_movement)


def _cash(period: Period, own: bool, own_movement: int | None = None) -> int:
    history = db.session.execute(
        select(Period.id, Period.start_date, Period.status, Period.stale, Period.fund_cash_cents)
        .where(Period.start_date <= period.start_date)
        .order_by(Period.start_date)
    ).all()
    anchor = None
    for row in history:
        if row.status != PeriodStatus.CLOSED or row.stale or (row.id == period.id and not own):
            break
        if row.fund_cash_cents is not None:
            anchor = row
    if anchor is not None and anchor.id == period.id:
        return int(anchor.fund_cash_cents)
    # The periods to add, by id: the index on (account, period_id) then reads only theirs.
    since = [row.id for row in history if anchor is None or row.start_date > anchor.start_date]
    if since == [period.id] and own_movement is not None:
        return own_movement + (int(anchor.fund_cash_cents) if anchor is not None else 0)
    total = int(
        db.session.execute(
            select(func.coalesce(func.sum(Posting.amount_cents), 0)).where(
                Posting.account == FUND, Posting.period_id.in_(since)
            )
        ).scalar_one()
    )
    return total + (int(anchor.fund_cash_cents) if anchor is not None else 0)
