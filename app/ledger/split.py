"""Splitting a period's total over properties (SPEC §2 "Splitting an amount").

The rule is fixed by the spec because owners compare statements to the cent:
round every exact share half-up, then hand the remainder ``d = T - Σr`` out one
cent at a time (+1 or -1) to the largest weights first, ties to the lower
property id. Shares then always sum to exactly ``T``, no share moves more than
one cent away from its rounded value, and the result never depends on the
order in which properties were loaded. Arithmetic is in whole numbers (each weight
as an exact ratio of integers), so no intermediate value is ever rounded by accident.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple


__all__ = [
    "NothingToSplit",
    "PropertyShare",
    "Strategy",
    "Weights",
    "allocate",
    "by_member",
    "item_weights",
    "split_cents",
    "tariff_charge",
]


class NothingToSplit(ValueError):
    """A non-zero total has no weight to be split over.

    Closing a period in this state is refused (409); the caller names the
    category, this error only says why.
    """


class Strategy(StrEnum):
    """How a budget item's per-period total is shared among properties."""

    PROPORTIONAL = "proportional"
    FIXED_FEE = "fixed_fee"
    USAGE_BASED = "usage_based"
    NONE = "none"


class PropertyShare(NamedTuple):
    """The facts about a property that splitting needs (a NamedTuple: thousands per split)."""

    property_id: int
    owner_member_id: int
    share_weight: Decimal
    active: bool


