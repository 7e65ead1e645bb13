"""The form base and the typed fields money input needs.

Every rule of SPEC §5 about what text is acceptable lives here, once, for the pages and the
API alike (the API fills the same forms with ``BaseForm.for_api``):

- text may not hold control characters (NUL included) or unpaired surrogates; multi-line
  fields (``TextAreaField``, ``MultiLineField``) keep newline, carriage return and tab,
  one-line fields refuse those too (and Unicode line and paragraph separators);
- one-line fields hold at most ``ONE_LINE_MAX`` characters, multi-line ones
  ``MULTI_LINE_MAX``, unless the field declares a tighter ``Length``;
- a required field that is blank after trimming is missing;
- numbers, ids and dates are ASCII digits only; API dates are exactly ``YYYY-MM-DD``;
- from JSON: a value of the wrong type (a number or boolean where text belongs, text where
  a boolean belongs, an object or array anywhere) and an unknown field are field errors.
"""

import re
import unicodedata
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import has_request_context
from flask_babel import gettext as _, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectFieldBase, StringField, TextAreaField
from wtforms.validators import (  # noqa: F401
    InputRequired,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)
from werkzeug.datastructures import MultiDict

from app.i18n import current_language, input_number
from app.money import MoneyError, format_cents, parse_amount, parse_decimal
from app.requests import is_api_request
from app.tenancy import is_id

ONE_LINE_MAX = 200
MULTI_LINE_MAX = 2000

# Lazy: each is turned into text in the language of the request that shows it (SPEC §7).
NOT_TEXT = lazy_gettext("Must be text.")
NOT_NUMBER = lazy_gettext("Must be a number or a decimal string.")
NOT_ID = lazy_gettext("Must be a whole number id.")
NOT_BOOLEAN = lazy_gettext("Must be true or false.")
NOT_SCALAR = lazy_gettext("Must be a single value.")
UNKNOWN = lazy_gettext("Unknown field.")
CONTROL = lazy_gettext("Must not contain control characters.")
LINE_BREAK = lazy_gettext("Must be a single line.")
SURROGATE = lazy_gettext("Must be valid Unicode text.")

_MULTI_LINE_ALLOWED = frozenset("\n\r\t")
_LINE_SEPARATORS = frozenset("\u2028\u2029")


class BaseForm(FlaskForm):
    """Pages get CSRF from FlaskForm; the API builds the same form with ``for_api``.

    ``meta.input_locale`` is the page's language (``DD.MM.YYYY`` dates, decimal commas and
    grouped digits in Russian): a page form takes the request's language; None, the API's,
    accepts the canonical forms only (dot decimals, ``YYYY-MM-DD``).
    """

    class Meta:
        input_locale = None

    #: The fields a service takes as keyword arguments of the same names (see ``values``).
    FIELDS: tuple[str, ...] | dict[str, str] = ()

    def __init__(self, *args, **kwargs):
        meta = dict(kwargs.pop("meta", None) or {})
        if "input_locale" not in meta:
            meta["input_locale"] = page_input_locale()
        super().__init__(*args, meta=meta, **kwargs)

    def values(self) -> dict:
        """A valid form as the service's keyword arguments: the data of each of ``FIELDS``."""
        return {name: self[name].data for name in self.FIELDS}

    @classmethod
    def for_api(cls, data: dict, **kwargs):
        """The form filled from a JSON object. Keys listed in ``data.given`` (see
        ``app.api.base.merged``) are the ones the client sent; only those can be unknown."""
        form = cls(formdata=json_to_formdata(data), meta={"csrf": False, "input_locale": None}, **kwargs)
        form._input_errors = _json_type_errors(form, data, getattr(data, "given", None))
        return form

    def validate(self, extra_validators=None) -> bool:
        problems = dict(getattr(self, "_input_errors", {}))
        for field in self:
            if field.name not in problems and field.name != "csrf_token":
                message = text_problem(field)
                if message:
                    problems[field.name] = message
        # A field whose input is refused here is not handed to its validators: they may
        # not expect NUL, surrogates or a dict (an email validator would raise on them).
        for name, message in problems.items():
            if name in self._fields:
                self._fields[name].validate = _refused(self._fields[name], message)
        self._unknown = {name: [message] for name, message in problems.items() if name not in self._fields}
        valid = super().validate(extra_validators)
        return valid and not self._unknown

    def field_errors(self) -> dict[str, list[str]]:
        errors = {name: [str(e) for e in errors] for name, errors in self.errors.items()}
        errors.update(
            {name: [str(e) for e in messages] for name, messages in getattr(self, "_unknown", {}).items()}
        )
        return errors


