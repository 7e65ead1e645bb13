"""SPEC §2 member balances: closing formula, carry-forward, conservation."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.ledger.balances import BalanceRow, Movements, balance_rows, roll_forward, totals


def test_closing_formula():
    # 1000 + 500 + 200 - 300 - 40 - 10 = 1350
    row = BalanceRow(
        member_id=1,
        opening=1000,
        contributions=500,
        paid_expenses=200,
        allocated=300,
        usage=40,
        service_charges=10,
    )
    assert row.closing == 1350


def test_closing_formula_with_payouts_and_adjustments():
    # A member 333300 in credit (paid an expense out of pocket) is paid 300000 back by the
    # fund, and 1250 of old debt is brought over from the previous books:
    # 0 + 0 + 333300 - 0 - 0 - 0 - 300000 + (-1250) = 32050
    row = BalanceRow(
        member_id=1,
        opening=0,
        contributions=0,
        paid_expenses=333300,
        allocated=0,
        usage=0,
        service_charges=0,
        payouts=300000,
        adjustments=-1250,
    )
    assert row.closing == 32050
    # A positive adjustment (a credit from the old books) raises the balance.
    assert BalanceRow(2, -500, 0, 0, 0, 0, 0, 0, 800).closing == 300
    # Rows of the old shape (no payouts, no adjustments) still mean what they meant.
    assert BalanceRow(3, 100, 0, 0, 0, 0, 0) == BalanceRow(3, 100, 0, 0, 0, 0, 0, 0, 0)


def test_movements_add_field_by_field():
    a = Movements(contributions=1, paid_expenses=2, allocated=3, usage=4, service_charges=5)
    b = Movements(contributions=10, allocated=30)
    assert a + b == Movements(11, 2, 33, 4, 5)
    assert Movements() + Movements() == Movements(0, 0, 0, 0, 0)
    assert sum([a, b], Movements()) == a + b
    with pytest.raises(TypeError):
        a + 1


def test_balance_rows_cover_the_union_of_members():
    # member 1 only has an opening, member 2 only movements, member 3 both.
    rows = balance_rows(
        {1: 700, 3: -200},
        {2: Movements(contributions=100), 3: Movements(allocated=50)},
    )
    assert list(rows) == [1, 2, 3]
    assert rows[1] == BalanceRow(1, 700, 0, 0, 0, 0, 0)
    assert rows[1].closing == 700
    assert rows[2].closing == 100  # 0 + 100
    assert rows[3].closing == -250  # -200 - 50


def test_carry_forward_over_three_periods():
    periods = [
        {
            # P1  m1: 0 + 50000 - 30000 = 20000
            #     m2: 0 + 12000 (paid out of pocket) - 20000 = -8000
            1: Movements(contributions=50000, allocated=30000),
            2: Movements(paid_expenses=12000, allocated=20000),
        },
        {
            # P2  m1: 20000 - 1500 (usage) - 500 (service) = 18000
            #     m2: -8000 + 10000 - 1000 = 1000
            #     m3 joins: 0 + 3000 = 3000
            1: Movements(usage=1500, service_charges=500),
            2: Movements(contributions=10000, allocated=1000),
            3: Movements(contributions=3000),
        },
        {
            # P3  m1, m2: no movements, balances carry unchanged: 18000, 1000
            #     m3: 3000 - 4500 = -1500
            3: Movements(allocated=4500),
        },
    ]
    p1, p2, p3 = roll_forward({}, periods)

    assert {m: r.closing for m, r in p1.items()} == {1: 20000, 2: -8000}
    assert {m: r.opening for m, r in p2.items()} == {1: 20000, 2: -8000, 3: 0}
    assert {m: r.closing for m, r in p2.items()} == {1: 18000, 2: 1000, 3: 3000}
    assert {m: r.opening for m, r in p3.items()} == {1: 18000, 2: 1000, 3: 3000}
    assert {m: r.closing for m, r in p3.items()} == {1: 18000, 2: 1000, 3: -1500}
    assert p3[1] == BalanceRow(1, 18000, 0, 0, 0, 0, 0)

    # P2 totals: opening 12000, contributions 13000, paid 0, allocated 1000,
    #   usage 1500, service 500 -> closing 12000 + 13000 - 1000 - 1500 - 500 = 22000
    assert totals(p2.values()) == {
        "opening": 12000,
        "contributions": 13000,
        "paid_expenses": 0,
        "allocated": 1000,
        "usage": 1500,
        "service_charges": 500,
        "payouts": 0,
        "adjustments": 0,
        "closing": 22000,
    }


def test_roll_forward_starts_from_a_given_opening():
    # Recomputing from period k onward starts from period k-1's closing.
    (only,) = roll_forward({5: 250}, [{5: Movements(allocated=100)}])
    assert only[5].opening == 250
    assert only[5].closing == 150
    assert roll_forward({5: 250}, []) == []


def test_totals_of_nothing_are_zero():
    assert totals([]) == {
        "opening": 0,
        "contributions": 0,
        "paid_expenses": 0,
        "allocated": 0,
        "usage": 0,
        "service_charges": 0,
        "payouts": 0,
        "adjustments": 0,
        "closing": 0,
    }


# --- conservation ---------------------------------------------------------------

cents = st.integers(min_value=-(10**11), max_value=10**11)
member_ids = st.integers(min_value=1, max_value=30)
movements = st.builds(
    Movements,
    contributions=cents,
    paid_expenses=cents,
    allocated=cents,
    usage=cents,
    service_charges=cents,
    payouts=st.integers(min_value=0, max_value=10**11),
    adjustments=cents,
)
period = st.dictionaries(member_ids, movements, max_size=10)


@given(st.dictionaries(member_ids, cents, max_size=10), st.lists(period, max_size=6))
def test_closing_sums_are_conserved(opening, periods):
    previous_closing = dict(opening)
    for rows, period_movements in zip(roll_forward(opening, periods), periods):
        t = totals(rows.values())
        assert t["closing"] == (
            t["opening"]
            + t["contributions"]
            + t["paid_expenses"]
            - t["allocated"]
            - t["usage"]
            - t["service_charges"]
            - t["payouts"]
            + t["adjustments"]
        )
        # carry-forward: every member's opening is the previous closing (0 if new)
        for member_id, row in rows.items():
            assert row.opening == previous_closing.get(member_id, 0)
        # nobody with a balance drops out; a zero alone makes no row (SPEC §5 "Rows")
        assert {m for m, c in previous_closing.items() if c} <= set(rows)
        assert all(previous_closing.get(m) or m in period_movements for m in rows)
        previous_closing = {m: r.closing for m, r in rows.items()}


@given(st.dictionaries(member_ids, cents, max_size=10), st.lists(period, min_size=1, max_size=6))
def test_final_closing_equals_opening_plus_all_movements(opening, periods):
    result = roll_forward(opening, periods)
    summed = sum((m for p in periods for m in p.values()), Movements())
    expected = (
        sum(opening.values())
        + summed.contributions
        + summed.paid_expenses
        - summed.allocated
        - summed.usage
        - summed.service_charges
        - summed.payouts
        + summed.adjustments
    )
    assert totals(result[-1].values())["closing"] == expected


@given(cents, st.integers(min_value=1, max_value=10**11), cents.filter(bool))
def test_a_payout_lowers_and_an_adjustment_moves_the_closing_by_exactly_its_amount(
    opening, payout, adjustment
):
    base = balance_rows({1: opening}, {1: Movements(contributions=700)})[1]
    paid = balance_rows({1: opening}, {1: Movements(contributions=700, payouts=payout)})[1]
    adjusted = balance_rows({1: opening}, {1: Movements(contributions=700, adjustments=adjustment)})[1]
    assert paid.closing == base.closing - payout
    assert adjusted.closing == base.closing + adjustment
    # ...and carries into the next period unchanged.
    _, after = roll_forward({1: opening}, [{1: Movements(payouts=payout, adjustments=adjustment)}, {}])
    carried = after[1].opening if 1 in after else 0  # a zero closing is not carried (no row)
    assert carried == opening - payout + adjustment
