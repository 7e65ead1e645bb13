"""Payment reminders sent to members in debt; one per member per day."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.base import BigId, Cents, TenantScoped, utcnow


class Reminder(TenantScoped, Model):
    __table_args__ = (UniqueConstraint("member_id", "sent_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Cents)
    email: Mapped[str] = mapped_column(String(254))
    sent_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
