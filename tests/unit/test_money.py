"""Money parsing and formatting (SPEC §2: integer cents, never float)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.money import (
    MAX_AMOUNT_CENTS,
    MoneyError,
    cents_to_decimal,
    format_cents,
    format_money,
    parse_amount,
    parse_decimal,
    round_half_up_cents,
    to_decimal,
)


# --- to_decimal -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1250", Decimal("1250")),
        ("1250.5", Decimal("1250.5")),
        ("1250.50", Decimal("1250.50")),
        ("  12.50 \n", Decimal("12.50")),
        ("+3", Decimal("3")),
        ("-3.1", Decimal("-3.1")),
        (".5", Decimal("0.5")),
        (7, Decimal(7)),
        (Decimal("2.25"), Decimal("2.25")),
        (Decimal("1E+3"), Decimal("1000")),
    ],
)
def test_to_decimal_accepts(value, expected):
    assert to_decimal(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "abc",
        "1e3",
        "1E3",
        "1,250.00",
        "12.",
        "1 000",
        "NaN",
        "Infinity",
        "--1",
        "0x10",
        "１２",  # full-width digits
        "1" * 65,
        1.5,
        0.0,
        True,
        False,
        None,
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        [1],
        Fraction(1, 2),
    ],
)
def test_to_decimal_rejects(value):
    with pytest.raises(MoneyError) as exc:
        to_decimal(value)
    assert exc.value.code == "invalid"
    assert str(exc.value) == "Enter a number, like 1250.50."


def test_money_error_is_value_error():
    assert issubclass(MoneyError, ValueError)


# --- parse_amount ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        ("1250", 125000),
        ("1250.5", 125050),
        ("1250.50", 125050),
        ("0.01", 1),
        (".05", 5),
        (" 3 ", 300),
        (12, 1200),
        (Decimal("12.34"), 1234),
        (Decimal("1E+3"), 100000),  # how json may hand over 1000
        (Decimal("1.2E+1"), 1200),
        ("1000000000.00", MAX_AMOUNT_CENTS),
        (10**9, MAX_AMOUNT_CENTS),
    ],
)
def test_parse_amount_accepts(value, cents):
    result = parse_amount(value)
    assert result == cents
    assert type(result) is int


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("abc", "invalid", "Enter a number, like 1250.50."),
        ("", "invalid", "Enter a number, like 1250.50."),
        (12.5, "invalid", "Enter a number, like 1250.50."),
        (True, "invalid", "Enter a number, like 1250.50."),
        (None, "invalid", "Enter a number, like 1250.50."),
        ("1.234", "decimals", "Enter an amount with at most two decimals."),
        (Decimal("0.001"), "decimals", "Enter an amount with at most two decimals."),
        (Decimal("1E-999999"), "decimals", "Enter an amount with at most two decimals."),
        ("0", "not_positive", "Enter an amount greater than zero."),
        ("0.00", "not_positive", "Enter an amount greater than zero."),
        ("-0", "not_positive", "Enter an amount greater than zero."),
        ("-5.00", "not_positive", "Enter an amount greater than zero."),
        (0, "not_positive", "Enter an amount greater than zero."),
        ("1000000000.01", "too_large", "Enter an amount no larger than 1,000,000,000."),
        (Decimal("1E+999999999"), "too_large", "Enter an amount no larger than 1,000,000,000."),
    ],
)
def test_parse_amount_rejects(value, code, message):
    with pytest.raises(MoneyError) as exc:
        parse_amount(value)
    assert exc.value.code == code
    assert str(exc.value) == message


@given(st.integers(min_value=1, max_value=MAX_AMOUNT_CENTS))
def test_parse_amount_round_trips_format_cents(cents):
    assert parse_amount(format_cents(cents)) == cents


@given(st.integers(min_value=1, max_value=MAX_AMOUNT_CENTS))
def test_parse_amount_round_trips_decimal(cents):
    assert parse_amount(cents_to_decimal(cents)) == cents


@given(st.floats())
def test_parse_amount_rejects_any_float(value):
    with pytest.raises(MoneyError):
        parse_amount(value)


@pytest.mark.parametrize("value", [True, False])
def test_parse_amount_rejects_bools(value):
    with pytest.raises(MoneyError):
        parse_amount(value)


# --- parse_decimal --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "positive", "expected"),
    [
        ("1.5", 4, True, Decimal("1.5000")),  # share_weight
        ("0.0001", 4, True, Decimal("0.0001")),
        (3, 4, True, Decimal("3.0000")),
        ("0", 3, False, Decimal("0.000")),  # reading
        ("-0", 3, False, Decimal("0.000")),
        ("1234.567", 3, False, Decimal("1234.567")),
        ("1000000000", 3, False, Decimal("1000000000.000")),
    ],
)
def test_parse_decimal_accepts(value, places, positive, expected):
    result = parse_decimal(value, places, positive=positive)
    assert result == expected
    # quantized to the column's places, and never a negative zero
    assert result.as_tuple().exponent == -places
    assert not result.is_signed()


@pytest.mark.parametrize(
    ("value", "places", "positive", "code", "message"),
    [
        ("x", 4, True, "invalid", "Enter a number, like 1250.50."),
        (0.5, 4, True, "invalid", "Enter a number, like 1250.50."),
        ("0.00001", 4, True, "decimals", "Enter a number with at most four decimals."),
        ("1.2345", 3, False, "decimals", "Enter a number with at most three decimals."),
        ("0", 4, True, "not_positive", "Enter a number greater than zero."),
        ("-1", 4, True, "not_positive", "Enter a number greater than zero."),
        ("-0.001", 3, False, "negative", "Enter a number of zero or more."),
        ("1000000000.001", 3, False, "too_large", "Enter a number no larger than 1,000,000,000."),
        ("1000000001", 4, True, "too_large", "Enter a number no larger than 1,000,000,000."),
    ],
)
def test_parse_decimal_rejects(value, places, positive, code, message):
    with pytest.raises(MoneyError) as exc:
        parse_decimal(value, places, positive=positive)
    assert exc.value.code == code
    assert str(exc.value) == message


# --- formatting -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (125000, "1250.00"),
        (-1000, "-10.00"),
        (0, "0.00"),
        (5, "0.05"),
        (-5, "-0.05"),
        (1, "0.01"),
        (MAX_AMOUNT_CENTS, "1000000000.00"),
    ],
)
def test_format_cents(cents, text):
    assert format_cents(cents) == text


@pytest.mark.parametrize("cents", [1.0, Decimal(1), True, "1"])
def test_format_cents_requires_int(cents):
    with pytest.raises(TypeError):
        format_cents(cents)


@pytest.mark.parametrize(
    ("cents", "expected"),
    [(1250, "12.50"), (0, "0.00"), (-5, "-0.05"), (100, "1.00")],
)
def test_cents_to_decimal(cents, expected):
    result = cents_to_decimal(cents)
    assert result == Decimal(expected)
    assert str(result) == expected


@given(st.integers(min_value=-MAX_AMOUNT_CENTS, max_value=MAX_AMOUNT_CENTS))
def test_format_cents_matches_decimal(cents):
    assert format_cents(cents) == str(cents_to_decimal(cents))


def test_format_money():
    assert format_money(125000, "EUR") == "€1,250.00"
    assert format_money(-5, "USD") == "-$0.05"
    assert format_money(125050, "EUR", "de_DE") == "1.250,50\xa0€"


# --- rounding -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (Fraction(5, 2), 3),  # 2.5 -> 3, half up
        (Fraction(3, 2), 2),  # 1.5 -> 2
        (Fraction(9, 2), 5),  # 4.5 -> 5 (banker's rounding would give 4)
        (Fraction(-5, 2), -3),  # halves away from zero
        (Fraction(249, 100), 2),
        (Fraction(251, 100), 3),
        (Fraction(-249, 100), -2),
        (Fraction(1, 3), 0),
        (Fraction(2, 3), 1),
        (Fraction(1, 2), 1),
        (Fraction(-1, 2), -1),
        (Decimal("1234.5"), 1235),
        (Decimal("0.5"), 1),
        (Decimal("-0.4999"), 0),
        (0, 0),
        (-7, -7),
    ],
)
def test_round_half_up_cents(x, expected):
    assert round_half_up_cents(x) == expected


@pytest.mark.parametrize("x", [0.5, True])
def test_round_half_up_rejects_inexact(x):
    with pytest.raises(TypeError):
        round_half_up_cents(x)


def test_round_half_up_rejects_nan():
    with pytest.raises(ValueError):
        round_half_up_cents(Decimal("NaN"))


@given(st.fractions())
def test_round_half_up_is_nearest_and_symmetric(x):
    r = round_half_up_cents(x)
    assert abs(r - x) <= Fraction(1, 2)
    if abs(r - x) == Fraction(1, 2):
        assert abs(r) > abs(x)  # a tie always goes away from zero
    assert round_half_up_cents(-x) == -r
