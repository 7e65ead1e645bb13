"""SPEC §2 splitting: half-up shares, remainder cents to the largest weights."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.ledger.split import (
    NothingToSplit,
    PropertyShare,
    Strategy,
    Weights,
    allocate,
    by_member,
    split_cents,
    tariff_charge,
)
from app.money import round_half_up_cents

# --- split_cents: crafted cases -------------------------------------------------


def test_positive_remainder_goes_to_lowest_id_on_equal_weights():
    # T=100 over 1,1,1: exact 33.33 each -> r = 33,33,33, Σr = 99, d = +1.
    # Equal weights tie, so the lowest id (3) takes the extra cent.
    assert split_cents(100, {7: 1, 3: 1, 5: 1}) == {3: 34, 5: 33, 7: 33}


def test_two_remainder_cents_go_to_the_two_lowest_ids():
    # T=200 over 1,1,1: exact 66.67 -> r = 67,67,67, Σr = 201, d = -1 -> id 1 gives one back.
    assert split_cents(200, {1: 1, 2: 1, 3: 1}) == {1: 66, 2: 67, 3: 67}
    # T=101 over 1,1,1,1: exact 25.25 -> r = 25 x4, Σr = 100, d = +1 -> id 1.
    # T=102: exact 25.5 -> r = 26 x4 (half up), Σr = 104, d = -2 -> ids 1 and 2.
    assert split_cents(101, {1: 1, 2: 1, 3: 1, 4: 1}) == {1: 26, 2: 25, 3: 25, 4: 25}
    assert split_cents(102, {1: 1, 2: 1, 3: 1, 4: 1}) == {1: 25, 2: 25, 3: 26, 4: 26}


def test_negative_remainder_from_half_up_overshoot():
    # T=1 over 1,1: exact 0.5 each -> both round half up to 1, Σr = 2, d = -1.
    # Tie, so the lower id (4) gives its cent back.
    assert split_cents(1, {9: 1, 4: 1}) == {4: 0, 9: 1}


def test_negative_remainder_with_odd_total():
    # T=101 over 1,1: exact 50.5 each -> r = 51,51, Σr = 102, d = -1 -> id 1 gets 50.
    assert split_cents(101, {1: 1, 2: 1}) == {1: 50, 2: 51}


def test_largest_weight_first_then_lower_id():
    # T=1000 over w(5)=3, w(2)=3, w(9)=1, W=7:
    #   exact 428.571..., 428.571..., 142.857... -> r = 429, 429, 143, Σr = 1001, d = -1.
    #   Order by weight desc, ties by lower id: 2, 5, 9 -> id 2 gives back one cent.
    assert split_cents(1000, {5: 3, 2: 3, 9: 1}) == {2: 428, 5: 429, 9: 143}


def test_largest_weight_bears_the_remainder_before_lower_ids():
    # T=10 over w(1)=1, w(2)=1, w(3)=1.5, W=3.5:
    #   exact 2.857, 2.857, 4.286 -> r = 3, 3, 4, Σr = 10, d = 0: nothing to hand out.
    assert split_cents(10, {1: 1, 2: 1, 3: Decimal("1.5")}) == {1: 3, 2: 3, 3: 4}
    # T=11 over w(1)=1, w(2)=1, w(3)=2, W=4: exact 2.75, 2.75, 5.5 -> r = 3, 3, 6,
    #   Σr = 12, d = -1. Largest weight first: id 3 (w=2) gives the cent back, not id 1.
    assert split_cents(11, {1: 1, 2: 1, 3: 2}) == {1: 3, 2: 3, 3: 5}
    # T=5 over w(8)=2, w(1)=1, w(2)=1, W=4: exact 2.5, 1.25, 1.25 -> r = 3, 1, 1,
    #   Σr = 5, d = 0. T=6: exact 3, 1.5, 1.5 -> r = 3, 2, 2, Σr = 7, d = -1:
    #   the largest weight (id 8) gives the cent back although its id is highest.
    assert split_cents(5, {8: 2, 1: 1, 2: 1}) == {1: 1, 2: 1, 8: 3}
    assert split_cents(6, {8: 2, 1: 1, 2: 1}) == {1: 2, 2: 2, 8: 2}


def test_decimal_weights_are_exact():
    # T=1000 over 0.1, 0.2: W=0.3 exactly (no float drift) -> 333.33, 666.67
    #   -> r = 333, 667, d = 0.
    assert split_cents(1000, {1: Decimal("0.1"), 2: Decimal("0.2")}) == {1: 333, 2: 667}


def test_zero_weight_gets_nothing_even_as_remainder():
    # T=1 over w(1)=0, w(2)=1, w(3)=1: exact 0, 0.5, 0.5 -> r = 0, 1, 1, d = -1 -> id 2.
    assert split_cents(1, {1: 0, 2: 1, 3: 1}) == {1: 0, 2: 0, 3: 1}
    # T=100 over w(1)=0 and three equal: the +1 goes to id 2, never to id 1.
    assert split_cents(100, {1: 0, 2: 1, 3: 1, 4: 1}) == {1: 0, 2: 34, 3: 33, 4: 33}


def test_zero_total_gives_zeros_even_without_weight():
    assert split_cents(0, {1: 3, 2: 0}) == {1: 0, 2: 0}
    assert split_cents(0, {1: 0}) == {1: 0}
    assert split_cents(0, {}) == {}


def test_single_key_takes_everything():
    assert split_cents(12345, {42: Decimal("0.0001")}) == {42: 12345}


def test_negative_total_is_split_symmetrically():
    assert split_cents(-100, {7: 1, 3: 1, 5: 1}) == {3: -34, 5: -33, 7: -33}


@pytest.mark.parametrize("weights", [{}, {1: 0}, {1: 0, 2: Decimal("0.0000")}])
def test_nothing_to_split(weights):
    with pytest.raises(NothingToSplit):
        split_cents(100, weights)


def test_nothing_to_split_is_a_value_error():
    assert issubclass(NothingToSplit, ValueError)


def test_negative_weight_is_refused():
    with pytest.raises(ValueError):
        split_cents(100, {1: 1, 2: -1})


@pytest.mark.parametrize("bad", [0.5, True, Decimal("NaN"), Decimal("Infinity"), "1"])
def test_inexact_weights_are_refused(bad):
    with pytest.raises((TypeError, ValueError)):
        split_cents(100, {1: 1, 2: bad})


@pytest.mark.parametrize("bad", [100.0, True, Decimal(100)])
def test_total_must_be_int_cents(bad):
    with pytest.raises(TypeError):
        split_cents(bad, {1: 1})


# --- split_cents: properties ----------------------------------------------------

weight_values = st.one_of(
    st.integers(min_value=0, max_value=1000),
    st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False),
)
weight_maps = st.dictionaries(
    st.integers(min_value=1, max_value=10**6), weight_values, min_size=1, max_size=40
).filter(lambda w: sum(w.values()) > 0)
totals = st.integers(min_value=0, max_value=100_000_000_000)


@given(totals, weight_maps)
def test_split_properties(total, weights):
    shares = split_cents(total, weights)
    assert set(shares) == set(weights)
    assert all(type(c) is int for c in shares.values())
    assert sum(shares.values()) == total
    assert all(c >= 0 for c in shares.values())
    weight_sum = sum(Fraction(w) for w in weights.values())
    for key, w in weights.items():
        exact = total * Fraction(w) / weight_sum
        assert abs(shares[key] - exact) <= Fraction(3, 2)
        if w == 0:
            assert shares[key] == 0


def _spec_split(total: int, weights) -> dict[int, int]:
    """SPEC §2 read literally, in Fractions: the reference the fast integer code must equal."""
    exact = {k: Fraction(w) for k, w in weights.items()}
    weight_sum = sum(exact.values())
    shares = {k: round_half_up_cents(total * w / weight_sum) for k, w in exact.items()}
    remainder = total - sum(shares.values())
    order = sorted((k for k, w in exact.items() if w > 0), key=lambda k: (-exact[k], k))
    step = 1 if remainder > 0 else -1
    for k in order[: abs(remainder)]:
        shares[k] += step
    return shares


@given(st.integers(min_value=-100_000_000_000, max_value=100_000_000_000), weight_maps)
def test_split_equals_the_spec_rule_in_exact_fractions(total, weights):
    assert split_cents(total, weights) == _spec_split(total, weights)


@given(totals, weight_maps, st.randoms(use_true_random=False))
def test_split_is_deterministic_and_order_independent(total, weights, rnd):
    first = split_cents(total, weights)
    assert split_cents(total, weights) == first
    keys = list(weights)
    rnd.shuffle(keys)
    shuffled = {k: weights[k] for k in keys}
    assert split_cents(total, shuffled) == first


many_totals = st.lists(st.integers(min_value=-100_000_000_000, max_value=100_000_000_000), max_size=6)


@given(many_totals, weight_maps)
def test_weights_prepared_once_split_every_total_as_split_cents_does(totals_, weights):
    """A period prepares its share weights once and splits each item's total over them."""
    prepared = Weights(weights)
    for total in totals_:
        shares, rounded = prepared.split_and_round(total)
        assert shares == split_cents(total, weights) == _spec_split(total, weights)
        whole = sum(Fraction(w) for w in weights.values())
        if whole:  # the share before the remainder rule: what a statement's rounding cent is measured from
            assert rounded == {
                k: round_half_up_cents(Fraction(total) * Fraction(w) / whole) for k, w in weights.items()
            }


