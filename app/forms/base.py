"""The form base and the typed fields money input needs."""
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import (InputRequired, Length, Optional, StopValidation,  # noqa: F401
                                ValidationError)
from werkzeug.datastructures import MultiDict

from app.money import MoneyError, format_cents, parse_amount, parse_decimal


class BaseForm(FlaskForm):
    """Pages get CSRF from FlaskForm; the API builds the same form with ``for_api``."""

    @classmethod
    def for_api(cls, data: dict, **kwargs):
        return cls(formdata=json_to_formdata(data), meta={"csrf": False}, **kwargs)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # A JSON object or array where one value belongs is an error on every field type,
        # not only on those that parse their input (a password or a text area would
        # otherwise store the placeholder).
        for field in self:
            if _NOT_SCALAR in (field.raw_data or ()):
                field.errors = ["Must be a single value."]
                valid = False
        return valid

    def field_errors(self) -> dict[str, list[str]]:
        return {name: list(errors) for name, errors in self.errors.items()}


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
        items.append((key, str(value)))
    return MultiDict(items)


_NOT_SCALAR = "\x00not-a-scalar"


class _ParsedField(StringField):
    """A text input whose value is parsed; a parse failure is a field error, never a 500."""

    def parse(self, text: str):
        raise NotImplementedError

    def render_value(self, value) -> str:
        return str(value)

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text == "":
            return
        if text == _NOT_SCALAR:
            raise ValueError("Must be a single value.")
        try:
            self.data = self.parse(text)
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
    """An integer id (member, property, budget item)."""

    def parse(self, text):
        if not text.isdigit() or len(text) > 18:
            raise ValueError("Must be a whole number id.")
        return int(text)


class TrimmedStringField(StringField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data == _NOT_SCALAR:
            raise ValueError("Must be a single value.")
        if isinstance(self.data, str):
            self.data = self.data.strip()


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
            self.data = None
            raise ValueError("Must be true or false.")


class _Required(InputRequired):
    """Something was sent, and it is more than blanks (a name of "   " is no name)."""

    def __call__(self, form, field):
        super().__call__(form, field)
        if isinstance(field.data, str) and not field.data.strip():
            field.errors[:] = []
            raise StopValidation(self.message)


def required(message="This field is required."):
    return _Required(message=message)