def page_input_locale() -> str | None:
    """The language a page's inputs are read in: the request's, never the API's."""
    if not has_request_context():
        return None
    return None if is_api_request() else current_language()


def _refused(field, message):
    def validate(form, extra_validators=()):
        field.errors = [message]
        return False

    return validate


# --- which text is acceptable -------------------------------------------------------------


def is_multi_line(field) -> bool:
    return isinstance(field, TextAreaField) or getattr(field, "multi_line", False)


def _own_length(field) -> list[int]:
    return [v.max for v in field.validators if isinstance(v, Length) and v.max and v.max > 0]


def max_length(field) -> int:
    """The field's own ``Length(max=…)`` when it has one, else the one-/multi-line cap."""
    own = _own_length(field)
    if own:
        return min(own)
    return MULTI_LINE_MAX if is_multi_line(field) else ONE_LINE_MAX


def text_problem(field) -> str | None:
    """What is wrong with the text a field received, before any parsing; None if nothing."""
    multi_line = is_multi_line(field)
    for value in field.raw_data or ():
        if not isinstance(value, str):
            continue
        if value == _NOT_SCALAR:
            return NOT_SCALAR
        message = bad_characters(value, multi_line=multi_line)
        if message:
            return message
        if not _own_length(field) and len(value) > max_length(field):
            # (A field with its own Length gets that validator's message instead.)
            return _("Field cannot be longer than %(max)d characters.", max=max_length(field))
    return None


def bad_characters(text: str, *, multi_line: bool) -> str | None:
    for char in text:
        if "\ud800" <= char <= "\udfff":
            return SURROGATE
        if char in _MULTI_LINE_ALLOWED:
            if not multi_line:
                return LINE_BREAK
            continue
        if char in _LINE_SEPARATORS:
            if not multi_line:
                return LINE_BREAK
            continue
        if unicodedata.category(char) == "Cc":
            return CONTROL
    return None


# --- JSON values as form data -------------------------------------------------------------


def json_to_formdata(data: dict) -> MultiDict:
    """JSON values as the strings a browser would send. ``None`` means "not given"."""
    items = []
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (dict, list)):
            value = _NOT_SCALAR
        elif isinstance(value, Decimal):
            value = _plain_decimal(value)
        items.append((key, str(value)))
    return MultiDict(items)


def _plain_decimal(value: Decimal) -> str:
    """A JSON number as plain digits (``1E+2`` is ``100``); absurd exponents stay as
    written and are refused by the parser instead of being expanded."""
    exponent = value.as_tuple().exponent  # "n", "N" or "F" when not finite
    if isinstance(exponent, int) and -40 <= exponent <= 40:
        return format(value, "f")
    return str(value)


_NOT_SCALAR = "\x00not-a-scalar"


def json_kind(field) -> str:
    """Which JSON type a field takes: text, number, id or boolean."""
    if isinstance(field, IdField):
        return "id"
    if isinstance(field, _ParsedField):
        return "number"
    if isinstance(field, BooleanField):
        return "boolean"
    return "text"


def _json_type_errors(form, data: dict, given) -> dict[str, str]:
    errors = {}
    for key, value in data.items():
        field = form._fields.get(key) if key != "csrf_token" else None
        if field is None:
            if given is None or key in given:
                errors[key] = UNKNOWN
            continue
        if given is not None and key not in given:
            continue  # the record's own current value (PATCH), not the client's
        message = _type_error(json_kind(field), value)
        if message:
            errors[key] = message
    return errors


