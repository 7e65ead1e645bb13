"""app.ledger.recompute.shift_period: a later period moved by a new opening (SPEC §2, §3)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.ledger.balances import BalanceRow, Movements, balance_rows
from app.ledger.late_fee import late_fees, overdue
from app.ledger.recompute import Fee, shift_period


def row(member_id, opening=0, contributions=0, allocated=0, service_charges=0, **rest):
    return BalanceRow(
        member_id,
        opening,
        contributions,
        rest.get("paid_expenses", 0),
        allocated,
        rest.get("usage", 0),
        service_charges,
        rest.get("payouts", 0),
        rest.get("adjustments", 0),
    )


def test_opening_moves_closing_by_the_same_amount_without_late_fee():
    stored = {1: row(1, opening=-10_000, contributions=5_000, allocated=20_000)}
    result = shift_period(stored, {}, {1: -2_500}, 0, holders={1})
    assert result.rows[1].opening == -2_500
    assert result.rows[1].closing == stored[1].closing + 7_500 == -17_500
    assert result.changed == {1: result.rows[1]} and not result.fees_changed


def test_late_fee_is_taken_out_and_charged_again():
    # Stored: opened at −1,000.00, paid 200.00, fee 3 % of 800.00 = 24.00 (in service charges).
    stored = {2: row(2, opening=-100_000, contributions=20_000, service_charges=2_400 + 1_000)}
    fees = {2: Fee(2_400, 80_000, Decimal("3"))}
    result = shift_period(stored, fees, {2: -50_000}, Decimal("3"), holders={2})
    # New overdue 500 − 200 = 300.00 → 9.00; the 10.00 manual charge stays.
    assert result.fees == {2: Fee(900, 30_000, Decimal("3"))}
    assert result.rows[2].service_charges == 1_900
    assert result.rows[2].closing == -50_000 + 20_000 - 1_900
    assert result.fees_changed == {2}


def test_fee_disappears_when_the_debt_is_paid():
    stored = {3: row(3, opening=-10_000, service_charges=300)}
    result = shift_period(stored, {3: Fee(300, 10_000, Decimal(3))}, {3: 0}, Decimal(3), holders={3})
    assert result.fees == {} and result.fees_changed == {3}
    assert result.rows[3] == row(3)


def test_a_member_opening_at_zero_with_nothing_else_has_no_row_unless_a_holder():
    stored = {4: row(4, opening=-500), 5: row(5, opening=-500)}
    result = shift_period(stored, {}, {}, 0, holders={5})
    assert result.dropped == {4}
    assert set(result.rows) == {5} and result.rows[5] == row(5)


def test_a_member_with_a_new_opening_gets_a_row():
    result = shift_period({}, {}, {6: -1_000}, Decimal("10"), holders=())
    assert result.added == {6: row(6, opening=-1_000, service_charges=100)}
    assert result.fees == {6: Fee(100, 1_000, Decimal("10"))}


def test_nothing_changes_when_the_opening_is_the_same():
    stored = {7: row(7, opening=-3_000, contributions=1_000, service_charges=60)}
    fees = {7: Fee(60, 2_000, Decimal(3))}
    assert shift_period(stored, fees, {7: -3_000}, Decimal(3), holders={7}).unchanged


def test_a_new_percent_rewrites_the_fee_even_at_the_same_amount():
    stored = {8: row(8, opening=-1_000, service_charges=0)}
    result = shift_period(stored, {}, {8: -1_000}, Decimal(0), holders={8})
    assert result.unchanged
    fees = {8: Fee(30, 1_000, Decimal(3))}
    stored = {8: row(8, opening=-1_000, service_charges=30)}
    assert shift_period(stored, fees, {8: -1_000}, Decimal("3.0000"), holders={8}).unchanged


members = st.integers(1, 6)
movement = st.integers(0, 50_000)


@given(
    st.dictionaries(members, st.tuples(movement, movement, movement), max_size=6),
    st.dictionaries(members, st.integers(-80_000, 80_000), max_size=6),
    st.dictionaries(members, st.integers(-80_000, 80_000), max_size=6),
    st.sets(members, max_size=3),
    st.sampled_from([0, 2, Decimal("2.5"), 10]),
)
def test_shift_equals_closing_the_period_again(moves, old_opening, new_opening, holders, percent):
    """A full close from the same movements and the new opening gives the same rows."""

    def close(opening):
        contributions = {m: c for m, (c, _, _) in moves.items()}
        fees = late_fees(opening, contributions, percent)
        movements = {
            m: Movements(contributions=c, allocated=a, service_charges=s + fees.get(m, 0))
            for m, (c, a, s) in moves.items()
        }
        movements.update({m: Movements(service_charges=f) for m, f in fees.items() if m not in movements})
        rows = balance_rows(
            {m: v for m, v in opening.items() if v}, {m: v for m, v in movements.items() if v != Movements()}
        )
        for m in set(holders) - set(rows):
            rows[m] = BalanceRow(m, 0, 0, 0, 0, 0, 0)
        return rows, {
            m: Fee(f, overdue(opening.get(m, 0), contributions.get(m, 0)), Decimal(percent))
            for m, f in fees.items()
        }

    stored, stored_fees = close(old_opening)
    expected, expected_fees = close(new_opening)
    result = shift_period(stored, stored_fees, new_opening, percent, holders)
    assert result.rows == expected
    assert result.fees == expected_fees
    assert set(result.added) == set(expected) - set(stored)
    assert result.dropped == set(stored) - set(expected)
