"""Shared column helpers and the marker for tenant tables."""

from datetime import datetime, UTC

from sqlalchemy import BigInteger, ForeignKey, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

# SQLite only autoincrements INTEGER primary keys; PostgreSQL gets BIGINT.
BigId = BigInteger().with_variant(Integer(), "sqlite")
# Money in integer cents. BIGINT holds 9.2e16 cents, far past any community's ledger.
Cents = BigInteger


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class TenantScoped:
    """A row that belongs to one community. app.tenancy scopes every ORM query on these."""

    @declared_attr
    def community_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("community.id"), index=True, nullable=False)


class Voidable:
    """Financial records are never deleted: a void hides them from lists and sums."""

    voided_at: Mapped[datetime | None] = mapped_column(default=None)
