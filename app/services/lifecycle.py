"""The life cycle every kind of period record shares: create, edit, void, list.

Contributions, expenses, service charges, payouts, adjustments (app.services.records),
budget items and readings (app.services.billing) are each a ``RecordLife``: a write checks
the period is open, refuses what the kind forbids (``guard``), validates the values
(``check``), writes the row, posts its journal entry when the kind moves money (``legs``)
and writes an audit row. An edit that changes nothing writes nothing; one that does
reverses the entry and posts it again. A void hides the row (``voided_at``) and reverses
its entry. The request or the task owns the transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import g
from sqlalchemy import select

from app.extensions import db
from app.models import Period
from app.models.base import utcnow
from app.services import audit, journal
from app.services.periods import ensure_writable
from app.tenancy import get_or_404


@dataclass(frozen=True)
class RecordLife:
    model: Any  # the row's model class
    entity: str  # the audit log's and the journal's name of the kind
    fields: tuple[str, ...]  # what the audit log keeps of a row
    legs: Callable | None = None  # a row → its journal legs; None: posts nothing
    order: tuple[str, ...] = ("date", "id")
    amount: str | None = "amount_cents"  # the column the money log names

    def check(self, period: Period, values: dict, row=None) -> dict:
        """The values to write (raise ValidationFailed); ``row`` is the one being edited."""
        return values

    def guard(self, row, values: dict | None = None) -> None:
        """Refuse (Conflict) an edit (with its ``values``) or a void (None) of ``row``;
        asked before whether the period is open."""

    def create_in(self, period_id: int, **values):
        """``create`` in the period with this id (the API's path): not found unless it is
        this community's."""
        return self.create(get_or_404(Period, period_id), **values)

    def create(self, period: Period, **values):
        ensure_writable(period)
        row = self.model(community_id=g.community_id, period_id=period.id, **self.check(period, values))
        db.session.add(row)
        db.session.flush()
        if self.legs is not None:
            journal.post(period.id, row.date, self.entity, row.id, f"{self.entity} #{row.id}", self.legs(row))
        audit.record(
            "create",
            self.entity,
            row.id,
            period_id=period.id,
            after=audit.snapshot(row, self.fields),
            amount_cents=self._amount(row),
        )
        return row

    def edit(self, row, **values):
        self.guard(row, values)
        period = db.session.get_one(Period, row.period_id)
        ensure_writable(period)
        values = self.check(period, values, row)
        before = audit.snapshot(row, self.fields)
        for name, value in values.items():
            setattr(row, name, value)
        after = audit.snapshot(row, self.fields)
        if after == before:
            return row
        db.session.flush()
        if self.legs is not None:
            journal.reverse(self.entity, row.id, row.date, f"edit of {self.entity} #{row.id}")
            journal.post(
                period.id, row.date, self.entity, row.id, f"{self.entity} #{row.id} (edited)", self.legs(row)
            )
        audit.record(
            "edit",
            self.entity,
            row.id,
            period_id=period.id,
            before=before,
            after=after,
            amount_cents=self._amount(row),
        )
        return row

    def void(self, row) -> None:
        self.guard(row)
        ensure_writable(db.session.get_one(Period, row.period_id))
        row.voided_at = utcnow()
        if self.legs is not None:
            journal.reverse(self.entity, row.id, row.date, f"void of {self.entity} #{row.id}")
        audit.record(
            "void",
            self.entity,
            row.id,
            period_id=row.period_id,
            before=audit.snapshot(row, self.fields),
            amount_cents=self._amount(row),
        )

    def listing(self, period: Period, **filters) -> list:
        """The period's rows that are not voided; filters with value None are ignored."""
        query = select(self.model).where(self.model.period_id == period.id, self.model.voided_at.is_(None))
        for name, value in filters.items():
            if value is not None:
                query = query.where(getattr(self.model, name) == value)
        order = [getattr(self.model, column) for column in self.order]
        return list(db.session.execute(query.order_by(*order)).scalars())

    def _amount(self, row) -> int | None:
        return getattr(row, self.amount) if self.amount else None
