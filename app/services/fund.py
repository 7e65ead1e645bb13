"""Cash in the common fund at the end of a period (the balance sheet's "fund").

The cash is every ``Assets:Fund`` posting of the period and all earlier ones. Summing the
whole history on every sheet grows with the community's age, so a close keeps the figure of
its period (``Period.fund_cash_cents``) and a sheet adds only the periods after the last one
it can trust: a closed, not stale period with every earlier period closed and not stale too
(an open or reopened period before it may have changed since its close; the recompute that
follows the next close brings the later figures up to date).
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Period, PeriodStatus, Posting
from app.services.journal import FUND


def cash(period: Period) -> int:
    """The fund's cash at the end of ``period``, as the full sum over its history gives it."""
    return _cash(period, own=True)


def cash_to_keep(period: Period) -> int:
    """What a close of ``period`` stores: its own figure is being replaced, never read."""
    return _cash(period, own=False)


def _cash(period: Period, own: bool) -> int:
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
    total = int(
        db.session.execute(
            select(func.coalesce(func.sum(Posting.amount_cents), 0)).where(
                Posting.account == FUND, Posting.period_id.in_(since)
            )
        ).scalar_one()
    )
    return total + (int(anchor.fund_cash_cents) if anchor is not None else 0)