@given(weight_maps)
def test_zero_total_splits_to_zeros(weights):
    assert split_cents(0, weights) == dict.fromkeys(weights, 0)


@given(totals, weight_maps)
def test_negative_total_mirrors_positive(total, weights):
    positive = split_cents(total, weights)
    assert split_cents(-total, weights) == {k: -v for k, v in positive.items()}


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=1, max_value=50))
def test_equal_weights_differ_by_at_most_one_cent(total, n):
    shares = split_cents(total, dict.fromkeys(range(1, n + 1), 1))
    assert max(shares.values()) - min(shares.values()) <= 1


# --- tariff_charge --------------------------------------------------------------


@pytest.mark.parametrize(
    ("consumption", "rate", "cents"),
    [
        ("12.345", "1.0000", 1235),  # 12.345 -> 12.35, half up
        ("12.344", "1.0000", 1234),
        ("0.005", "1.0000", 1),  # 0.005 -> 0.01
        ("0.004", "1.0000", 0),
        ("0.001", "5.0000", 1),  # 0.005 -> 0.01
        ("1.000", "0.0049", 0),  # 0.0049 -> 0.00
        ("10.5", "0.3333", 350),  # 3.49965 -> 3.50
        ("0", "2.5000", 0),
        ("123.456", "1.2345", 15241),  # 152.406432 -> 152.41
    ],
)
def test_tariff_charge(consumption, rate, cents):
    assert tariff_charge(Decimal(consumption), Decimal(rate)) == cents


