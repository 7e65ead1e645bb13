"""SPEC §2 journal: payouts debit the member and credit Assets:Fund; adjustments move between
the member and Equity:Adjustments, either way. The leg builders are plain functions of a
record, so they are tested on plain values (no app, no database)."""

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from app.services.journal import ADJUSTMENTS, FUND, adjustment_legs, payout_legs

amounts = st.integers(min_value=1, max_value=100_000_000_000)
signed = st.integers(min_value=-100_000_000_000, max_value=100_000_000_000).filter(bool)


def member_balance_change(legs) -> int:
    """A member's balance (credit +) is minus the sum of their account's postings."""
    return -sum(leg["amount_cents"] for leg in legs if leg.get("member_id"))


def test_a_payout_debits_the_member_and_credits_the_fund():
    legs = payout_legs(SimpleNamespace(member_id=7, amount_cents=333300))
    assert legs == [
        {"account": "Members:7", "member_id": 7, "category": "payout", "amount_cents": 333300},
        {"account": FUND, "amount_cents": -333300},
    ]


def test_an_adjustment_of_old_debt_debits_the_member_against_equity():
    legs = adjustment_legs(SimpleNamespace(member_id=3, amount_cents=-1250))
    assert legs == [
        {"account": "Members:3", "member_id": 3, "category": "adjustment", "amount_cents": 1250},
        {"account": ADJUSTMENTS, "amount_cents": -1250},
    ]
    assert ADJUSTMENTS == "Equity:Adjustments"


def test_an_adjustment_of_old_credit_credits_the_member():
    legs = adjustment_legs(SimpleNamespace(member_id=3, amount_cents=4000))
    assert legs[0]["amount_cents"] == -4000 and legs[1] == {"account": ADJUSTMENTS, "amount_cents": 4000}


@given(amounts, st.integers(min_value=1, max_value=10**9))
def test_payout_legs_balance_and_lower_the_member_and_the_fund(amount, member_id):
    legs = payout_legs(SimpleNamespace(member_id=member_id, amount_cents=amount))
    assert sum(leg["amount_cents"] for leg in legs) == 0
    assert member_balance_change(legs) == -amount
    assert sum(leg["amount_cents"] for leg in legs if leg["account"] == FUND) == -amount


@given(signed, st.integers(min_value=1, max_value=10**9))
def test_adjustment_legs_balance_and_move_the_member_by_the_signed_amount(amount, member_id):
    legs = adjustment_legs(SimpleNamespace(member_id=member_id, amount_cents=amount))
    assert sum(leg["amount_cents"] for leg in legs) == 0
    assert member_balance_change(legs) == amount
    assert not any(leg["account"] == FUND for leg in legs)  # the fund's cash is untouched
