"""One member's statement for a period: "why do I owe this".

``statement(period, member)`` returns a ``Statement``: the member's records and split lines
behind their balance, and the same as one list of ``StatementLine``s. The page, the CSV and
the PDF (app.web.owner.documents) and the API render this one value, so they never
disagree. Each line's ``amount`` is its effect on the balance (credit +, charge −): opening
plus every line's amount is the closing balance, to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from fractions import Fraction

from flask import g
from flask_babel import gettext as _, lazy_gettext
from sqlalchemy import select

from app import i18n
from app.extensions import db
from app.ledger.allocation import Line
from app.ledger.balances import BalanceRow
from app.models import Adjustment, Contribution, Expense, Member, Payout, Period, Property, ServiceCharge
from app.services import billing, periods as period_service
from app.services.balances import Sheet, sheet as period_sheet
from app.services.community import in_label_order

SECTIONS = {
    "opening": lazy_gettext("Opening balance"),
    "contribution": lazy_gettext("Contributions"),
    "paid_expense": lazy_gettext("Expenses you paid"),
    "allocated": lazy_gettext("Your share of costs"),
    "usage": lazy_gettext("Metered usage"),
    "service_charge": lazy_gettext("Service charges"),
    "payout": lazy_gettext("Paid back to you"),
    "adjustment": lazy_gettext("Adjustments"),
    "closing": lazy_gettext("Closing balance"),
}


@dataclass(frozen=True)
class StatementLine:
    section: str
    amount: int  # cents; + raises the balance, − lowers it
    description: str
    date: date | None = None
    property: str = ""
    strategy: str = ""
    basis: Decimal | None = None  # share weight, 1 (fixed fee) or consumption
    basis_total: Decimal | None = None
    unit_rate: Decimal | None = None
    total: int | None = None  # the category's total that was split
    exact: Fraction | None = None  # the exact share in cents, before rounding
    rounding: int = 0  # the rounding cent that came to this property
    readings: tuple = field(default=())  # (start, end) meter readings behind the basis


@dataclass(frozen=True)
class Statement:
    period: Period
    member: Member
    row: BalanceRow | None  # the member's row of the sheet (None: nothing in it)
    sheet: Sheet
    previous: Period | None  # where the opening balance comes from
    properties: list[Property]
    contributions: list[Contribution]
    paid_expenses: list[Expense]
    service_charges: list[ServiceCharge]
    payouts: list[Payout]
    adjustments: list[Adjustment]
    allocations: list[tuple[Line, str]]  # (split line, property label)
    usage: list[tuple[Line, str]]
    lines: list[StatementLine]
    closing: int
    # A closed period's balance comes from its snapshot; its split details are recomputed
    # from today's properties and weights. False when those have changed since.
    consistent: bool

    @property
    def by_section(self) -> dict[str, list[StatementLine]]:
        return {s: [x for x in self.lines if x.section == s] for s in SECTIONS}

    def context(self) -> dict:
        """The statement as a template's variables."""
        return {f.name: getattr(self, f.name) for f in fields(self)} | {"by_section": self.by_section}


def statement(period: Period, member: Member) -> Statement:
    sheet = period_sheet(period)
    sheet_row = sheet.row_for(member.id)
    row = sheet_row.balance if sheet_row else None
    labels = dict(db.session.execute(select(Property.id, Property.label)).all())
    mine = [line for line in sheet.allocation.lines if line.member_id == member.id]
    properties = in_label_order(
        db.session.execute(select(Property).where(Property.owner_member_id == member.id)).scalars()
    )

    def records(model, column):
        return list(
            db.session.execute(
                select(model)
                .where(model.period_id == period.id, model.voided_at.is_(None), column == member.id)
                .order_by(model.date, model.id)
            ).scalars()
        )

    def split(kind):
        return [
            (line, labels.get(line.property_id, f"#{line.property_id}")) for line in mine if line.kind == kind
        ]

    parts = dict(
        contributions=records(Contribution, Contribution.member_id),
        paid_expenses=records(Expense, Expense.paid_by_member_id),
        service_charges=records(ServiceCharge, ServiceCharge.member_id),
        payouts=records(Payout, Payout.member_id),
        adjustments=records(Adjustment, Adjustment.member_id),
        allocations=split("allocated"),
        usage=split("usage"),
    )
    before = period_service.previous(period)
    lines = _lines(period, before, row, sheet, properties, **parts)
    computed = sum(line.amount for line in lines[:-1])
    return Statement(
        period=period,
        member=member,
        row=row,
        sheet=sheet,
        previous=before,
        properties=properties,
        **parts,
        lines=lines,
        closing=lines[-1].amount,
        consistent=computed == lines[-1].amount,
    )


