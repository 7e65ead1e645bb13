"""Money parsing and formatting.

Money is integer cents everywhere inside Levy (SPEC §2): floats lose cents, so
they are refused at the door rather than converted. Amounts arrive as decimal
strings (forms, JSON strings) or as ``Decimal`` (the API parses JSON numbers
with ``parse_float=Decimal``), are validated here once, and leave as cents.
Other decimals (share weights, unit rates, meter readings) are validated with
the same rules and messages, but stay ``Decimal`` with a fixed number of places.

Everything here is pure Python so it can be used by the API, the web forms and
the ledger alike, and tested without an app.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal
from fractions import Fraction

from babel.numbers import format_currency

__all__ = [
    "MAX_AMOUNT_CENTS",
    "MAX_DECIMAL",
    "MoneyError",
    "cents_to_decimal",
    "format_cents",
    "format_money",
    "parse_amount",
    "parse_decimal",
    "round_half_up_cents",
    "to_decimal",
]

MAX_AMOUNT_CENTS = 100_000_000_000  # 1,000,000,000.00
MAX_DECIMAL = Decimal(10**9)  # upper bound for weights, rates and readings

# Plain decimal notation only: optional sign, ASCII digits, optional fraction.
# No exponents ("1e3"), no thousands separators, no "nan"/"inf".
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)")
_MAX_INPUT_CHARS = 64  # nobody types more; keeps hostile input cheap to reject

# Wide enough that quantizing any in-range value is exact and never traps.
_CTX = Context(prec=60)

_PLACE_WORDS = {0: "no", 1: "one", 2: "two", 3: "three", 4: "four"}


class MoneyError(ValueError):
    """A value the user typed is not acceptable money or quantity.

    ``str(error)`` is a short sentence fit to show next to the field.
    ``code`` is a stable machine-readable reason: ``invalid``, ``decimals``,
    ``not_positive``, ``negative`` or ``too_large``.
    """

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


def to_decimal(value: object) -> Decimal:
    """Turn user input into an exact, finite ``Decimal``.

    Accepts ``str`` in plain decimal notation (surrounding blanks ignored),
    ``int`` and finite ``Decimal`` (any exponent: ``Decimal("1E+3")`` is 1000,
    since that is how a JSON number may arrive). Refuses ``float`` (already
    inexact), ``bool`` (an ``int`` by accident of Python), ``None`` and
    anything else.
    """
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise _not_a_number()
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _not_a_number()
        return value
    if isinstance(value, str):
        text = value.strip()
        if len(text) > _MAX_INPUT_CHARS or not _PLAIN_NUMBER.fullmatch(text):
            raise _not_a_number()
        return Decimal(text)
    raise _not_a_number()


def parse_amount(value: object) -> int:
    """Validate a money amount and return it in cents.

    The amount must be > 0, have at most two decimals (``"1.500"`` is fine: it
    is exactly 1.50) and be at most 1,000,000,000.00.
    """
    d = _parse(value, 2, positive=True, noun="an amount")
    return int(d.scaleb(2, context=_CTX))


def parse_decimal(value: object, places: int, *, positive: bool) -> Decimal:
    """Validate a non-money decimal and return it quantized to ``places``.

    ``positive=True`` requires > 0 (share weights, unit rates, 4 places);
    ``positive=False`` requires >= 0 (meter readings, 3 places). The upper
    bound is 10**9 in both cases.
    """
    return _parse(value, places, positive=positive, noun="a number")


def _parse(value: object, places: int, *, positive: bool, noun: str) -> Decimal:
    d = to_decimal(value)
    # Sign and size first: they are the more useful message, and the size
    # check keeps the quantize below cheap and exact.
    if positive and d <= 0:
        raise MoneyError(f"Enter {noun} greater than zero.", "not_positive")
    if not positive and d < 0:
        raise MoneyError(f"Enter {noun} of zero or more.", "negative")
    if d > MAX_DECIMAL:
        raise MoneyError(f"Enter {noun} no larger than 1,000,000,000.", "too_large")
    quantum = Decimal(1).scaleb(-places)
    q = d.quantize(quantum, context=_CTX)
    # Decimals as written count: "1.500" has three, even though it equals 1.50.
    if q != d or d.as_tuple().exponent < -places:
        words = _PLACE_WORDS.get(places, str(places))
        raise MoneyError(f"Enter {noun} with at most {words} decimals.", "decimals")
    return abs(q) if q.is_zero() else q  # never hand back "-0.000"


def _not_a_number() -> MoneyError:
    return MoneyError("Enter a number, like 1250.50.", "invalid")


def format_cents(cents: int) -> str:
    """Cents as the API's decimal string: ``1250.00``, ``-0.05``, ``0.00``."""
    _require_int(cents)
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{units}.{rest:02d}"


def cents_to_decimal(cents: int) -> Decimal:
    """Cents as a two-place ``Decimal`` (``1250`` -> ``Decimal("12.50")``)."""
    _require_int(cents)
    return Decimal(cents).scaleb(-2)


def round_half_up_cents(x: Fraction | Decimal | int) -> int:
    """Round an exact number of cents to the nearest cent, halves away from zero.

    SPEC §2 calls this "round half up"; for the negative amounts that can
    appear in balances it mirrors the positive case (-2.5 -> -3) so that
    rounding never depends on sign.
    """
    if isinstance(x, (bool, float)):
        raise TypeError("round_half_up_cents needs an exact number, not float/bool")
    if isinstance(x, Decimal) and not x.is_finite():
        raise ValueError("cannot round a non-finite Decimal")
    f = Fraction(x)
    n, d = abs(f.numerator), f.denominator
    rounded = (2 * n + d) // (2 * d)
    return -rounded if f < 0 else rounded


def format_money(cents: int, currency: str, locale: str = "en") -> str:
    """Cents for people: ``format_money(125000, "EUR")`` -> ``"€1,250.00"``."""
    return format_currency(cents_to_decimal(cents), currency, locale=locale)


def _require_int(cents: object) -> None:
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"cents must be int, got {type(cents).__name__}")
