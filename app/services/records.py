"""Contributions, expenses, service charges, payouts and adjustments: record, edit, void.

All five follow the record life cycle (app.services.lifecycle) and post a journal entry;
what is theirs: the date must be inside the period, the members a row names must be usable,
an expense finds its budget item by category, and a late fee is not edited by hand.
"""

from dataclasses import dataclass

from flask import g
from flask_babel import gettext as _

from app.errors import ValidationFailed
from app.i18n import date as date_text
from app.models import Adjustment, Contribution, Expense, Payout, Period, ServiceCharge
from app.services import audit, journal, late_fees, members, one_write
from app.services.lifecycle import RecordLife
from app.services.periods import ensure_writable


def payment_type_key(payment_type: str) -> str:
    """Expenses find their budget item by category, ignoring case and spacing."""
    return " ".join(payment_type.split()).casefold()


@dataclass(frozen=True)
class Kind(RecordLife):
    member_fields: tuple[str, ...] = ()  # the member ids a row names (usable members only)

    def check(self, period: Period, values: dict, row=None) -> dict:
        _validate(self, period, values, row)
        return self._derived(values)

    def _derived(self, values: dict) -> dict:
        if self is EXPENSE and "payment_type" in values:
            values["payment_type_key"] = payment_type_key(values["payment_type"])
        return values

    def create(self, period: Period, **values):
        """On PostgreSQL one statement writes the row, its journal entry, postings and audit
        row (app.services.one_write); elsewhere the shared life cycle's ORM path."""
        if not one_write.available() or self.legs is None:
            return super().create(period, **values)
        ensure_writable(period)
        return self._one_write(period.id, self.check(period, values))  # unguarded: it writes

    def create_in(self, period_id: int, **values):
        """The API's create. On PostgreSQL the one statement also checks what ``create``
        would read first — the period is this community's, open and holds the date; the
        members it names are this community's and not removed — and writes nothing when any
        of that fails; then the ordinary path reads the rows and says what was wrong. A
        write is then two round trips: the login's read and this statement."""
        if one_write.available() and self.legs is not None and 0 < period_id < 2**63:
            named = [values[f] for f in self.member_fields if values.get(f) is not None]
            guard = one_write.Guard(period_id, g.community_id, values.get("date"), tuple(named))
            row = self._one_write(period_id, self._derived(dict(values)), guard)
            if row is not None:
                return row
        return super().create_in(period_id, **values)

    def _one_write(self, period_id: int, values: dict, guard=None):
        if self.legs is None:
            raise TypeError(f"{self.entity} posts no journal entry: no one-statement write")
        row = self.model(community_id=g.community_id, period_id=period_id, **values)
        one_write.fill_defaults(row)  # the audit snapshot sees what a flush would have set
        audit_row = audit.values(
            "create", self.entity, None, period_id=period_id, after=audit.snapshot(row, self.fields)
        )
        if not one_write.write(row, self.entity, self.legs(row), audit_row, guard):
            return None
        audit.log_line({**audit_row, "entity_id": row.id}, row.amount_cents)
        return row

    def guard(self, row, values: dict | None = None) -> None:
        if self is CHARGE:  # a late fee is the close's output, not an admin's record (409)
            late_fees.ensure_editable(row)


CONTRIBUTION = Kind(
    Contribution,
    "contribution",
    ("member_id", "amount_cents", "date", "comment"),
    journal.contribution_legs,
    member_fields=("member_id",),
)
EXPENSE = Kind(
    Expense,
    "expense",
    ("amount_cents", "date", "payment_type", "vendor", "description", "paid_by_member_id"),
    journal.expense_legs,
    member_fields=("paid_by_member_id",),
)
CHARGE = Kind(
    ServiceCharge,
    "charge",
    ("member_id", "amount_cents", "date", "description"),
    journal.charge_legs,
    member_fields=("member_id",),
)
PAYOUT = Kind(
    Payout,
    "payout",
    ("member_id", "amount_cents", "date", "comment"),
    journal.payout_legs,
    member_fields=("member_id",),
)
ADJUSTMENT = Kind(
    Adjustment,
    "adjustment",
    ("member_id", "amount_cents", "date", "reason"),
    journal.adjustment_legs,
    member_fields=("member_id",),
)
KINDS = {k.entity: k for k in (CONTRIBUTION, EXPENSE, CHARGE, PAYOUT, ADJUSTMENT)}


def _validate(kind: Kind, period: Period, values: dict, row=None) -> None:
    errors: dict[str, list[str]] = {}
    if "date" in values and not period.contains(values["date"]):
        errors["date"] = [
            _(
                "The date must be within the period (%(start)s – %(end)s).",
                start=date_text(period.start_date),
                end=date_text(period.end_date),
            )
        ]
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
