"""One member's lines behind their balance in a period: "why do I owe this"."""
from sqlalchemy import select

from app.extensions import db
from app.models import (Adjustment, Contribution, Expense, Member, Payout, Period, Property,
                        ServiceCharge)
from app.services.balances import Sheet, sheet as period_sheet
from app.services.community import in_label_order


def statement(period: Period, member: Member, sheet: Sheet | None = None) -> dict:
    sheet = sheet or period_sheet(period)
    row = sheet.row_for(member.id)
    labels = dict(db.session.execute(select(Property.id, Property.label)).all())
    mine = [line for line in sheet.allocation.lines if line.member_id == member.id]

    def records(model, column):
        return list(db.session.execute(select(model).where(
            model.period_id == period.id, model.voided_at.is_(None), column == member.id)
            .order_by(model.date, model.id)).scalars())

    return {
        "period": period, "member": member, "row": row.balance if row else None,
        "contributions": records(Contribution, Contribution.member_id),
        "paid_expenses": records(Expense, Expense.paid_by_member_id),
        "service_charges": records(ServiceCharge, ServiceCharge.member_id),
        "payouts": records(Payout, Payout.member_id),
        "adjustments": records(Adjustment, Adjustment.member_id),
        "allocations": [(line, labels.get(line.property_id, f"#{line.property_id}"))
                        for line in mine if line.kind == "allocated"],
        "usage": [(line, labels.get(line.property_id, f"#{line.property_id}"))
                  for line in mine if line.kind == "usage"],
        "properties": in_label_order(db.session.execute(select(Property).where(
            Property.owner_member_id == member.id)).scalars()),
        "sheet": sheet,
    }
