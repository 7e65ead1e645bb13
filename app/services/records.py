"""Contributions, expenses, service charges, payouts and adjustments: record, edit, void.

All five follow one life cycle, so they share it: check the period is open and the date is
inside it, write the row, post its journal entry, audit. An edit reverses and re-posts; a
void hides the row and reverses its entry.
"""
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.i18n import date as date_text
from app.models import Adjustment, Contribution, Expense, Payout, Period, ServiceCharge
from app.models.base import utcnow
from app.services import audit, journal, late_fees, members, one_write
from app.services.periods import ensure_writable


def payment_type_key(payment_type: str) -> str:
    """Expenses find their budget item by category, ignoring case and spacing."""
    return " ".join(payment_type.split()).casefold()


@dataclass(frozen=True)
class Kind:
    model: type[Any]
    entity: str
    fields: tuple[str, ...]
    legs: Callable
    member_fields: tuple[str, ...]

    # The same life cycle as budget items and readings offer (see services.billing).
    def create(self, period, **values):
        return create(self, period, **values)

    def edit(self, row, **values):
        return edit(self, row, **values)

    def void(self, row):
        return void(self, row)

    def listing(self, period, **filters):
        return listing(self, period, **filters)


CONTRIBUTION = Kind(Contribution, "contribution", ("member_id", "amount_cents", "date", "comment"),
                    journal.contribution_legs, ("member_id",))
EXPENSE = Kind(Expense, "expense", ("amount_cents", "date", "payment_type", "vendor",
                                    "description", "paid_by_member_id"),
               journal.expense_legs, ("paid_by_member_id",))
CHARGE = Kind(ServiceCharge, "charge", ("member_id", "amount_cents", "date", "description"),
              journal.charge_legs, ("member_id",))
PAYOUT = Kind(Payout, "payout", ("member_id", "amount_cents", "date", "comment"),
              journal.payout_legs, ("member_id",))
ADJUSTMENT = Kind(Adjustment, "adjustment", ("member_id", "amount_cents", "date", "reason"),
                  journal.adjustment_legs, ("member_id",))
KINDS = {k.entity: k for k in (CONTRIBUTION, EXPENSE, CHARGE, PAYOUT, ADJUSTMENT)}


def _validate(kind: Kind, period: Period, values: dict, row=None) -> None:
    errors: dict[str, list[str]] = {}
    if "date" in values and not period.contains(values["date"]):
        errors["date"] = [_("The date must be within the period (%(start)s – %(end)s).",
                            start=date_text(period.start_date),
                            end=date_text(period.end_date))]
    for field in kind.member_fields:
        member_id = values.get(field)
        if member_id is None:
            continue
        try:
            # A removed member's old records can be corrected; new ones are refused.
            members.usable(member_id, field, current=getattr(row, field, None))
        except ValidationFailed as error:
            errors.update(error.fields)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)


def _prepare(kind: Kind, values: dict) -> dict:
    if kind is EXPENSE and "payment_type" in values:
        values["payment_type_key"] = payment_type_key(values["payment_type"])
    return values


def create(kind: Kind, period: Period, **values):
    ensure_writable(period)
    _validate(kind, period, values)
    row = kind.model(community_id=g.community_id, period_id=period.id, **_prepare(kind, values))
    if one_write.available():
        one_write.fill_defaults(row)  # the audit snapshot sees what a flush would have set
        audit_row = audit.values("create", kind.entity, None, period_id=period.id,
                                 after=audit.snapshot(row, kind.fields))
        one_write.write(row, kind.entity, kind.legs(row), audit_row)
        audit.log_line({**audit_row, "entity_id": row.id}, row.amount_cents)
        return row
    db.session.add(row)
    db.session.flush()
    journal.post(period.id, row.date, kind.entity, row.id, f"{kind.entity} #{row.id}",
                 kind.legs(row))
    audit.record("create", kind.entity, row.id, period_id=period.id,
                 after=audit.snapshot(row, kind.fields), amount_cents=row.amount_cents)
    return row


def _ensure_by_hand(kind: Kind, row) -> None:
    """A late fee is the close's output, not an admin's record (409)."""
    if kind is CHARGE:
        late_fees.ensure_editable(row)


def edit(kind: Kind, row, **values):
    _ensure_by_hand(kind, row)
    period = db.session.get_one(Period, row.period_id)
    ensure_writable(period)
    _validate(kind, period, values, row)
    before = audit.snapshot(row, kind.fields)
    for name, value in _prepare(kind, values).items():
        setattr(row, name, value)
    after = audit.snapshot(row, kind.fields)
    if after == before:
        return row
    db.session.flush()
    journal.reverse(kind.entity, row.id, row.date, f"edit of {kind.entity} #{row.id}")
    journal.post(period.id, row.date, kind.entity, row.id, f"{kind.entity} #{row.id} (edited)",
                 kind.legs(row))
    audit.record("edit", kind.entity, row.id, period_id=period.id, before=before, after=after,
                 amount_cents=row.amount_cents)
    return row


def void(kind: Kind, row) -> None:
    _ensure_by_hand(kind, row)
    period = db.session.get_one(Period, row.period_id)
    ensure_writable(period)
    row.voided_at = utcnow()
    journal.reverse(kind.entity, row.id, row.date, f"void of {kind.entity} #{row.id}")
    audit.record("void", kind.entity, row.id, period_id=period.id,
                 before=audit.snapshot(row, kind.fields), amount_cents=row.amount_cents)


def listing(kind: Kind, period: Period, **filters) -> list:
    query = select(kind.model).where(kind.model.period_id == period.id,
                                     kind.model.voided_at.is_(None))
    for name, value in filters.items():
        if value is not None:
            query = query.where(getattr(kind.model, name) == value)
    return list(db.session.execute(query.order_by(kind.model.date, kind.model.id)).scalars())
