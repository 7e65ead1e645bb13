"""Users, communities (tenants), their members and properties, and API tokens."""

import secrets
from datetime import datetime
from decimal import Decimal

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.extensions import Model
from app.models.base import BigId, TenantScoped, utcnow


def new_nonce() -> str:
    return secrets.token_hex(16)


class User(UserMixin, Model):
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Stored lower-cased: emails compare case-insensitively (SPEC §1).
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Signed into password-reset links; a new one on every reset or change kills old links.
    reset_nonce: Mapped[str] = mapped_column(String(32), default=new_nonce)
    # The language chosen with ?lang= (SPEC §7); None: the browser's, else the community's.
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list["Member"]] = relationship(back_populates="user")


class Community(Model):
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    owners_see_balance_sheet: Mapped[bool] = mapped_column(Boolean, default=False)
    # The community's language: pages when neither the user nor the browser chose one, and
    # every mail to its members (SPEC §7).
    locale: Mapped[str] = mapped_column(String(8), default="en")
    payment_details: Mapped[str] = mapped_column(Text, default="")
    # SPEC §2 "Late fee": percent of the overdue debt a close charges; 0 = off.
    late_fee_percent: Mapped[Decimal] = mapped_column(Numeric(7, 4), default=Decimal("0"), server_default="0")
    # Structured payee details for the payment QR (SPEC §6), as the treasurer typed them;
    # app.payment_codes compacts account numbers when it builds a payload.
    payee_name: Mapped[str] = mapped_column(String(200), default="")
    payee_account: Mapped[str] = mapped_column(String(64), default="")
    payee_bank_name: Mapped[str] = mapped_column(String(200), default="")
    payee_bic: Mapped[str] = mapped_column(String(16), default="")
    payee_corr_account: Mapped[str] = mapped_column(String(32), default="")
    payee_tax_id: Mapped[str] = mapped_column(String(16), default="")
    payee_tax_reg: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Member(TenantScoped, Model):
    """A person in one community; money is tracked per member.

    ``email`` is empty for a member without an account (the treasurer keeps their money
    anyway); ``user_id`` is empty until an invited person accepts the invite. A removed
    member (``removed_at``) keeps every record and balance but has no access any more.
    """

    # Several members may have no email: NULLs never collide in a unique constraint.
    __table_args__ = (UniqueConstraint("community_id", "email"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(10), default="owner")
    invite_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime | None]
    joined_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship(back_populates="memberships")
    community: Mapped[Community] = relationship()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def removed(self) -> bool:
        return self.removed_at is not None


def label_key(label: str) -> str:
    """Property labels are unique per community ignoring case and spacing."""
    return " ".join((label or "").split()).casefold()


class Property(TenantScoped, Model):
    __table_args__ = (UniqueConstraint("community_id", "label_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    label: Mapped[str] = mapped_column(String(80))
    # Kept in step with ``label`` on every assignment; casefold may lengthen text ("ß").
    label_key: Mapped[str] = mapped_column(String(255))
    share_weight: Mapped[Decimal] = mapped_column(Numeric(16, 4))
    owner_member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[Member] = relationship()

    @validates("label")
    def _keep_label_key(self, _name, label):
        self.label_key = label_key(label)
        return label


class ApiToken(Model):
    """A bearer token. Only its SHA-256 is stored; the token is shown once."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(80), default="API token")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
