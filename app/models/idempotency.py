"""Idempotency-Key (SPEC §5): the first answer to a user's keyed POST, kept for 24 hours.

Per user, not per community: a key names one request of one client, whatever it touches.
"""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.base import BigId, utcnow


class IdempotentRequest(Model):
    __tablename__ = "idempotent_request"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotent_request_user_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    # sha256 of method, path with query and body: the same key with another request is a 409.
    fingerprint: Mapped[str] = mapped_column(String(64))
    # processing → done (the answer below is replayed) | lost (it wrote, then no answer kept).
    status: Mapped[str] = mapped_column(String(10), default="processing")
    # Set in the same transaction as the request's first commit: "this request wrote".
    committed: Mapped[bool] = mapped_column(Boolean, default=False)
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_headers: Mapped[str | None] = mapped_column(Text)  # JSON: Content-Type, Location
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # A processing row past this is presumed abandoned (its web worker died).
    locked_until: Mapped[datetime]
