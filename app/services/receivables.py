"""Receivables (SPEC §6): who owes at the latest closed period, how much, since which
period, how many days, in which aging bucket; and reminding a chosen few of them.

Closing balances come from the snapshots the closes wrote (``history.snapshot_rows``, one
query for every closed period); the aging itself is the pure ``app.ledger.aging``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.ledger import aging
from app.models import Member, Period, PeriodStatus
from app.money import format_cents
from app.services import history, reminders

SORTS = ("debt", "days", "name")


@dataclass(frozen=True)
class Row:
    member: Member
    debt: int  # cents, > 0
    since: Period
    days_overdue: int
    bucket: str

    def as_json(self) -> dict:
        return {
            "member_id": self.member.id,
            "name": self.member.name,
            "debt": format_cents(self.debt),
            "since_period_id": self.since.id,
            "days_overdue": self.days_overdue,
            "bucket": self.bucket,
        }


def today() -> date:
    return date.today()


def check_sort(sort: str | None) -> str:
    if sort in (None, ""):
        return "debt"
    if sort not in SORTS:
        raise ValidationFailed(
            _("Unknown sort."), {"sort": [_("Sort by one of: %(sorts)s.", sorts=", ".join(SORTS))]}
        )
    return sort


def rows(sort: str = "debt", on: date | None = None) -> list[Row]:
    """Every member in debt at the latest closed period. Sorted by ``debt`` (largest first),
    ``days`` (longest overdue first) or ``name``; ties by name, then id."""
    closed = list(
        db.session.execute(
            select(Period).where(Period.status == PeriodStatus.CLOSED).order_by(Period.start_date)
        ).scalars()
    )
    snapshots = history.snapshot_rows()
    found = aging.receivables(
        [
            aging.ClosedPeriod(
                p.id, p.end_date, {m: row.closing for m, row in snapshots.get(p.id, {}).items()}
            )
            for p in closed
        ],
        on or today(),
    )
    if not found:
        return []
    by_id = {p.id: p for p in closed}
    members = {
        m.id: m
        for m in db.session.execute(
            select(Member).where(Member.id.in_([r.member_id for r in found]))
        ).scalars()
    }
    result = [
        Row(members[r.member_id], r.debt, by_id[r.since_period_id], r.days_overdue, r.bucket) for r in found
    ]
    by_name = sorted(result, key=lambda r: (r.member.name.casefold(), r.member.id))
    if sort == "debt":
        return sorted(by_name, key=lambda r: -r.debt)
    if sort == "days":
        return sorted(by_name, key=lambda r: -r.days_overdue)
    return by_name


def bucket_totals(found: list[Row]) -> list[tuple[str, int, int]]:
    """(bucket, members, debt in cents) for each aging bucket, in order."""
    return [
        (name, sum(1 for r in found if r.bucket == name), sum(r.debt for r in found if r.bucket == name))
        for name in aging.BUCKETS
    ]


@dataclass(frozen=True)
class ReminderPlan:
    """What "remind these" would do: who gets a reminder now and for how much (their debt
    now, as the reminder states it), and who is left out and why."""

    to_remind: list[reminders.Debtor]
    reminded_today: list[reminders.Debtor]
    not_in_debt: list[Member]
    unreachable: list[Member]  # no email address, or removed: no mail can reach them

    @property
    def total(self) -> int:
        return sum(d.owed for d in self.to_remind)

    @property
    def member_ids(self) -> list[int]:
        return [d.member.id for d in self.to_remind]


def reminder_plan(member_ids: list[int]) -> ReminderPlan:
    _, debtors = reminders.debtors()
    wanted = set(member_ids)
    chosen = [d for d in debtors if d.member.id in wanted]
    in_debt = {d.member.id for d in chosen}
    gone = (
        []
        if not wanted - in_debt
        else list(
            db.session.execute(
                select(Member).where(Member.id.in_(wanted - in_debt)).order_by(Member.name)
            ).scalars()
        )
    )
    return ReminderPlan(
        [d for d in chosen if not d.reminded_today],
        [d for d in chosen if d.reminded_today],
        [m for m in gone if m.email and not m.removed],
        [m for m in gone if not m.email or m.removed],
    )


def remind(member_ids: list[int]):
    """Queue reminders for the chosen members through the reminders job."""
    plan = reminder_plan(member_ids)
    return plan, (reminders.queue(plan.member_ids) if plan.member_ids else [])
