"""Periods, contributions, expenses, budget items, readings, service charges, payouts and
adjustments."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms.base import (AmountField, BaseForm, DecimalPlacesField, IdField, MultiLineField,
                            StrictDateField, TrimmedStringField, required)
from app.money import MoneyError, parse_amount, to_decimal
from app.words import STATUS_NAMES, STRATEGY_CHOICES, STRATEGY_HELP


def _date(label):
    return StrictDateField(label, [required()])


class SignedAmountField(AmountField):
    """Money that may be negative (an adjustment): non-zero, at most two decimals, and
    within ±1,000,000,000.00; data is signed int cents."""

    def parse(self, text):
        value = to_decimal(text)
        if value == 0:
            raise MoneyError(_l("Enter an amount other than zero; a minus sign makes it a debt."),
                             "not_positive")
        cents = parse_amount(abs(value))
        return -cents if value < 0 else cents


class PeriodForm(BaseForm):
    name = TrimmedStringField(_l("Name"), [required(), Length(max=80)])
    start_date = _date(_l("Start date"))
    end_date = _date(_l("End date"))
    copy_budget_from = IdField(_l("Copy the budget from"), [Optional()])


class PeriodPatchForm(BaseForm):
    name = TrimmedStringField(_l("Name"), [required(), Length(max=80)])
    status = SelectField(_l("Status"), choices=list(STATUS_NAMES.items()))


class ContributionForm(BaseForm):
    member_id = IdField(_l("Member"), [required()])
    amount = AmountField(_l("Amount"), [required()])
    date = _date(_l("Date"))
    comment = MultiLineField(_l("Comment"), [Length(max=2000)])


class ExpenseForm(BaseForm):
    amount = AmountField(_l("Amount"), [required()])
    date = _date(_l("Date"))
    payment_type = TrimmedStringField(_l("Category"), [required(), Length(max=80)])
    vendor = TrimmedStringField(_l("Vendor"), [Length(max=120)])
    description = TextAreaField(_l("Description"), [Optional(), Length(max=2000)])
    paid_by_member_id = IdField(_l("Paid out of pocket by"), [Optional()])


class ServiceChargeForm(BaseForm):
    member_id = IdField(_l("Member"), [required()])
    amount = AmountField(_l("Amount"), [required()])
    date = _date(_l("Date"))
    description = MultiLineField(_l("Description"), [required(), Length(max=2000)])


class PayoutForm(BaseForm):
    member_id = IdField(_l("Member"), [required()])
    amount = AmountField(_l("Amount"), [required()])
    date = _date(_l("Date"))
    comment = MultiLineField(_l("Comment"), [Length(max=2000)])


class AdjustmentForm(BaseForm):
    member_id = IdField(_l("Member"), [required()])
    amount = SignedAmountField(_l("Amount"), [required()])
    date = _date(_l("Date"))
    reason = MultiLineField(_l("Reason"), [required(), Length(max=2000)])


STRATEGIES = STRATEGY_CHOICES  # values are the codes; labels are words


class BudgetItemForm(BaseForm):
    payment_type = TrimmedStringField(_l("Category"), [required(), Length(max=80)])
    budgeted_cost = AmountField(_l("Budgeted cost"), [required()])
    strategy = SelectField(_l("Split strategy"), [required()], choices=STRATEGIES,
                           description=STRATEGY_HELP)
    unit_rate = DecimalPlacesField(_l("Unit rate (tariff)"), [Optional()], places=4, positive=True)


class ReadingForm(BaseForm):
    property_id = IdField(_l("Property"), [required()])
    budget_item_id = IdField(_l("Budget item"), [required()])
    start_reading = DecimalPlacesField(_l("Start reading"), [Optional()], places=3, positive=False)
    end_reading = DecimalPlacesField(_l("End reading"), [required()], places=3, positive=False)
