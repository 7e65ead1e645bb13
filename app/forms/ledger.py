"""Periods, contributions, expenses, budget items, readings and service charges."""
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms.base import (AmountField, BaseForm, DecimalPlacesField, IdField, MultiLineField,
                            StrictDateField, TrimmedStringField, required)
from app.ledger.split import Strategy


def _date(label):
    return StrictDateField(label, [required()])


class PeriodForm(BaseForm):
    name = TrimmedStringField("Name", [required(), Length(max=80)])
    start_date = _date("Start date")
    end_date = _date("End date")


class PeriodPatchForm(BaseForm):
    name = TrimmedStringField("Name", [required(), Length(max=80)])
    status = SelectField("Status", choices=[("open", "open"), ("closing", "closing"),
                                            ("closed", "closed")])


class ContributionForm(BaseForm):
    member_id = IdField("Member", [required()])
    amount = AmountField("Amount", [required()])
    date = _date("Date")
    comment = MultiLineField("Comment", [Length(max=2000)])


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
    description = MultiLineField("Description", [required(), Length(max=2000)])


STRATEGIES = [(s.value, s.value.replace("_", " ")) for s in Strategy]


class BudgetItemForm(BaseForm):
    payment_type = TrimmedStringField("Category", [required(), Length(max=80)])
    budgeted_cost = AmountField("Budgeted cost", [required()])
    strategy = SelectField("Split strategy", [required()], choices=STRATEGIES)
    unit_rate = DecimalPlacesField("Unit rate (tariff)", [Optional()], places=4, positive=True)


class ReadingForm(BaseForm):
    property_id = IdField("Property", [required()])
    budget_item_id = IdField("Budget item", [required()])
    start_reading = DecimalPlacesField("Start reading", [Optional()], places=3, positive=False)
    end_reading = DecimalPlacesField("End reading", [required()], places=3, positive=False)
