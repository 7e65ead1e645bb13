"""Members, properties and community settings."""
from wtforms import SelectField, TextAreaField
from wtforms.validators import Email, Length, Optional

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


class SettingsForm(BaseForm):
    name = TrimmedStringField("Community name", [required(), Length(max=120)])
    currency = TrimmedStringField("Currency", [required(), valid_currency])
    owners_see_balance_sheet = StrictBooleanField("Owners see the full balance sheet")
    payment_details = TextAreaField("Payment details (bank account, reference)",
                                     [Length(max=2000)])
