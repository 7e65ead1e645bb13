"""Background work a user can watch: the page polls this row, not Celery's result store."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.base import BigId, TenantScoped, utcnow


class Job(TenantScoped, Model):
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    period_id: Mapped[int | None] = mapped_column(ForeignKey("period.id"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # The lease of a running job (app.services.jobs): the execution holding it (a random
    # token) and when it last said it was alive. A lease without a heartbeat for
    # JOB_LEASE_SECONDS is swept and the job dispatched again.
    runner: Mapped[str | None] = mapped_column(String(32))
    heartbeat_at: Mapped[datetime | None]

    @property
    def done(self) -> bool:
        return self.status in ("succeeded", "failed")
