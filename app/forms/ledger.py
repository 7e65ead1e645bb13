"""Periods, contributions, expenses, budget items, readings, service charges, payouts and
adjustments."""

from flask_babel import lazy_gettext
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms.base import (
    AmountField,
    BaseForm,
    DecimalPlacesField,
    IdField,
    MultiLineField,
    StrictDateField,
    TrimmedStringField,
    required,
)
from app.money import MoneyError, parse_amount, to_decimal
from app.words import STATUSES, STRATEGY_CHOICES, STRATEGY_HELP


def _date(label):
    return StrictDateField(label, [required()])


class SignedAmountField(AmountField):
    """Money that may be negative (an adjustment): non-zero, at most two decimals, and
    within ±1,000,000,000.00; data is signed int cents."""

    def parse(self, text):
        value = to_decimal(text)
        if value == 0:
            raise MoneyError(
                lazy_gettext("Enter an amount other than zero; a minus sign makes it a debt."), "not_positive"
            )
        cents = parse_amount(abs(value))
        return -cents if value < 0 else cents


_TEXT = (TrimmedStringField, TextAreaField)


class RecordForm(BaseForm):
    """The form of one kind of period record, and its mapping to the record service.

    ``FIELDS`` maps each form field to the service's keyword argument, which is also the
    row's attribute: ``values()`` turns a valid form into the service's arguments (a blank
    text is ""), ``initial(row)`` a row into the edit form's data.
    """

    FIELDS: dict[str, str] = {}

    def values(self) -> dict:
        return {
            arg: "" if self[name].data is None and isinstance(self[name], _TEXT) else self[name].data
            for name, arg in self.FIELDS.items()
        }

    @classmethod
    def initial(cls, row) -> dict:
        return {name: getattr(row, arg) for name, arg in cls.FIELDS.items()}


def _same(*names: str) -> dict[str, str]:
    return {name: name for name in names}


class PeriodForm(BaseForm):
    FIELDS = ("name", "start_date", "end_date", "copy_budget_from")
    name = TrimmedStringField(lazy_gettext("Period name"), [required(), Length(max=80)])
    start_date = _date(lazy_gettext("Start date"))
    end_date = _date(lazy_gettext("End date"))
    copy_budget_from = IdField(lazy_gettext("Copy the budget from"), [Optional()])


class PeriodPatchForm(BaseForm):
    name = TrimmedStringField(lazy_gettext("Period name"), [required(), Length(max=80)])
    status = SelectField(lazy_gettext("Status"), choices=list(STATUSES.items()))


class ContributionForm(RecordForm):
    FIELDS = {"amount": "amount_cents", **_same("member_id", "date", "comment")}
    member_id = IdField(lazy_gettext("Member"), [required()])
    amount = AmountField(lazy_gettext("Amount"), [required()])
    date = _date(lazy_gettext("Date"))
    comment = MultiLineField(lazy_gettext("Comment"), [Length(max=2000)])


class ExpenseForm(RecordForm):
    FIELDS = {
        "amount": "amount_cents",
        **_same("date", "payment_type", "vendor", "description", "paid_by_member_id"),
    }
    amount = AmountField(lazy_gettext("Amount"), [required()])
    date = _date(lazy_gettext("Date"))
    payment_type = TrimmedStringField(lazy_gettext("Category"), [required(), Length(max=80)])
    vendor = TrimmedStringField(lazy_gettext("Vendor"), [Length(max=120)])
    description = TextAreaField(lazy_gettext("Description"), [Optional(), Length(max=2000)])
    paid_by_member_id = IdField(lazy_gettext("Paid out of pocket by"), [Optional()])


class ServiceChargeForm(RecordForm):
    FIELDS = {"amount": "amount_cents", **_same("member_id", "date", "description")}
    member_id = IdField(lazy_gettext("Member"), [required()])
    amount = AmountField(lazy_gettext("Amount"), [required()])
    date = _date(lazy_gettext("Date"))
    description = MultiLineField(lazy_gettext("Description"), [required(), Length(max=2000)])


class PayoutForm(RecordForm):
    FIELDS = {"amount": "amount_cents", **_same("member_id", "date", "comment")}
    member_id = IdField(lazy_gettext("Member"), [required()])
    amount = AmountField(lazy_gettext("Amount"), [required()])
    date = _date(lazy_gettext("Date"))
    comment = MultiLineField(lazy_gettext("Comment"), [Length(max=2000)])


class AdjustmentForm(RecordForm):
    FIELDS = {"amount": "amount_cents", **_same("member_id", "date", "reason")}
    member_id = IdField(lazy_gettext("Member"), [required()])
    amount = SignedAmountField(lazy_gettext("Amount"), [required()])
    date = _date(lazy_gettext("Date"))
    reason = MultiLineField(lazy_gettext("Reason"), [required(), Length(max=2000)])


STRATEGIES = STRATEGY_CHOICES  # values are the codes; labels are words


class BudgetItemForm(RecordForm):
    FIELDS = {"budgeted_cost": "budgeted_cost_cents", **_same("payment_type", "strategy", "unit_rate")}
    payment_type = TrimmedStringField(lazy_gettext("Category"), [required(), Length(max=80)])
    budgeted_cost = AmountField(lazy_gettext("Budgeted cost"), [required()])
    strategy = SelectField(
        lazy_gettext("Split strategy"), [required()], choices=STRATEGIES, description=STRATEGY_HELP
    )
    unit_rate = DecimalPlacesField(lazy_gettext("Unit rate (tariff)"), [Optional()], places=4, positive=True)


class ReadingForm(RecordForm):
    FIELDS = _same("property_id", "budget_item_id", "start_reading", "end_reading")
    property_id = IdField(lazy_gettext("Property"), [required()])
    budget_item_id = IdField(lazy_gettext("Budget item"), [required()])
    start_reading = DecimalPlacesField(lazy_gettext("Start reading"), [Optional()], places=3, positive=False)
    end_reading = DecimalPlacesField(lazy_gettext("End reading"), [required()], places=3, positive=False)
