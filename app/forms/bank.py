"""A bank import line's fix (SPEC §6): a member for money in, a category for money out, or
skipped. Shared by the review page and the API."""

from flask_babel import lazy_gettext
from wtforms import SelectField
from wtforms.validators import Length, Optional

from app.forms.base import BaseForm, IdField, TrimmedStringField


class BankLineForm(BaseForm):
    member_id = IdField(lazy_gettext("Member"), [Optional()])
    payment_type = TrimmedStringField(lazy_gettext("Category"), [Optional(), Length(max=80)])
    status = SelectField(
        lazy_gettext("Status"),
        [Optional()],
        choices=[("", ""), ("skipped", "skipped")],
        validate_choice=False,
    )

    def validate_status(self, field):
        if field.data not in (None, "", "skipped"):
            from wtforms.validators import ValidationError

            raise ValidationError(
                lazy_gettext('Only "skipped" can be set; give a member or a category to match the line.')
            )
