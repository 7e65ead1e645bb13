"""Periods, the records members see (contributions, expenses, payouts, adjustments) and the
double-entry journal.

Every money movement posts a balanced JournalEntry. Postings carry ``member_id`` and a
``category`` so a balance is one GROUP BY. An edit or void never rewrites an entry: it posts
a reversal (and, for an edit, a new entry).
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.extensions import Model
from app.models.base import BigId, Cents, TenantScoped, Voidable, utcnow
from app.models.tenancy import Member


class PeriodStatus(StrEnum):
    OPEN = "open"
    CLOSING = "closing"
    CLOSED = "closed"


class Period(TenantScoped, Model):
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    start_date: Mapped[date]
    end_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default=PeriodStatus.OPEN)
    # A closed period whose opening balances came from a period since reopened.
    stale: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Written by a close (app.services.recompute): a hash of what the split, the tariffs and
    # the balances read from this period, so a recompute can tell whether they changed; and
    # the fund's cash at the period's end, so a later sheet need not sum the whole history.
    inputs_fingerprint: Mapped[str | None] = mapped_column(String(64))
    fund_cash_cents: Mapped[int | None] = mapped_column(Cents)

    @property
    def is_open(self) -> bool:
        return self.status == PeriodStatus.OPEN

    def contains(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


class MemberRecord(TenantScoped, Voidable):
    """One member's dated amount in a period: contributions, payouts, adjustments and service
    charges share these columns and differ in their text and sign."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Cents)
    date: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @declared_attr
    def member(cls) -> Mapped[Member]:
        return relationship()


class Contribution(MemberRecord, Model):
    comment: Mapped[str] = mapped_column(Text, default="")


class Expense(TenantScoped, Voidable, Model):
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Cents)
    date: Mapped[date]
    payment_type: Mapped[str] = mapped_column(String(80))
    # payment_type folded (case, spaces) so expenses find their budget item.
    payment_type_key: Mapped[str] = mapped_column(String(80), index=True)
    vendor: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    paid_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    paid_by: Mapped[Member | None] = relationship()


class Payout(MemberRecord, Model):
    """Money the fund pays a member: an out-of-pocket expense paid back, an overpayment
    refunded."""

    comment: Mapped[str] = mapped_column(Text, default="")


class Adjustment(MemberRecord, Model):
    """A signed correction of one member's balance with its reason: a balance brought over
    from the old books (+ credit, − debt), a write-off. ``amount_cents`` is never zero."""

    reason: Mapped[str] = mapped_column(Text)


class JournalEntry(TenantScoped, Model):
    # Edits and voids look up a record's current entry by its source.
    __table_args__ = (Index("ix_journal_entry_source", "source_type", "source_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    date: Mapped[date]
    # What the entry records: contribution, expense, charge, payout, adjustment, allocation,
    # usage.
    source_type: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int | None] = mapped_column(BigId)
    memo: Mapped[str] = mapped_column(Text, default="")
    # Indexed: a record's current entry is the one no reversal points at.
    reversal_of_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    postings: Mapped[list["Posting"]] = relationship(back_populates="entry", cascade="all, delete-orphan")


class Posting(TenantScoped, Model):
    """One leg of an entry. ``amount_cents`` > 0 is a debit, < 0 a credit."""

    __table_args__ = (
        # A sheet's GROUP BY member and category reads this index alone (index-only scan).
        Index(
            "ix_posting_period_member",
            "period_id",
            "member_id",
            "category",
            postgresql_include=["amount_cents", "community_id"],
        ),
        # Fund cash sums one account across periods.
        Index("ix_posting_account_period", "account", "period_id", postgresql_include=["amount_cents"]),
    )

    # community_id and period_id copy the entry's, whose foreign keys check them: no key (nor a
    # community index) of their own, which a close writing ~15,000 postings paid per row.
    community_id: Mapped[int] = mapped_column(BigId, nullable=False)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), index=True)
    period_id: Mapped[int] = mapped_column(BigId)
    account: Mapped[str] = mapped_column(String(120))
    # Members and properties are never deleted (the database refuses it, migration
    # f7a0c4d1): no per-row key check for what cannot go away.
    member_id: Mapped[int | None] = mapped_column(BigId)
    property_id: Mapped[int | None] = mapped_column(BigId)
    # For member legs: contribution, paid_expense, allocated, usage, service_charge, payout,
    # adjustment.
    category: Mapped[str | None] = mapped_column(String(20))
    payment_type: Mapped[str | None] = mapped_column(String(80))
    amount_cents: Mapped[int] = mapped_column(Cents)

    entry: Mapped[JournalEntry] = relationship(back_populates="postings")