def _ratio(value: Decimal | int, what: str) -> tuple[int, int]:
    """A weight as (numerator, denominator), exactly; floats and non-finite decimals are bugs."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(f"{what} must be int or Decimal, got {type(value).__name__}")
    if isinstance(value, int):
        return value, 1
    if not value.is_finite():
        raise ValueError(f"{what} must be finite, got {value}")
    return value.as_integer_ratio()


def split_cents(total: int, weights: Mapping[int, Decimal | int]) -> dict[int, int]:
    """Split ``total`` cents over ``weights`` (property id -> weight), exactly.

    Returns every input key. Weight-0 keys get 0 and never a remainder cent.
    ``total == 0`` gives all zeros. A non-zero total with no positive weight
    raises ``NothingToSplit``; a negative weight raises ``ValueError``.
    Negative totals (refunds) are split symmetrically.
    """
    _require_cents(total)
    return Weights(weights).split(total)


class Weights:
    """Weights made ready to split totals over: ``split_cents`` for many totals at once.

    A period splits several items over the same share weights; reading each weight as a
    ratio, finding the common denominator and ordering the keys for the remainder happens
    once here instead of once per item.
    """

    __slots__ = ("_numerators", "_order", "_whole", "given")

    def __init__(self, weights: Mapping[int, Decimal | int]):
        self.given = weights  # as the caller gave them (a statement shows them as the basis)
        ratios: dict[int, tuple[int, int]] = {}
        for key, w in weights.items():
            # The common cases inline (a period builds several of these over 2,000 weights);
            # _ratio judges everything else, and says what is wrong.
            if type(w) is Decimal and w.is_finite():
                ratios[key] = w.as_integer_ratio()
            elif type(w) is int:
                ratios[key] = (w, 1)
            else:
                ratios[key] = _ratio(w, f"weight of {key}")
        for key, (n, _) in ratios.items():
            if n < 0:
                raise ValueError(f"weight of {key} is negative: {weights[key]}")
        # Whole numbers only: every weight over one common denominator, so the exact share
        # T·w/W is T·n/N with integers n, N. Same result as Fraction arithmetic (the unit
        # tests check it against Fractions), and a 2,000-weight split takes about a millisecond.
        denominator = math.lcm(*(d for _, d in ratios.values())) if ratios else 1
        self._numerators = {key: n * (denominator // d) for key, (n, d) in ratios.items()}
        self._whole = sum(self._numerators.values())
        self._order: list[tuple[int, int]] | None = None

    def split(self, total: int) -> dict[int, int]:
        """``total`` split as ``split_cents`` splits it."""
        return self.split_and_round(total)[0]

    def split_and_round(self, total: int) -> tuple[dict[int, int], dict[int, int]]:
        """The split, and each key's share rounded half up before the remainder rule (what
        a statement shows as the rounding cent a property took or gave: their difference)."""
        _require_cents(total)
        numerators, whole = self._numerators, self._whole
        if total == 0:
            zeros = dict.fromkeys(numerators, 0)
            return zeros, dict(zeros)
        if whole == 0:
            raise NothingToSplit("There is nothing to split this amount over.")
        sign, size = (1, total) if total > 0 else (-1, -total)
        # round half up (away from zero) of size·n/W is floor((2·size·n + W) / 2W)
        rounded = {key: sign * ((2 * size * n + whole) // (2 * whole)) for key, n in numerators.items()}
        shares = dict(rounded)
        remainder = total - sum(shares.values())
        if remainder:
            # Each rounding moved a share by at most half a cent, so |d| is below
            # the number of positive weights and no key needs a second cent.
            # Largest weight first = largest numerator first (one common denominator), ties
            # to the lower key; plain tuples sort without a key function.
            if self._order is None:
                self._order = sorted((-n, key) for key, n in numerators.items() if n > 0)
            order = self._order
            if abs(remainder) > len(order):  # impossible by the arithmetic above; never silently
                raise ArithmeticError("rounding remainder out of bounds")
            step = 1 if remainder > 0 else -1
            for _, key in order[: abs(remainder)]:
                shares[key] += step
        return shares, rounded


def _require_cents(total: object) -> None:
    if isinstance(total, bool) or not isinstance(total, int):
        raise TypeError(f"total must be int cents, got {type(total).__name__}")


def tariff_charge(consumption: Decimal, unit_rate: Decimal) -> int:
    """Cents charged for one reading in tariff mode.

    ``round_half_up(consumption × unit_rate, 2)`` in currency units, i.e. the
    product in cents rounded half-up to a whole cent (12.345 -> 12.35).
    """
    c, c_den = _ratio(consumption, "consumption")
    rate, rate_den = _ratio(unit_rate, "unit_rate")
    if c < 0:
        raise ValueError(f"consumption is negative: {consumption}")
    if rate < 0:
        raise ValueError(f"unit_rate is negative: {unit_rate}")
    # cents = c·rate·100 exactly, as a ratio of integers; both are >= 0, so half up is
    # floor((2n + d) / 2d), as round_half_up_cents does (the unit tests compare the two).
    n, d = c * rate * 100, c_den * rate_den
    return (2 * n + d) // (2 * d)


def allocate(
    strategy: Strategy | str,
    total: int,
    properties: Sequence[PropertyShare],
    consumption: Mapping[int, Decimal],
    unit_rate: Decimal | None,
) -> dict[int, int]:
    """Split one budget item's period total into property id -> cents.

    - ``proportional``: active properties, weighted by ``share_weight``.
    - ``fixed_fee``: active properties, weight 1 each.
    - ``usage_based`` without ``unit_rate``: weighted by ``consumption``
      (property id -> end − start, summed over that item's readings). Every
      active property is included, at weight 0 if it has no reading; a
      property with a reading is included even if it has since been made
      inactive, because the reading proves it used the service.
    - ``usage_based`` with ``unit_rate`` (tariff mode) and ``none``: ``{}``;
      the total is not split (tariffs are charged per reading elsewhere).

    Raises ``NothingToSplit`` when a non-zero total has nothing to split over,
    and ``ValueError`` for a reading on a property not in ``properties``.
    """
    weights = item_weights(strategy, properties, consumption, unit_rate)
    return {} if weights is None else weights.split(total)


def item_weights(
    strategy: Strategy | str,
    properties: Sequence[PropertyShare],
    consumption: Mapping[int, Decimal],
    unit_rate: Decimal | None,
) -> Weights | None:
    """What ``allocate`` splits an item's total over; None when it is not split."""
    strategy = Strategy(strategy)
    active = [p for p in properties if p.active]
    if strategy is Strategy.NONE:
        return None
    if strategy is Strategy.PROPORTIONAL:
        return Weights({p.property_id: p.share_weight for p in active})
    if strategy is Strategy.FIXED_FEE:
        return Weights({p.property_id: 1 for p in active})
    # USAGE_BASED
    if unit_rate is not None:
        return None
    known = {p.property_id for p in properties}
    unknown = sorted(set(consumption) - known)
    if unknown:
        raise ValueError(f"readings for unknown properties: {unknown}")
    weights: dict[int, Decimal | int] = {p.property_id: 0 for p in active}
    weights.update(consumption)
    return Weights(weights)


def by_member(shares: Mapping[int, int], properties: Sequence[PropertyShare]) -> dict[int, int]:
    """Sum property shares per owner member (a property's share goes to its owner)."""
    owner = {p.property_id: p.owner_member_id for p in properties}
    totals: dict[int, int] = defaultdict(int)
    for property_id, cents in shares.items():
        if property_id not in owner:
            raise ValueError(f"share for unknown property {property_id}")
        totals[owner[property_id]] += cents
    return dict(totals)