@given(
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=10**4, places=4, allow_nan=False, allow_infinity=False),
)
def test_tariff_charge_is_the_exact_product_rounded_half_up(consumption, rate):
    exact = Fraction(consumption) * Fraction(rate) * 100
    assert tariff_charge(consumption, rate) == round_half_up_cents(exact)


def test_tariff_charge_refuses_negative_and_floats():
    with pytest.raises(ValueError):
        tariff_charge(Decimal("-1"), Decimal("1"))
    with pytest.raises(ValueError):
        tariff_charge(Decimal("1"), Decimal("-1"))
    with pytest.raises(TypeError):
        tariff_charge(1.5, Decimal("1"))


# --- strategies -----------------------------------------------------------------

# Members: 100 owns properties 1 and 3, 200 owns 2, 300 owns the inactive 4.
PROPS = [
    PropertyShare(1, 100, Decimal("50.0000"), True),
    PropertyShare(2, 200, Decimal("30.0000"), True),
    PropertyShare(3, 100, Decimal("20.0000"), True),
    PropertyShare(4, 300, Decimal("99.0000"), False),
]


def test_strategy_values():
    assert [s.value for s in Strategy] == ["proportional", "fixed_fee", "usage_based", "none"]
    assert Strategy("fixed_fee") is Strategy.FIXED_FEE
    assert Strategy.NONE == "none"


def test_proportional_uses_share_weights_of_active_properties():
    # T=1001 over 50,30,20 (W=100): exact 500.5, 300.3, 200.2 -> r = 501, 300, 200,
    #   Σr = 1001, d = 0. Property 4 is inactive and takes nothing.
    shares = allocate(Strategy.PROPORTIONAL, 1001, PROPS, {}, None)
    assert shares == {1: 501, 2: 300, 3: 200}
    assert by_member(shares, PROPS) == {100: 701, 200: 300}


def test_proportional_remainder_goes_to_largest_weight():
    # T=1 over 50,30,20: exact 0.5, 0.3, 0.2 -> r = 1, 0, 0, d = 0.
    assert allocate("proportional", 1, PROPS, {}, None) == {1: 1, 2: 0, 3: 0}
    # T=3 over 50,30,20: exact 1.5, 0.9, 0.6 -> r = 2, 1, 1, Σr = 4, d = -1 -> id 1 (w=50).
    assert allocate("proportional", 3, PROPS, {}, None) == {1: 1, 2: 1, 3: 1}


