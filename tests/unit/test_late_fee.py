"""SPEC §2 "Late fee", pure: fee = round_half_up(overdue × percent / 100) with
overdue = −(opening + contributions) when positive; and ``carry``, which moves later
periods' closings by a changed opening and a recomputed fee."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from app.ledger.balances import BalanceRow
from app.ledger.late_fee import LaterPeriod, carry, late_fee, late_fees, overdue

cents = st.integers(min_value=-(10**11), max_value=10**11)
percents = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    "opening, contributions, percent, fee",
    [
        (-120000, 0, Decimal("3"), 3600),  # 3 % of 1,200.00 overdue = 36.00
        (-120000, 20000, Decimal("3"), 3000),  # paid 200.00 of it: 3 % of 1,000.00
        (-120000, 120000, Decimal("3"), 0),  # paid it all
        (-120000, 150000, Decimal("3"), 0),  # paid more
        (50000, 0, Decimal("3"), 0),  # came in with a credit
        (-120000, 0, Decimal("0"), 0),  # off
        (-50, 0, Decimal("1"), 1),  # 0.5 cent rounds half up
        (-49, 0, Decimal("1"), 0),  # 0.49 cent rounds down: no fee
        (-150, 0, Decimal("1"), 2),  # 1.5 → 2
        (-100001, 0, Decimal("2.5"), 2500),  # 2500.025 → 2500
        (-3333, 0, Decimal("12.3456"), 411),  # 411.478848 → 411
        (-999, 0, Decimal("100"), 999),  # 100 %: the whole debt again
    ],
)
def test_late_fee_by_hand(opening, contributions, percent, fee):
    assert late_fee(opening, contributions, percent) == fee


def test_late_fee_refuses_floats_and_out_of_range():
    with pytest.raises(TypeError):
        late_fee(-100, 0, 3.0)
    with pytest.raises(ValueError):
        late_fee(-100, 0, Decimal("100.0001"))
    with pytest.raises(ValueError):
        late_fee(-100, 0, Decimal("-1"))


@given(cents, cents, percents)
def test_late_fee_is_the_rounded_exact_percentage(opening, contributions, percent):
    fee = late_fee(opening, contributions, percent)
    owed = overdue(opening, contributions)
    exact = Fraction(owed) * Fraction(percent) / 100
    assert owed == max(0, -(opening + contributions))
    assert abs(Fraction(fee) - exact) <= Fraction(1, 2)
    # halves go up, never down
    assert fee == int(exact + Fraction(1, 2)) if owed else fee == 0
    assert 0 <= fee <= owed


@given(cents, cents, percents, percents)
def test_a_higher_percent_never_charges_less(opening, contributions, low, high):
    low, high = sorted((low, high))
    assert late_fee(opening, contributions, low) <= late_fee(opening, contributions, high)


@given(
    st.dictionaries(st.integers(1, 50), cents, max_size=20),
    st.dictionaries(st.integers(1, 50), st.integers(0, 10**9), max_size=20),
    percents,
)
def test_late_fees_lists_every_non_zero_fee(opening, contributions, percent):
    fees = late_fees(opening, contributions, percent)
    for member in set(opening) | set(contributions):
        fee = late_fee(opening.get(member, 0), contributions.get(member, 0), percent)
        assert fees.get(member, 0) == fee
    assert all(fees.values())


# --- carry: a correction moving through later closed periods -----------------------------


def full_close(opening: dict, movements: dict, percent) -> tuple[dict, dict]:
    """A later period closed from scratch: fee from opening + contributions, then the
    closing formula with the fee in service charges. Returns (closing, fees)."""
    closing, fees = {}, {}
    for m in set(opening) | set(movements):
        contributions, other = movements.get(m, (0, 0))
        fee = late_fee(opening.get(m, 0), contributions, percent)
        if fee:
            fees[m] = fee
        row = BalanceRow(m, opening.get(m, 0), contributions, 0, other, 0, fee)
        closing[m] = row.closing
    return closing, fees


members = st.integers(1, 6)
movement = st.tuples(st.integers(0, 10**6), st.integers(0, 10**6))  # contributions, allocated


@given(
    st.dictionaries(members, st.integers(-(10**6), 10**6)),
    st.dictionaries(members, st.integers(-(10**6), 10**6)),
    st.lists(st.dictionaries(members, movement), min_size=1, max_size=4),
    percents,
)
def test_carry_equals_closing_every_later_period_again(old_first, new_first, later, percent):
    """What the last closes wrote, shifted by ``carry``, equals closing them all again."""
    written, carried = [], old_first
    for movements in later:
        closing, fees = full_close(carried, movements, percent)
        written.append(
            LaterPeriod(
                opening=dict(carried),
                closing=closing,
                fees=fees,
                contributions={m: c for m, (c, _) in movements.items()},
            )
        )
        carried = closing

    shifted = carry(new_first, written, percent)

    expected, carried = [], new_first
    for movements in later:
        closing, _ = full_close(carried, movements, percent)
        expected.append(closing)
        carried = closing
    assert len(shifted) == len(expected)
    for got, want in zip(shifted, expected):
        keys = set(got) | set(want)
        assert {m: got.get(m, 0) for m in keys} == {m: want.get(m, 0) for m in keys}


def test_carry_by_hand():
    # Q2 was closed with Bea opening at −1,000.00, paying nothing: 10 % fee 100.00,
    # allocated 50.00 → closing −1,150.00. A correction makes her Q1 closing −400.00:
    # fee 40.00, closing −400.00 − 50.00 − 40.00 = −490.00.
    q2 = LaterPeriod(opening={2: -100000}, contributions={}, closing={2: -115000}, fees={2: 10000})
    assert carry({2: -40000}, [q2], Decimal("10")) == [{2: -49000}]