def _type_error(kind: str, value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return NOT_SCALAR
    if kind == "text":
        return None if isinstance(value, str) else NOT_TEXT
    if kind == "boolean":
        return None if isinstance(value, bool) else NOT_BOOLEAN
    if isinstance(value, bool):
        return NOT_ID if kind == "id" else NOT_NUMBER
    if kind == "id":
        return None if isinstance(value, (int, str)) else NOT_ID
    return None if isinstance(value, (int, str, Decimal)) else NOT_NUMBER


# --- fields -------------------------------------------------------------------------------


class _ParsedField(StringField):
    """A text input whose value is parsed; a parse failure is a field error, never a 500."""

    data: Any  # what parse() gives (int cents, Decimal, an id), or None; not StringField's str

    def parse(self, text: str):
        raise NotImplementedError

    def render_value(self, value) -> str:
        return str(value)

    def localized(self, text: str) -> str:
        """A page in a decimal-comma language: ``10,50`` and ``1 234,56`` become ours."""
        return input_number(text, getattr(self.meta, "input_locale", None))

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text == "":
            return
        if text == _NOT_SCALAR:
            raise ValueError(NOT_SCALAR)
        try:
            self.data = self.parse(self.localized(text))
        except MoneyError as error:
            raise ValueError(str(error)) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else self.render_value(self.data)


class AmountField(_ParsedField):
    """Money: a decimal string with at most two decimals, > 0, ≤ 1e9; data is int cents."""

    def parse(self, text):
        return parse_amount(text)

    def render_value(self, value):
        return format_cents(value)


class DecimalPlacesField(_ParsedField):
    """A non-float decimal with a bounded number of places (weights, readings, rates)."""

    def __init__(self, label=None, validators=None, places=4, positive=True, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.places, self.positive = places, positive

    def parse(self, text):
        return parse_decimal(text, self.places, positive=self.positive)

    def render_value(self, value: Decimal):
        return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


class IdField(_ParsedField):
    """An integer id (member, property, budget item): ASCII digits, a size a BIGINT holds."""

    def parse(self, text):
        if not is_id(text):
            raise ValueError(NOT_ID)
        return int(text)


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Hook for pages in other locales (SPEC §7): input_locale -> extra strptime formats, e.g.
# {"ru": ["%d.%m.%Y"]}. Each format is tried only on ASCII digits and punctuation.
LOCALE_DATE_FORMATS: dict[str, list[str]] = {"ru": ["%d.%m.%Y"]}
# What to type, in the message of a refused date, per input_locale.
LOCALE_DATE_HINTS = {"ru": lazy_gettext("Enter a date as DD.MM.YYYY.")}


class StrictDateField(DateField):
    """A date as exactly ``YYYY-MM-DD`` in ASCII digits (``2026-1-1`` is refused)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip()
        self.data = None
        if text == "":
            return
        if text == _NOT_SCALAR:
            raise ValueError(NOT_SCALAR)
        formats = ["%Y-%m-%d"] if ISO_DATE.fullmatch(text) else []
        locale = getattr(self.meta, "input_locale", None) or ""
        if text.isascii():
            formats += LOCALE_DATE_FORMATS.get(locale, [])
        for date_format in formats:
            try:
                self.data = datetime.strptime(text, date_format).date()
                return
            except ValueError:
                continue
        hint = LOCALE_DATE_HINTS.get(locale)
        raise ValueError(str(hint or _("Enter a date as YYYY-MM-DD.")))


class _Stripped(StringField):
    """A text field whose blanks around the text are removed; a non-scalar is refused."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data == _NOT_SCALAR:
            raise ValueError(NOT_SCALAR)
        if isinstance(self.data, str):
            self.data = self.data.strip()


class TrimmedStringField(_Stripped):
    """A one-line text (names, labels, slugs, categories), blanks around it removed."""


class MultiLineField(_Stripped, TextAreaField):
    """A multi-line text (comments, descriptions, reasons): newlines and tabs inside kept
    as sent, blanks around it removed."""

    multi_line = True


class StrictBooleanField(BooleanField):
    """A checkbox for pages; for the API only true/false."""

    TRUE = {"true", "1", "y", "yes", "on"}
    FALSE = {"false", "0", "n", "no", "off", ""}

    def process_formdata(self, valuelist):
        if not valuelist:
            self.data = False
            return
        text = valuelist[0].strip().lower()
        if text in self.TRUE:
            self.data = True
        elif text in self.FALSE:
            self.data = False
        else:
            self.data = None  # type: ignore[assignment]  # neither: not a boolean, refused below
            raise ValueError(NOT_BOOLEAN)


class _Required(InputRequired):
    """Something was sent, and it is more than blanks (a name or an amount of "   " is
    none), so nothing blank reaches a NOT NULL column."""

    def __call__(self, form, field):
        raw = field.raw_data[0] if field.raw_data else None
        blank = raw is None or (isinstance(raw, str) and not raw.strip())
        if blank or (
            isinstance(field, (_ParsedField, DateField, SelectFieldBase))
            and field.data is None
            and not field.errors
        ):
            field.errors[:] = []
            raise StopValidation(self.message or field.gettext("This field is required."))


def entered(field) -> str:
    """The text of a field ``required()`` has passed: WTForms types ``.data`` as
    ``str | None``, but after a successful validation it is the text typed."""
    return field.data or ""


def required(message=None):
    return _Required(message=message or lazy_gettext("This field is required."))
