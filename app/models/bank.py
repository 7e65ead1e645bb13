"""Bank imports (SPEC §6): a statement file read into lines, each matched, reviewed, confirmed.

A line keeps what the statement said (date, signed amount, counterparty, purpose), the
suggestion or the treasurer's fix (a member for money in, a category for money out), the
period its date falls in, its status, and once confirmed the record it became. Its
``fingerprint`` (date, amount, counterparty and purpose, normalized) finds the same line in
a later statement: that one is a ``duplicate``.
"""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import BigId, Cents, TenantScoped, utcnow


class LineStatus:
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    DUPLICATE = "duplicate"
    SKIPPED = "skipped"


class BankImport(TenantScoped, Model):
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The parsing job (progress for a big file); the file waits here until it is parsed.
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    lines: Mapped[list["BankImportLine"]] = relationship(
        back_populates="bank_import", order_by="BankImportLine.id"
    )


class BankImportLine(TenantScoped, Model):
    __table_args__ = (
        Index("ix_bank_import_line_fingerprint", "community_id", "fingerprint"),
        Index("ix_bank_import_line_counterparty", "community_id", "counterparty_key"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("bank_import.id"), index=True)
    line: Mapped[int] = mapped_column(Integer)  # where it starts in the file
    date: Mapped[date]
    amount_cents: Mapped[int] = mapped_column(Cents)  # signed: < 0 is money out
    counterparty: Mapped[str] = mapped_column(String(200), default="")
    counterparty_key: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(12))  # contribution or expense
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    payment_type: Mapped[str | None] = mapped_column(String(80))
    period_id: Mapped[int | None] = mapped_column(ForeignKey("period.id"))
    status: Mapped[str] = mapped_column(String(10))
    fingerprint: Mapped[str] = mapped_column(String(64))
    # The record a confirm made of it; set once, so confirming again makes nothing.
    contribution_id: Mapped[int | None] = mapped_column(ForeignKey("contribution.id"))
    expense_id: Mapped[int | None] = mapped_column(ForeignKey("expense.id"))
    confirmed_at: Mapped[datetime | None]

    bank_import: Mapped[BankImport] = relationship(back_populates="lines")

    @property
    def recorded(self) -> bool:
        return self.contribution_id is not None or self.expense_id is not None
