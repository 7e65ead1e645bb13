"""Members, properties and community settings."""
from decimal import Decimal

from flask_babel import lazy_gettext
from wtforms import SelectField, TextAreaField
from wtforms.validators import Email, Length, Optional, ValidationError

from app import payment_codes
from app.forms.accounts import valid_currency
from app.forms.base import (BaseForm, DecimalPlacesField, IdField, StrictBooleanField,
                            TrimmedStringField, required)

ROLES = [("owner", "Owner"), ("admin", "Admin")]


class MemberForm(BaseForm):
    name = TrimmedStringField("Name", [required(), Length(max=120)])
    # Optional: a member without an account has none (SPEC §1); with one, they are invited.
    email = TrimmedStringField("Email (optional)", [Optional(), Email(
        message="Enter a valid email address.", check_deliverability=False), Length(max=254)])
    role = SelectField("Role", choices=ROLES, default="owner",
                       validate_choice=True)


class PropertyForm(BaseForm):
    label = TrimmedStringField("Label", [required(), Length(max=80)])
    share_weight = DecimalPlacesField("Share weight", [required()], places=4, positive=True)
    owner_member_id = IdField("Owner", [required()])
    active = StrictBooleanField("Active", default=True)


def percent_range(form, field):
    if field.data is not None and field.data > Decimal(100):
        raise ValidationError("Enter a percentage from 0 to 100.")


class SettingsForm(BaseForm):
    name = TrimmedStringField("Community name", [required(), Length(max=120)])
    currency = TrimmedStringField("Currency", [required(), valid_currency])
    owners_see_balance_sheet = StrictBooleanField("Owners see the full balance sheet")
    # Pages for whoever has not chosen a language, and every mail to the members (SPEC §7).
    locale = SelectField(lazy_gettext("Language"), choices=[("en", "English"), ("ru", "Русский")],
                         default="en", validate_choice=True)
    # SPEC §2: 0–100, at most 4 decimals; empty or 0 = no late fees.
    late_fee_percent = DecimalPlacesField("Late fee, % of the overdue debt per period (0 = off)",
                                          [percent_range], places=4, positive=False)
    payment_details = TextAreaField("Payment details (bank account, reference)",
                                     [Length(max=2000)])

    payee_name = TrimmedStringField("Payee name (account holder)", [Length(max=160)])
    payee_account = TrimmedStringField("Account (IBAN for EUR; 20-digit account for RUB)",
                                       [Length(max=64)])
    payee_bank_name = TrimmedStringField("Bank name", [Length(max=200)])
    payee_bic = TrimmedStringField("BIC", [Length(max=16)])
    payee_corr_account = TrimmedStringField("Correspondent account (RUB)", [Length(max=32)])
    payee_tax_id = TrimmedStringField("Tax id (INN, RUB)", [Length(max=16)])
    payee_tax_reg = TrimmedStringField("Tax registration code (KPP, RUB)", [Length(max=16)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.currency.errors:
            return valid
        # The payment QR standard, and so the account formats, follow the currency.
        for name, messages in payment_codes.payee_errors(self.currency.data,
                                                         self.payee()).items():
            field = self[name]
            if not field.errors:
                field.errors = list(messages)
                valid = False
        return valid

    def payee(self) -> payment_codes.Payee:
        return payment_codes.Payee(**{
            name: self[f"payee_{name}"].data or "" for name in PAYEE_PARTS})


PAYEE_PARTS = ("name", "account", "bank_name", "bic", "corr_account", "tax_id", "tax_reg")
PAYEE_FIELDS = tuple(f"payee_{name}" for name in PAYEE_PARTS)
