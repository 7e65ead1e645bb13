"""Forms only the period pages need; the records themselves use app.forms.ledger."""

from flask_babel import lazy_gettext
from wtforms import HiddenField
from wtforms.validators import Length

from app.forms.base import BaseForm, TrimmedStringField, required


class RenameForm(BaseForm):
    name = TrimmedStringField(lazy_gettext("Period name"), [required(), Length(max=80)])


class ReadingsGridForm(BaseForm):
    """The grid's own fields: CSRF and the budget item. Each row is a ReadingForm."""

    budget_item_id = HiddenField()
