"""The "remind these" form of the receivables page (CSRF comes from BaseForm)."""

from flask_babel import lazy_gettext
from wtforms import HiddenField, SelectMultipleField, widgets

from app.forms.base import BaseForm


class RemindForm(BaseForm):
    member_ids = SelectMultipleField(
        lazy_gettext("Remind"),
        coerce=int,
        choices=[],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    # Empty on the first post (which shows the confirmation); "yes" on the confirmation's.
    confirmed = HiddenField()

    def offer(self, rows) -> "RemindForm":
        self.member_ids.choices = [(r.member.id, r.member.name) for r in rows]
        return self
