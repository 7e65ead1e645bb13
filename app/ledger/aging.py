"""Receivables aging (SPEC §6 "Receivables"): who owes at the latest closed period, since
when, and in which bucket.

For each member in debt at the latest closed period, the debt runs *since* the earliest
closed period from which their closing balance has stayed negative in every later closed
period. Days overdue count from that period's end date to today (never below 0); buckets
are 0-30, 31-60, 61-90 (day 90 included) and 90+.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

__all__ = ["BUCKETS", "ClosedPeriod", "Receivable", "bucket", "receivables"]

BUCKETS = ("0-30", "31-60", "61-90", "90+")


@dataclass(frozen=True)
class ClosedPeriod:
    id: int
    end_date: date
    closings: Mapping[int, int]  # member id → closing balance in cents (absent = 0)


@dataclass(frozen=True)
class Receivable:
    member_id: int
    debt: int  # cents, > 0
    since_period_id: int
    days_overdue: int
    bucket: str


def bucket(days: int) -> str:
    if days <= 30:
        return "0-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


def receivables(closed: Sequence[ClosedPeriod], today: date) -> list[Receivable]:
    """Every member in debt at the last of ``closed`` (closed periods in date order)."""
    if not closed:
        return []
    latest = closed[-1]
    result = []
    for member_id, closing in latest.closings.items():
        if closing >= 0:
            continue
        since = latest
        for period in reversed(closed[:-1]):
            if period.closings.get(member_id, 0) >= 0:
                break
            since = period
        days = max(0, (today - since.end_date).days)
        result.append(Receivable(member_id, -closing, since.id, days, bucket(days)))
    return sorted(result, key=lambda r: r.member_id)
