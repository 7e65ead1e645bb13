"""A whole period's allocation (SPEC §2), from its aggregated inputs. Pure.

Per budget item: the period's expenses of that category are summed first and the total is
split once by the item's strategy; in tariff mode each reading is charged instead. The result
lists one line per property and item, with what a statement needs to explain it: the basis
(weight or consumption), the total split, and the rounding cent a property took, if any.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from app.ledger.split import NothingToSplit, PropertyShare, Strategy, Weights, item_weights, tariff_charge


@dataclass(frozen=True)
class Item:
    id: int
    payment_type: str
    key: str
    strategy: str
    unit_rate: Decimal | None
    budgeted: int


class ReadingInput(NamedTuple):  # thousands per split: a tuple is cheaper to build
    id: int
    property_id: int
    budget_item_id: int
    consumption: Decimal


class Line(NamedTuple):
    """One property's part of one item: ``kind`` is allocated (a split) or usage (a tariff).

    A NamedTuple, not a frozen dataclass: a close makes ~14,000 of them, and a frozen
    dataclass's ``__init__`` (``object.__setattr__`` per field) cost ~5x as much."""

    item_id: int
    payment_type: str
    strategy: str
    kind: str
    property_id: int
    member_id: int
    cents: int
    basis: Decimal  # share weight, 1 (fixed fee) or consumption
    basis_total: Decimal  # the sum of the bases the total was split over
    total: int  # the item's total split (tariff: the unit rate's charge)
    rounding: int  # cents taken (+1) or given (−1) by the remainder rule


@dataclass
class PeriodAllocation:
    lines: list[Line] = field(default_factory=list)
    # Categories not split: (payment_type, amount cents, reason)
    unassigned: list[tuple[str, int, str]] = field(default_factory=list)

    def by_member(self, kind: str) -> dict[int, int]:
        result: dict[int, int] = {}
        for line in self.lines:
            if line.kind == kind:
                result[line.member_id] = result.get(line.member_id, 0) + line.cents
        return result


def allocate_period(
    items: Sequence[Item],
    expense_totals: Mapping[str, tuple[str, int]],
    properties: Sequence[PropertyShare],
    readings: Sequence[ReadingInput],
) -> PeriodAllocation:
    """``expense_totals``: category key → (display name, cents)."""
    result = PeriodAllocation()
    owner = {p.property_id: p.owner_member_id for p in properties}
    shared_weights: dict[str, tuple[Weights, dict[int, Decimal], Decimal]] = {}
    items_by_key = {item.key: item for item in items}
    for key, (name, cents) in sorted(expense_totals.items()):
        if key not in items_by_key and cents:
            result.unassigned.append((name, cents, "no budget item"))
    for item in items:
        _, total = expense_totals.get(item.key, (item.payment_type, 0))
        item_readings = [r for r in readings if r.budget_item_id == item.id]
        if item.strategy == Strategy.USAGE_BASED and item.unit_rate is not None:
            for r in item_readings:
                result.lines.append(
                    Line(
                        item.id,
                        item.payment_type,
                        item.strategy,
                        "usage",
                        r.property_id,
                        owner[r.property_id],
                        tariff_charge(r.consumption, item.unit_rate),
                        r.consumption,
                        r.consumption,
                        0,
                        0,
                    )
                )
            continue
        if item.strategy == Strategy.NONE or total == 0:
            continue
        consumption: dict[int, Decimal] = {}
        for r in item_readings:
            consumption[r.property_id] = consumption.get(r.property_id, Decimal(0)) + r.consumption
        # Proportional and fixed-fee items split over the same weights: prepared once.
        shared = item.strategy in (Strategy.PROPORTIONAL, Strategy.FIXED_FEE)
        prepared = shared_weights.get(item.strategy) if shared else None
        if prepared is None:
            weights = item_weights(item.strategy, properties, consumption, item.unit_rate)
            if weights is None:  # not split: "none" and tariff items are handled above
                continue
            bases = {key: Decimal(weight) for key, weight in weights.given.items()}
            prepared = (weights, bases, sum(bases.values(), Decimal(0)))
            if shared:
                shared_weights[item.strategy] = prepared
        weights, bases, basis_total = prepared
        try:
            shares, rounded_shares = weights.split_and_round(total)
        except NothingToSplit:
            reason = (
                "no readings with consumption"
                if item.strategy == Strategy.USAGE_BASED
                else "no active properties"
            )
            result.unassigned.append((item.payment_type, total, reason))
            continue
        for property_id, cents in sorted(shares.items()):
            basis = bases.get(property_id, Decimal(0))
            if basis == 0 and cents == 0:
                continue
            rounded = rounded_shares[property_id]
            result.lines.append(
                Line(
                    item.id,
                    item.payment_type,
                    item.strategy,
                    "allocated",
                    property_id,
                    owner[property_id],
                    cents,
                    basis,
                    basis_total,
                    total,
                    cents - rounded,
                )
            )
    return result
