"""The data model, one module per area. Importing this package registers every table."""

from app.models.base import TenantScoped, utcnow  # noqa: F401
from app.models.tenancy import ApiToken, Community, Member, Property, User  # noqa: F401
from app.models.sessions import LoginSession  # noqa: F401
from app.models.ledger import (  # noqa: F401
    Adjustment,
    Contribution,
    Expense,
    JournalEntry,
    Payout,
    Period,
    Posting,
    PeriodStatus,
)
from app.models.billing import (  # noqa: F401
    AllocationLine,
    BalanceSnapshot,
    BudgetItem,
    Reading,
    ChargeKind,
    ServiceCharge,
)
from app.models.jobs import Job  # noqa: F401
from app.models.bank import BankImport, BankImportLine, LineStatus  # noqa: F401
from app.models.audit import AuditEntry  # noqa: F401
from app.models.reminders import Reminder  # noqa: F401
from app.models.idempotency import IdempotentRequest  # noqa: F401
