"""Budget items with their split strategy, meter readings, service charges, and the
balance snapshot a close writes."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import BigId, Cents, TenantScoped, Voidable, utcnow
from app.models.ledger import MemberRecord
from app.models.tenancy import Property


class BudgetItem(TenantScoped, Voidable, Model):
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    payment_type: Mapped[str] = mapped_column(String(80))
    payment_type_key: Mapped[str] = mapped_column(String(80))
    budgeted_cost_cents: Mapped[int] = mapped_column(Cents)
    strategy: Mapped[str] = mapped_column(String(20))
    unit_rate: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reading(TenantScoped, Voidable, Model):
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("property.id"), index=True)
    budget_item_id: Mapped[int] = mapped_column(ForeignKey("budget_item.id"), index=True)
    start_reading: Mapped[Decimal] = mapped_column(Numeric(18, 3))
    end_reading: Mapped[Decimal] = mapped_column(Numeric(18, 3))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    prop: Mapped[Property] = relationship()
    budget_item: Mapped[BudgetItem] = relationship()

    @property
    def consumption(self) -> Decimal:
        return self.end_reading - self.start_reading


class ChargeKind:
    MANUAL = "manual"  # typed by an admin
    LATE_FEE = "late_fee"  # written by the close (app.services.late_fees), never by hand


class ServiceCharge(MemberRecord, Model):
    description: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10), default=ChargeKind.MANUAL, server_default=ChargeKind.MANUAL)
    # A late fee's arithmetic as the close computed it: percent of the overdue debt.
    late_fee_percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))
    overdue_cents: Mapped[int | None] = mapped_column(Cents)

    @property
    def is_late_fee(self) -> bool:
        return self.kind == ChargeKind.LATE_FEE


class BalanceSnapshot(TenantScoped, Model):
    """Each member's final balance of a closed period; the next period opens from it."""

    __table_args__ = (UniqueConstraint("period_id", "member_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    # Members are never deleted (the database refuses it, migration f7a0c4d1): no per-row
    # key check, which a close writing 2,000 snapshots paid (~30 ms).
    member_id: Mapped[int] = mapped_column(BigId)
    opening: Mapped[int] = mapped_column(Cents)
    contributions: Mapped[int] = mapped_column(Cents)
    paid_expenses: Mapped[int] = mapped_column(Cents)
    allocated: Mapped[int] = mapped_column(Cents)
    usage: Mapped[int] = mapped_column(Cents)
    service_charges: Mapped[int] = mapped_column(Cents)
    payouts: Mapped[int] = mapped_column(Cents, default=0, server_default="0")
    adjustments: Mapped[int] = mapped_column(Cents, default=0, server_default="0")
    closing: Mapped[int] = mapped_column(Cents)


class AllocationLine(TenantScoped, Model):
    """How a close split each budget item, property by property: the explanation behind
    a closed period's allocated and usage columns, kept as it was at the close (later
    changes to share weights or owners do not rewrite an old statement)."""

    # No foreign keys: a close writes ~14,000 of these rows from the period, items, properties
    # and members it has just read under the period's lock, and nothing deletes those rows;
    # a key check per row and column cost the close ~0.4 s (bench/README.md).
    community_id: Mapped[int] = mapped_column(BigId, nullable=False)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    period_id: Mapped[int] = mapped_column(BigId, index=True)
    item_id: Mapped[int] = mapped_column(BigId)
    payment_type: Mapped[str] = mapped_column(String(80))
    strategy: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10))  # allocated or usage
    property_id: Mapped[int] = mapped_column(BigId)
    member_id: Mapped[int] = mapped_column(BigId, index=True)
    cents: Mapped[int] = mapped_column(Cents)
    basis: Mapped[Decimal] = mapped_column(Numeric(24, 4))
    basis_total: Mapped[Decimal] = mapped_column(Numeric(24, 4))
    total: Mapped[int] = mapped_column(Cents)
    rounding: Mapped[int] = mapped_column(Cents)