def _lines(
    period,
    before,
    row,
    sheet,
    properties,
    *,
    contributions,
    paid_expenses,
    service_charges,
    payouts,
    adjustments,
    allocations,
    usage,
) -> list[StatementLine]:
    """Opening, every record and split line, closing."""
    rates = {item.id: item.unit_rate for item in sheet.items}
    property_ids = {p.id for p in properties} | {line.property_id for line, _ in allocations + usage}
    readings: dict[tuple[int, int], list] = {}
    for r in billing.READINGS.listing(period):
        if r.property_id in property_ids:
            readings.setdefault((r.property_id, r.budget_item_id), []).append(
                (r.start_reading, r.end_reading)
            )
    lines = [
        StatementLine(
            "opening",
            row.opening if row else 0,
            _("Closing balance of %(period)s", period=before.name) if before else _("No earlier period"),
        )
    ]
    lines += [
        StatementLine("contribution", c.amount_cents, c.comment or _("Payment"), c.date)
        for c in contributions
    ]
    lines += [
        StatementLine(
            "paid_expense",
            e.amount_cents,
            " — ".join(x for x in (e.payment_type, e.vendor, e.description) if x),
            e.date,
        )
        for e in paid_expenses
    ]
    for line, label in allocations:
        exact = Fraction(line.total) * Fraction(line.basis) / Fraction(line.basis_total)
        lines.append(
            StatementLine(
                "allocated",
                -line.cents,
                line.payment_type,
                property=label,
                strategy=line.strategy,
                basis=line.basis,
                basis_total=line.basis_total,
                total=line.total,
                exact=exact,
                rounding=line.rounding,
                readings=tuple(readings.get((line.property_id, line.item_id), ())),
            )
        )
    for line, label in usage:
        lines.append(
            StatementLine(
                "usage",
                -line.cents,
                line.payment_type,
                property=label,
                strategy=line.strategy,
                basis=line.basis,
                unit_rate=rates.get(line.item_id),
                readings=tuple(readings.get((line.property_id, line.item_id), ())),
            )
        )
    lines += [
        StatementLine("service_charge", -c.amount_cents, charge_text(c), c.date) for c in service_charges
    ]
    lines += [
        StatementLine("payout", -p.amount_cents, p.comment or _("Paid back to you by the fund"), p.date)
        for p in payouts
    ]
    lines += [StatementLine("adjustment", a.amount_cents, a.reason, a.date) for a in adjustments]
    closing = row.closing if row else sum(line.amount for line in lines)
    lines.append(
        StatementLine(
            "closing",
            closing,
            _("Closing balance") if period.status == "closed" else _("Balance so far (provisional)"),
            period.end_date,
        )
    )
    return lines


def late_fee_text(charge, currency: str | None = None) -> str:
    """A late fee's arithmetic: "3% of €1,200.00 overdue = €36.00"."""
    currency = currency or g.community.currency
    return _(
        "%(percent)s%% of %(overdue)s overdue = %(amount)s",
        percent=i18n.number(charge.late_fee_percent),
        overdue=i18n.money(charge.overdue_cents or 0, currency),
        amount=i18n.money(charge.amount_cents, currency),
    )


def charge_text(charge) -> str:
    """A service charge's description; a late fee's with its arithmetic."""
    if getattr(charge, "is_late_fee", False):
        return f"{_('Late fee')}: {late_fee_text(charge)}"
    return charge.description
