"""Budget items (a category's budget and split strategy) and meter readings of a period."""

from decimal import Decimal

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.i18n import number
from app.ledger.split import Strategy, tariff_charge
from app.money import MAX_AMOUNT_CENTS
from app.models import BudgetItem, Period, Property, Reading
from app.services import periods
from app.services.lifecycle import RecordLife
from app.services.records import payment_type_key

ITEM_FIELDS = periods.BUDGET_ITEM_FIELDS
READING_FIELDS = ("property_id", "budget_item_id", "start_reading", "end_reading")


def active_items(period_id: int) -> list[BudgetItem]:
    return list(
        db.session.execute(
            select(BudgetItem)
            .where(BudgetItem.period_id == period_id, BudgetItem.voided_at.is_(None))
            .order_by(BudgetItem.payment_type)
        ).scalars()
    )


def budget_item_ids_by_key(period_id: int) -> dict[str, int]:
    return {item.payment_type_key: item.id for item in active_items(period_id)}


def budget_item_id_for(expense) -> int | None:
    return db.session.execute(
        select(BudgetItem.id).where(
            BudgetItem.period_id == expense.period_id,
            BudgetItem.voided_at.is_(None),
            BudgetItem.payment_type_key == expense.payment_type_key,
        )
    ).scalar_one_or_none()


class _BudgetItems(RecordLife):
    def check(self, period: Period, values: dict, row=None) -> dict:
        errors = {}
        values["payment_type_key"] = payment_type_key(values["payment_type"])
        clash = db.session.execute(
            select(BudgetItem.id).where(
                BudgetItem.period_id == period.id,
                BudgetItem.voided_at.is_(None),
                BudgetItem.payment_type_key == values["payment_type_key"],
                BudgetItem.id != (row.id if row else 0),
            )
        ).first()
        if clash:
            errors["payment_type"] = [_("This category already has a budget item in the period.")]
        if values.get("unit_rate") is not None and values["strategy"] != Strategy.USAGE_BASED:
            errors["unit_rate"] = [_("A unit rate only applies to the “by meter” strategy.")]
        if errors:
            raise ValidationFailed(_("The budget item is not valid."), errors)
        return values

    def guard(self, item: BudgetItem, values: dict | None = None) -> None:
        periods.ensure_writable(db.session.get_one(Period, item.period_id))  # that is said first
        if not _has_readings(item):
            return
        if values is None:
            raise Conflict(_("This budget item has meter readings; void them first."))
        if values.get("strategy") != Strategy.USAGE_BASED:
            raise Conflict(_("This budget item has meter readings; void them before changing its strategy."))


def _has_readings(item: BudgetItem) -> bool:
    return (
        db.session.execute(
            select(Reading.id).where(Reading.budget_item_id == item.id, Reading.voided_at.is_(None))
        ).first()
        is not None
    )


def reading_cost(reading: Reading, item: BudgetItem) -> int | None:
    """The tariff charge of a reading, when its item has a unit rate."""
    if item.unit_rate is None:
        return None
    return tariff_charge(reading.end_reading - reading.start_reading, Decimal(item.unit_rate))


def previous_end_reading(period: Period, property_id: int, key: str) -> Decimal | None:
    before = periods.previous(period)
    if before is None:
        return None
    return db.session.execute(
        select(Reading.end_reading)
        .join(BudgetItem, BudgetItem.id == Reading.budget_item_id)
        .where(
            Reading.period_id == before.id,
            Reading.property_id == property_id,
            Reading.voided_at.is_(None),
            BudgetItem.payment_type_key == key,
        )
        .order_by(Reading.id.desc())
        .limit(1)
    ).scalar_one_or_none()


class _Readings(RecordLife):
    def check(self, period: Period, values: dict, row=None) -> dict:
        errors = {}
        prop = db.session.execute(
            select(Property).where(
                Property.id == values["property_id"], Property.community_id == g.community_id
            )
        ).scalar_one_or_none()
        if prop is None:
            errors["property_id"] = [_("No such property in this community.")]
        item = db.session.execute(
            select(BudgetItem).where(
                BudgetItem.id == values["budget_item_id"],
                BudgetItem.period_id == period.id,
                BudgetItem.voided_at.is_(None),
            )
        ).scalar_one_or_none()
        if item is None:
            errors["budget_item_id"] = [_("No such budget item in this period.")]
        elif item.strategy != Strategy.USAGE_BASED:
            errors["budget_item_id"] = [_("Readings belong to a budget item split by meter.")]
        if errors or prop is None or item is None:  # either None has its message in errors
            raise ValidationFailed(_("The reading is not valid."), errors)
        if values.get("start_reading") is None:
            # A meter continues where it stood at the end of the previous period; a new one
            # starts at zero.
            values["start_reading"] = previous_end_reading(period, prop.id, item.payment_type_key) or Decimal(
                "0"
            )
        if values["end_reading"] < values["start_reading"]:
            errors["end_reading"] = [
                _(
                    "The end reading must not be below the start reading (%(start)s).",
                    start=number(values["start_reading"]),
                )
            ]
        elif (
            item.unit_rate is not None
            and tariff_charge(values["end_reading"] - values["start_reading"], item.unit_rate)
            > MAX_AMOUNT_CENTS
        ):
            errors["end_reading"] = [
                _("This consumption would cost more than %(max)s.", max=number(MAX_AMOUNT_CENTS // 100))
            ]
        duplicate = db.session.execute(
            select(Reading.id).where(
                Reading.period_id == period.id,
                Reading.property_id == prop.id,
                Reading.budget_item_id == item.id,
                Reading.voided_at.is_(None),
                Reading.id != (row.id if row else 0),
            )
        ).first()
        if duplicate:
            errors["property_id"] = [_("This property already has a reading for this item; edit that one.")]
        if errors:
            raise ValidationFailed(_("The reading is not valid."), errors)
        return values


BUDGET_ITEMS = _BudgetItems(
    BudgetItem, "budget_item", ITEM_FIELDS, order=("payment_type",), amount="budgeted_cost_cents"
)
READINGS = _Readings(Reading, "reading", READING_FIELDS, order=("budget_item_id", "property_id"), amount=None)
