"""Late fees as the close writes them (SPEC §2 "Late fee"); the arithmetic is the pure
``app.ledger.late_fee``.

A late fee is a service charge of kind ``late_fee`` with a journal entry of source type
``late_fee`` (the member debited, Income:ServiceCharges credited, category
``service_charge``, so it is part of the period's service charges). It is the close's
output, like the splits: every close of the period (a re-close after a reopen, the
downstream recompute) first removes the fees an earlier close wrote, then writes them anew —
never twice. A reopen removes them too, so an open period shows none. Removed fee rows are
voided (kept, like every record); their derived journal entries are dropped like the
splits'. Admins cannot edit or void them by hand (``ensure_editable``).
"""

from __future__ import annotations

from decimal import Decimal

from flask import g
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.errors import Conflict
from app.extensions import db
from app.ledger.late_fee import late_fees
from app.models import ChargeKind, Community, Period, ServiceCharge
from app.models.base import utcnow
from app.services import audit, journal

SOURCE_TYPE = "late_fee"
DESCRIPTION = "Late fee"


def percent() -> Decimal:
    """The community's setting (a close runs in a task: no ``g.community`` there)."""
    value = db.session.execute(
        select(Community.late_fee_percent).where(Community.id == g.community_id)
    ).scalar_one()
    return Decimal(value or 0)


def ensure_editable(charge: ServiceCharge) -> None:
    if charge.is_late_fee:
        raise Conflict(
            _(
                "A late fee is charged by the close: change the period's records or "
                "the late fee setting, then close the period again."
            )
        )


def current(period_id: int) -> dict[int, int]:
    """The late fees standing in a period, by member (cents)."""
    return {
        m: int(c)
        for m, c in db.session.execute(
            select(ServiceCharge.member_id, func.sum(ServiceCharge.amount_cents))
            .where(
                ServiceCharge.period_id == period_id,
                ServiceCharge.kind == ChargeKind.LATE_FEE,
                ServiceCharge.voided_at.is_(None),
            )
            .group_by(ServiceCharge.member_id)
        ).all()
    }


def current_by_period(period_ids: list[int]) -> dict[int, dict[int, int]]:
    """``current`` for many periods in one query: period id → member id → cents."""
    result: dict[int, dict[int, int]] = {p: {} for p in period_ids}
    if not period_ids:
        return result
    for period_id, member_id, cents in db.session.execute(
        select(ServiceCharge.period_id, ServiceCharge.member_id, func.sum(ServiceCharge.amount_cents))
        .where(
            ServiceCharge.period_id.in_(period_ids),
            ServiceCharge.kind == ChargeKind.LATE_FEE,
            ServiceCharge.voided_at.is_(None),
        )
        .group_by(ServiceCharge.period_id, ServiceCharge.member_id)
    ).all():
        result[period_id][member_id] = int(cents)
    return result


def remove(period: Period) -> int:
    """Void the period's late fees and drop their journal entries; returns their total."""
    total = sum(current(period.id).values())
    journal.replace_derived(period.id, (SOURCE_TYPE,))
    db.session.execute(
        update(ServiceCharge)
        .where(
            ServiceCharge.period_id == period.id,
            ServiceCharge.kind == ChargeKind.LATE_FEE,
            ServiceCharge.voided_at.is_(None),
        )
        .values(voided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return total


def charge(
    period: Period, opening: dict[int, int], contributions: dict[int, int], removed: int | None = None
) -> dict[int, int]:
    """Replace the period's late fees with the ones these numbers give; returns them.

    ``opening`` and ``contributions``: each member's cents in this period (the close has
    both at hand). Writes one charge and one journal entry per member charged. ``removed``:
    the total of the old fees when the caller has already removed them (``remove``).
    """
    removed = remove(period) if removed is None else removed
    rate = percent()
    fees = late_fees(opening, contributions, rate)
    rows = [
        ServiceCharge(
            community_id=g.community_id,
            period_id=period.id,
            member_id=m,
            amount_cents=cents,
            date=period.end_date,
            description=DESCRIPTION,
            kind=ChargeKind.LATE_FEE,
            late_fee_percent=rate,
            overdue_cents=-(opening.get(m, 0) + contributions.get(m, 0)),
        )
        for m, cents in sorted(fees.items())
    ]
    if rows:
        db.session.add_all(rows)
        db.session.flush()
        journal.post_records(period.id, SOURCE_TYPE, rows, journal.charge_legs)
    if rows or removed:
        audit.record(
            "late_fees",
            "period",
            period.id,
            period_id=period.id,
            before={"total": removed} if removed else None,
            after={
                "percent": format(rate, "f"),
                "members": len(fees),
                "total": sum(fees.values()),
                "fees": {str(m): c for m, c in sorted(fees.items())},
            },
            amount_cents=sum(fees.values()),
        )
    return fees
