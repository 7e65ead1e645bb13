"""A bank import line's fix (SPEC §6): a member for money in, a category for money out, or
skipped. Shared by the review page and the API."""
from wtforms import SelectField
from wtforms.validators import Length, Optional

from app.forms.base import BaseForm, IdField, TrimmedStringField


class BankLineForm(BaseForm):
    member_id = IdField("Member", [Optional()])
    payment_type = TrimmedStringField("Category", [Optional(), Length(max=80)])
    status = SelectField("Status", [Optional()], choices=[("", ""), ("skipped", "skipped")],
                         validate_choice=False)

    def validate_status(self, field):
        if field.data not in (None, "", "skipped"):
            from wtforms.validators import ValidationError
            raise ValidationError('Only "skipped" can be set; give a member or a category '
                                  'to match the line.')
