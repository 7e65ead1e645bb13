"""Server-side login sessions: one row per log-in, so a session can end on the server.

The browser's signed cookie carries a random session key; only its SHA-256 is stored here.
A row per log-in (rather than one version number per user) lets log-out end exactly this
browser's session while the user's other devices stay logged in, and a password change or
reset end all of them at once.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import BigId, utcnow
from app.models.tenancy import User


class LoginSession(Model):
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
