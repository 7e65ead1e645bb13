"""A quarter closed and a quarter open, with every kind of record, for the demo."""

from datetime import date
from decimal import Decimal

from flask import g
from sqlalchemy import select

from app.extensions import db
from app.models import Property
from app.services import billing, periods, records
from app.services.closing import write_close


def load(owners) -> list[str]:
    anna, ben, chloe = owners
    year = date.today().year
    q1 = periods.create(name=f"{year} Q1", start_date=date(year, 1, 1), end_date=date(year, 3, 31))
    q2 = periods.create(name=f"{year} Q2", start_date=date(year, 4, 1), end_date=date(year, 6, 30))
    for period, month in ((q1, 1), (q2, 4)):
        billing.BUDGET_ITEMS.create(
            period,
            payment_type="Security",
            budgeted_cost_cents=90000,
            strategy="proportional",
            unit_rate=None,
        )
        billing.BUDGET_ITEMS.create(
            period, payment_type="Cleaning", budgeted_cost_cents=30000, strategy="fixed_fee", unit_rate=None
        )
        water = billing.BUDGET_ITEMS.create(
            period,
            payment_type="Water",
            budgeted_cost_cents=20000,
            strategy="usage_based",
            unit_rate=Decimal("2.1500"),
        )
        for owner, amount in ((anna, 60000), (ben, 40000), (chloe, 35000)):
            records.CONTRIBUTION.create(
                period,
                member_id=owner.id,
                amount_cents=amount,
                date=date(year, month, 10),
                comment="Quarterly dues",
            )
        records.EXPENSE.create(
            period,
            amount_cents=87550,
            date=date(year, month + 1, 2),
            payment_type="Security",
            vendor="SafeGuard Ltd",
            description="Night watch",
            paid_by_member_id=None,
        )
        records.EXPENSE.create(
            period,
            amount_cents=29999,
            date=date(year, month + 1, 15),
            payment_type="Cleaning",
            vendor="Sparkle",
            description="Stairs and hall",
            paid_by_member_id=ben.id,
        )
        records.EXPENSE.create(
            period,
            amount_cents=18720,
            date=date(year, month + 2, 1),
            payment_type="Water",
            vendor="City Water",
            description="Bulk meter",
            paid_by_member_id=None,
        )
        records.CHARGE.create(
            period,
            member_id=chloe.id,
            amount_cents=2500,
            date=date(year, month + 1, 20),
            description="Replacement key",
        )
        props = db.session.execute(select(Property).order_by(Property.id)).scalars().all()
        for index, prop in enumerate(props[:3]):
            start = Decimal(100 * index + (0 if period is q1 else 30))
            billing.READINGS.create(
                period,
                property_id=prop.id,
                budget_item_id=water.id,
                start_reading=start,
                end_reading=start + Decimal("27.5") + index * 3,
            )
    g.actor_email = "demo"
    write_close(q1)
    return [f"Periods: {q1.name} (closed), {q2.name} (open)"]
