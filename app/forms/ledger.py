"""Periods, contributions, expenses, budget items, readings, service charges, payouts and
adjustments."""
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms.base import (AmountField, BaseForm, DecimalPlacesField, IdField,
                            TrimmedStringField, required)
from app.ledger.split import Strategy
from app.money import MoneyError, parse_amount, to_decimal


def _date(label):
    return DateField(label, [required()], format="%Y-%m-%d")


class SignedAmountField(AmountField):
    """Money that may be negative (an adjustment): non-zero, at most two decimals, and
    within ±1,000,000,000.00; data is signed int cents."""

    def parse(self, text):
        value = to_decimal(text)
        if value == 0:
            raise MoneyError("Enter an amount other than zero; a minus sign makes it a debt.",
                             "not_positive")
        cents = parse_amount(abs(value))
        return -cents if value < 0 else cents


class PeriodForm(BaseForm):
    name = TrimmedStringField("Name", [required(), Length(max=80)])
    start_date = _date("Start date")
    end_date = _date("End date")
    copy_budget_from = IdField("Copy the budget from", [Optional()])


class PeriodPatchForm(BaseForm):
    name = TrimmedStringField("Name", [required(), Length(max=80)])
    status = SelectField("Status", choices=[("open", "open"), ("closing", "closing"),
                                            ("closed", "closed")])


class ContributionForm(BaseForm):
    member_id = IdField("Member", [required()])
    amount = AmountField("Amount", [required()])
    date = _date("Date")
    comment = TrimmedStringField("Comment", [Length(max=500)])


class ExpenseForm(BaseForm):
    amount = AmountField("Amount", [required()])
    date = _date("Date")
    payment_type = TrimmedStringField("Category", [required(), Length(max=80)])
    vendor = TrimmedStringField("Vendor", [Length(max=120)])
    description = TextAreaField("Description", [Optional(), Length(max=2000)])
    paid_by_member_id = IdField("Paid out of pocket by", [Optional()])


class ServiceChargeForm(BaseForm):
    member_id = IdField("Member", [required()])
    amount = AmountField("Amount", [required()])
    date = _date("Date")
    description = TrimmedStringField("Description", [required(), Length(max=500)])


class PayoutForm(BaseForm):
    member_id = IdField("Member", [required()])
    amount = AmountField("Amount", [required()])
    date = _date("Date")
    comment = TextAreaField("Comment", [Optional(), Length(max=2000)])


class AdjustmentForm(BaseForm):
    member_id = IdField("Member", [required()])
    amount = SignedAmountField("Amount", [required()])
    date = _date("Date")
    reason = TextAreaField("Reason", [required(), Length(max=2000)])


STRATEGIES = [(s.value, s.value.replace("_", " ")) for s in Strategy]


class BudgetItemForm(BaseForm):
    payment_type = TrimmedStringField("Category", [required(), Length(max=80)])
    budgeted_cost = AmountField("Budgeted cost", [required()])
    strategy = SelectField("Split strategy", choices=STRATEGIES, default="proportional")
    unit_rate = DecimalPlacesField("Unit rate (tariff)", [Optional()], places=4, positive=True)


class ReadingForm(BaseForm):
    property_id = IdField("Property", [required()])
    budget_item_id = IdField("Budget item", [required()])
    start_reading = DecimalPlacesField("Start reading", [Optional()], places=3, positive=False)
    end_reading = DecimalPlacesField("End reading", [required()], places=3, positive=False)
