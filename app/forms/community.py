"""Members, properties and community settings."""

from decimal import Decimal

from flask_babel import lazy_gettext
from wtforms import SelectField, TextAreaField
from wtforms.validators import Email, Length, Optional, ValidationError

from app import payment_codes
from app.forms.accounts import valid_currency
from app.forms.base import (
    BaseForm,
    DecimalPlacesField,
    IdField,
    StrictBooleanField,
    TrimmedStringField,
    entered,
    required,
)

ROLES = [("owner", lazy_gettext("Owner")), ("admin", lazy_gettext("Admin"))]


class MemberForm(BaseForm):
    FIELDS = ("name", "email", "role")
    name = TrimmedStringField(lazy_gettext("Name"), [required(), Length(max=120)])
    # Optional: a member without an account has none (SPEC §1); with one, they are invited.
    email = TrimmedStringField(
        lazy_gettext("Email (optional)"),
        [
            Optional(),
            Email(message=lazy_gettext("Enter a valid email address."), check_deliverability=False),
            Length(max=254),
        ],
    )
    role = SelectField(lazy_gettext("Role"), choices=ROLES, default="owner", validate_choice=True)


class PropertyForm(BaseForm):
    FIELDS = ("label", "share_weight", "owner_member_id", "active")
    label = TrimmedStringField(lazy_gettext("Label"), [required(), Length(max=80)])
    share_weight = DecimalPlacesField(lazy_gettext("Share weight"), [required()], places=4, positive=True)
    owner_member_id = IdField(lazy_gettext("Owner"), [required()])
    active = StrictBooleanField(lazy_gettext("Active"), default=True)


def percent_range(form, field):
    if field.data is not None and field.data > Decimal(100):
        raise ValidationError(lazy_gettext("Enter a percentage from 0 to 100."))


PAYEE_PARTS = ("name", "account", "bank_name", "bic", "corr_account", "tax_id", "tax_reg")
PAYEE_FIELDS = tuple(f"payee_{name}" for name in PAYEE_PARTS)


class SettingsForm(BaseForm):
    FIELDS = (
        "name",
        "currency",
        "locale",
        "owners_see_balance_sheet",
        "payment_details",
        "late_fee_percent",
        *PAYEE_FIELDS,
    )
    name = TrimmedStringField(lazy_gettext("Community name"), [required(), Length(max=120)])
    currency = TrimmedStringField(lazy_gettext("Currency"), [required(), valid_currency])
    owners_see_balance_sheet = StrictBooleanField(lazy_gettext("Owners see the full balance sheet"))
    # Pages for whoever has not chosen a language, and every mail to the members (SPEC §7).
    locale = SelectField(
        lazy_gettext("Language"),
        choices=[("en", "English"), ("ru", "Русский")],
        default="en",
        validate_choice=True,
    )
    # SPEC §2: 0–100, at most 4 decimals; empty or 0 = no late fees.
    late_fee_percent = DecimalPlacesField(
        # (The percent sign as a value: "% o" would read as a format in the catalog.)
        lazy_gettext("Late fee, %(sign)s of the overdue debt per period (0 = off)", sign="%"),
        [percent_range],
        places=4,
        positive=False,
    )
    payment_details = TextAreaField(
        lazy_gettext("Payment details (bank account, reference)"), [Length(max=2000)]
    )

    payee_name = TrimmedStringField(lazy_gettext("Payee name (account holder)"), [Length(max=160)])
    payee_account = TrimmedStringField(
        lazy_gettext("Account (IBAN for EUR; 20-digit account for RUB)"), [Length(max=64)]
    )
    payee_bank_name = TrimmedStringField(lazy_gettext("Bank name"), [Length(max=200)])
    payee_bic = TrimmedStringField(lazy_gettext("BIC"), [Length(max=16)])
    payee_corr_account = TrimmedStringField(lazy_gettext("Correspondent account (RUB)"), [Length(max=32)])
    payee_tax_id = TrimmedStringField(lazy_gettext("Tax id (INN, RUB)"), [Length(max=16)])
    payee_tax_reg = TrimmedStringField(lazy_gettext("Tax registration code (KPP, RUB)"), [Length(max=16)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.currency.errors:
            return valid
        # The payment QR standard, and so the account formats, follow the currency.
        for name, messages in payment_codes.payee_errors(entered(self.currency), self.payee()).items():
            field = self[name]
            if not field.errors:
                field.errors = list(messages)
                valid = False
        return valid

    def payee(self) -> payment_codes.Payee:
        return payment_codes.Payee(**{name: self[f"payee_{name}"].data or "" for name in PAYEE_PARTS})