def test_fixed_fee_is_equal_per_active_property():
    # T=1000 over 1,1,1: exact 333.33 -> r = 333 x3, Σr = 999, d = +1 -> id 1.
    shares = allocate(Strategy.FIXED_FEE, 1000, PROPS, {}, None)
    assert shares == {1: 334, 2: 333, 3: 333}
    assert by_member(shares, PROPS) == {100: 667, 200: 333}


def test_usage_based_splits_by_consumption():
    # T=1000 over consumption 3.5 (id 1), 1.5 (id 2), no reading for id 3 (weight 0), W=5:
    #   exact 700, 300, 0 -> d = 0.
    consumption = {1: Decimal("3.500"), 2: Decimal("1.500")}
    shares = allocate(Strategy.USAGE_BASED, 1000, PROPS, consumption, None)
    assert shares == {1: 700, 2: 300, 3: 0}
    # T=1001: exact 700.7, 300.3 -> r = 701, 300, Σr = 1001, d = 0.
    # T=999: exact 699.3, 299.7 -> r = 699, 300, d = 0; id 3 stays at 0 either way.
    assert allocate(Strategy.USAGE_BASED, 999, PROPS, consumption, None) == {1: 699, 2: 300, 3: 0}


def test_usage_based_counts_a_reading_on_an_inactive_property():
    # A reading proves consumption: property 4 is inactive but used 1 of W=2.
    # T=101: exact 50.5, 50.5 -> r = 51, 51, d = -1 -> lower id (1) gives it back.
    consumption = {1: Decimal("1"), 4: Decimal("1")}
    shares = allocate(Strategy.USAGE_BASED, 101, PROPS, consumption, None)
    assert shares == {1: 50, 2: 0, 3: 0, 4: 51}
    assert by_member(shares, PROPS) == {100: 50, 200: 0, 300: 51}


def test_usage_based_with_zero_consumption_has_nothing_to_split():
    with pytest.raises(NothingToSplit):
        allocate(Strategy.USAGE_BASED, 500, PROPS, {1: Decimal("0.000")}, None)
    with pytest.raises(NothingToSplit):
        allocate(Strategy.USAGE_BASED, 500, PROPS, {}, None)


def test_usage_based_refuses_reading_on_unknown_property():
    with pytest.raises(ValueError):
        allocate(Strategy.USAGE_BASED, 500, PROPS, {99: Decimal("1")}, None)


def test_tariff_mode_and_none_are_not_split():
    consumption = {1: Decimal("3.500")}
    assert allocate(Strategy.USAGE_BASED, 1000, PROPS, consumption, Decimal("1.2000")) == {}
    assert allocate(Strategy.NONE, 1000, PROPS, consumption, None) == {}
    # not split, so an empty community is no error either
    assert allocate(Strategy.NONE, 1000, [], {}, None) == {}


@pytest.mark.parametrize("strategy", [Strategy.PROPORTIONAL, Strategy.FIXED_FEE])
def test_no_active_property_has_nothing_to_split(strategy):
    inactive = [p for p in PROPS if not p.active]
    with pytest.raises(NothingToSplit):
        allocate(strategy, 100, inactive, {}, None)
    with pytest.raises(NothingToSplit):
        allocate(strategy, 100, [], {}, None)
    assert allocate(strategy, 0, inactive, {}, None) == {}


def test_unknown_strategy_is_refused():
    with pytest.raises(ValueError):
        allocate("lottery", 100, PROPS, {}, None)


def test_by_member_refuses_unknown_property():
    with pytest.raises(ValueError):
        by_member({99: 10}, PROPS)


@given(totals)
def test_by_member_preserves_the_total(total):
    assert sum(by_member(allocate("proportional", total, PROPS, {}, None), PROPS).values()) == total


@given(
    total=st.integers(min_value=-(10**11), max_value=10**11),
    weights=st.lists(
        st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=12,
    ),
)
def test_first_rounding_matches_exact_fractions(total, weights):
    """The whole-number arithmetic gives SPEC §2's round_half_up(T·w/W) exactly."""
    keyed = dict(enumerate(weights, start=1))
    weight_sum = sum(Fraction(w) for w in weights)
    if weight_sum == 0:
        return
    reference = {k: round_half_up_cents(Fraction(total) * Fraction(w) / weight_sum) for k, w in keyed.items()}
    shares = split_cents(total, keyed)
    assert all(abs(shares[k] - reference[k]) <= 1 for k in keyed)
    assert sum(abs(shares[k] - reference[k]) for k in keyed) == abs(total - sum(reference.values()))
