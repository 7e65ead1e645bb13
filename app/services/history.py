"""Balances across periods: each member's row per period, oldest first.

Closed periods read the balance snapshot their close wrote — one GROUP BY over
``balance_snapshot`` for all of them. Open (and closing) periods are computed live and rolled
forward from the closings before them (``ledger.balances.roll_forward``), so a run of open
periods costs one live computation each instead of the recursion
``balances.opening_balances`` would do.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import func, select

from app.extensions import db
from app.ledger.balances import MOVEMENT_KEYS, BalanceRow, roll_forward
from app.models import BalanceSnapshot, Period, PeriodStatus
from app.services import balances
from app.services import periods as period_service

# In BalanceRow's field order: the sums below fill it positionally.
SNAPSHOT_COLUMNS = MOVEMENT_KEYS


@dataclass(frozen=True)
class PeriodBalances:
    """Every member's row in one period."""

    period: Period
    rows: dict[int, BalanceRow]
    provisional: bool  # this or an earlier period is not closed: numbers may still change

    @property
    def closings(self) -> dict[int, int]:
        return {member_id: row.closing for member_id, row in self.rows.items()}


@dataclass(frozen=True)
class Point:
    """One member in one period; ``row`` is None when they had nothing in it."""

    period: Period
    row: BalanceRow | None
    provisional: bool

    @property
    def closing(self) -> int:
        return self.row.closing if self.row else 0

    @property
    def opening(self) -> int:
        return self.row.opening if self.row else 0


def snapshot_rows(member_id: int | None = None) -> dict[int, dict[int, BalanceRow]]:
    """period id → member id → row, for every closed period (one query)."""
    query = (
        select(
            BalanceSnapshot.period_id,
            BalanceSnapshot.member_id,
            *(func.sum(getattr(BalanceSnapshot, c)) for c in SNAPSHOT_COLUMNS),
        )
        .join(Period, Period.id == BalanceSnapshot.period_id)
        .where(Period.status == PeriodStatus.CLOSED)
        .group_by(BalanceSnapshot.period_id, BalanceSnapshot.member_id)
    )
    if member_id is not None:
        query = query.where(BalanceSnapshot.member_id == member_id)
    result: dict[int, dict[int, BalanceRow]] = {}
    for period_id, row_member_id, *sums in db.session.execute(query).all():
        result.setdefault(period_id, {})[row_member_id] = BalanceRow(
            row_member_id, *(int(s or 0) for s in sums)
        )
    return result


def all_periods(until: Period | None = None) -> list[PeriodBalances]:
    """Every period's rows in date order (up to and including ``until``).

    A run of open periods rolls forward from the closings before it
    (``ledger.balances.roll_forward``); a closed period is its snapshot.
    """
    closed = snapshot_rows()
    chosen = [p for p in period_service.periods() if until is None or p.start_date <= until.start_date]
    result: list[PeriodBalances] = []
    carried: dict[int, int] = {}
    provisional = False
    for is_closed, grouped in groupby(chosen, key=lambda p: p.status == PeriodStatus.CLOSED):
        run = list(grouped)
        if is_closed:
            rows_per_period = [closed.get(p.id, {}) for p in run]
        else:
            provisional = True
            movements = [balances.period_movements(p, balances.live_allocation(p)) for p in run]
            holder_ids = balances.holders()
            rows_per_period = [
                balances.with_holders(rows, holder_ids) for rows in roll_forward(carried, movements)
            ]
        result.extend(PeriodBalances(p, rows, provisional) for p, rows in zip(run, rows_per_period))
        carried = result[-1].closings
    return result


def member_history(member_id: int) -> list[Point]:
    """One member's row in every period, oldest first."""
    return [Point(p.period, p.rows.get(member_id), p.provisional) for p in all_periods()]


def now_period() -> Period | None:
    """The period whose balance is "now": the current open one, else the latest."""
    current = period_service.current()
    if current is not None:
        return current
    every = period_service.periods()
    return every[-1] if every else None


def point_now(points: list[Point]) -> Point | None:
    period = now_period()
    if period is None:
        return None
    return next((p for p in points if p.period.id == period.id), None)


# --- the chart ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    point: Point
    x: float
    y: float
    width: float
    height: float
    label_x: float
    value_y: float  # where the amount is written: above a credit bar, below a debt bar
    labelled: bool  # crowded charts name every other (third, ...) period, and the last

    @property
    def css(self) -> str:
        closing = self.point.closing
        return "debt" if closing < 0 else "credit" if closing > 0 else "zero"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    zero_y: float
    label_y: float  # the baseline of the period names
    bars: list[Bar]
    show_values: bool  # room enough to write each amount over its bar


def chart(points: list[Point], width: int = 640, height: int = 240) -> Chart:
    """Bar geometry for a closing balance per period, around a zero line. Pure arithmetic:
    the template draws it as SVG with presentation attributes (CSP forbids style="")."""
    top_pad, bottom_pad, side_pad = 24, 54, 8
    values = [p.closing for p in points]
    top, bottom = max([0, *values]), min([0, *values])
    span = (top - bottom) or 1
    inner = height - top_pad - bottom_pad

    def y_of(cents: int) -> float:
        return round(top_pad + (top - cents) * inner / span, 2)

    zero_y = y_of(0)
    slot = (width - 2 * side_pad) / max(len(points), 1)
    bar_width = round(min(slot * 0.6, 80), 2)
    every = max(1, -(-110 // int(slot)))  # a period name needs about 110 units
    bars = []
    for i, point in enumerate(points):
        x = round(side_pad + i * slot + (slot - bar_width) / 2, 2)
        end = y_of(point.closing)
        y, bar_height = min(end, zero_y), round(abs(end - zero_y), 2)
        if point.closing and bar_height < 1:
            bar_height = 1  # a cent of debt still shows
        value_y = round(y - 6 if point.closing >= 0 else y + bar_height + 20, 2)
        labelled = (len(points) - 1 - i) % every == 0
        bars.append(Bar(point, x, y, bar_width, bar_height, round(x + bar_width / 2, 2), value_y, labelled))
    return Chart(width, height, zero_y, height - 8, bars, slot >= 120)
