"""Money parsing and formatting.

Money is integer cents everywhere inside Levy (SPEC §2): floats lose cents, so
they are refused at the door rather than converted. Amounts arrive as decimal
strings (forms, JSON strings) or as ``Decimal`` (the API parses JSON numbers
with ``parse_float=Decimal``), are validated here once, and leave as cents.
Other decimals (share weights, unit rates, meter readings) are validated with
the same rules and messages, but stay ``Decimal`` with a fixed number of places.

Everything here is pure Python (no Flask, no SQLAlchemy, no Flask-Babel: an import-linter
contract in pyproject.toml says so) so it can be used by the API, the web forms and the
ledger alike, and tested without an app. Messages are lazy strings (SPEC §7): they become
text in the language of the request that shows them, through the translator the app plugs
in (``translate_with``, from app.i18n); English without one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Context, Decimal
from fractions import Fraction

from babel.numbers import format_currency

__all__ = [
    "MAX_AMOUNT_CENTS",
    "MAX_DECIMAL",
    "MoneyError",
    "cents_to_decimal",
    "decimal_text",
    "format_cents",
    "format_money",
    "parse_amount",
    "parse_decimal",
    "round_half_up_cents",
    "to_decimal",
    "translate_with",
]

MAX_AMOUNT_CENTS = 100_000_000_000  # 1,000,000,000.00
MAX_DECIMAL = Decimal(10**9)  # upper bound for weights, rates and readings

# Plain decimal notation only: optional sign, ASCII digits, optional fraction.
# No exponents ("1e3"), no thousands separators, no "nan"/"inf".
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)")
_MAX_INPUT_CHARS = 64  # nobody types more; keeps hostile input cheap to reject

# Wide enough that quantizing any in-range value is exact and never traps.
_CTX = Context(prec=60)

# --- words, translated when shown ------------------------------------------------------------

Translator = Callable[[str, str | None, int | None], str]


def _english(singular: str, plural: str | None = None, num: int | None = None) -> str:
    if plural is None:
        return singular
    return (singular if num == 1 else plural) % {"num": num}


_translator: list[Translator] = [_english]


def translate_with(translator: Translator) -> None:
    """Plug in the app's translator: ``translator(singular, plural, num)`` answers the text
    in the language of the current request (app.i18n passes Flask-Babel's)."""
    _translator[0] = translator


class LazyText:
    """A sentence that becomes text when shown (``str()``), in the language of whoever shows
    it: behaves as the string it stands for, like Flask-Babel's lazy strings."""

    def __init__(self, singular: str, plural: str | None = None, num: int | None = None):
        self._args = (singular, plural, num)

    def __str__(self) -> str:
        return _translator[0](*self._args)

    def __repr__(self) -> str:
        return f"l{str(self)!r}"

    def __html__(self) -> str:
        return str(self)

    def __eq__(self, other: object) -> bool:
        return str(self) == other

    def __hash__(self) -> int:
        return hash(str(self))

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, item: str) -> bool:
        return item in str(self)

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)

    def __mod__(self, other: object) -> str:
        return str(self) % other

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(str(self), name)


def lazy_gettext(message: str) -> LazyText:
    return LazyText(message)


def lazy_ngettext(singular: str, plural: str, num: int) -> LazyText:
    return LazyText(singular, plural, num)


# One sentence per case, whole, so each translates naturally.
_MESSAGES = {
    ("an amount", "not_positive"): lazy_gettext("Enter an amount greater than zero."),
    ("a number", "not_positive"): lazy_gettext("Enter a number greater than zero."),
    ("an amount", "negative"): lazy_gettext("Enter an amount of zero or more."),
    ("a number", "negative"): lazy_gettext("Enter a number of zero or more."),
    ("an amount", "too_large"): lazy_gettext("Enter an amount no larger than 1,000,000,000."),
    ("a number", "too_large"): lazy_gettext("Enter a number no larger than 1,000,000,000."),
}
_DECIMALS = {
    ("an amount", 2): lazy_gettext("Enter an amount with at most two decimals."),
    ("a number", 2): lazy_gettext("Enter a number with at most two decimals."),
    ("a number", 3): lazy_gettext("Enter a number with at most three decimals."),
    ("a number", 4): lazy_gettext("Enter a number with at most four decimals."),
}


def _decimals_message(noun: str, places: int) -> LazyText:
    if (noun, places) in _DECIMALS:
        return _DECIMALS[noun, places]
    return lazy_ngettext(
        "Enter a number with at most %(num)d decimal.",
        "Enter a number with at most %(num)d decimals.",
        places,
    )


class MoneyError(ValueError):
    """A value the user typed is not acceptable money or quantity.

    ``str(error)`` is a short sentence fit to show next to the field.
    ``code`` is a stable machine-readable reason: ``invalid``, ``decimals``,
    ``not_positive``, ``negative`` or ``too_large``.
    """

    def __init__(self, message: str | LazyText, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code

    def __str__(self) -> str:
        return str(self.args[0])


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
        raise MoneyError(_MESSAGES[noun, "not_positive"], "not_positive")
    if not positive and d < 0:
        raise MoneyError(_MESSAGES[noun, "negative"], "negative")
    if d > MAX_DECIMAL:
        raise MoneyError(_MESSAGES[noun, "too_large"], "too_large")
    quantum = Decimal(1).scaleb(-places)
    q = d.quantize(quantum, context=_CTX)
    # Decimals as written count: "1.500" has three, even though it equals 1.50.
    exponent = d.as_tuple().exponent  # an int: to_decimal lets no NaN or Infinity through
    if q != d or (isinstance(exponent, int) and exponent < -places):
        raise MoneyError(_decimals_message(noun, places), "decimals")
    return abs(q) if q.is_zero() else q  # never hand back "-0.000"


def _not_a_number() -> MoneyError:
    return MoneyError(lazy_gettext("Enter a number, like 1250.50."), "invalid")


def format_cents(cents: int) -> str:
    """Cents as the API's decimal string: ``1250.00``, ``-0.05``, ``0.00``."""
    if type(cents) is not int:  # a bool or a float is a bug (a balance sheet calls this 20,000 times)
        _require_int(cents)
    if cents < 0:
        units, rest = divmod(-cents, 100)
        return f"-{units}.{rest:02d}"
    units, rest = divmod(cents, 100)
    return f"{units}.{rest:02d}"


def decimal_text(value: Decimal | int | str | None) -> str | None:
    """A weight, rate or reading as plain text, exact and without trailing zeros
    (``Decimal("72.5000")`` -> ``"72.5"``, ``Decimal("1E+1")`` -> ``"10"``); None stays None.
    The API writes it; forms and pages show it in their inputs (``or ""``)."""
    if value is None:
        return None
    return format(Decimal(value).normalize(), "f")


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
    """Cents for people: ``format_money(125000, "EUR")`` -> ``"€1,250.00"``. Pages, mails
    and PDFs use ``app.i18n.money``, which picks the reader's locale."""
    return format_currency(cents_to_decimal(cents), currency, locale=locale)


def _require_int(cents: object) -> None:
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"cents must be int, got {type(cents).__name__}")
