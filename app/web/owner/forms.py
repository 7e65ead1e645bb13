"""The reminder form: which debtors to remind (CSRF comes from BaseForm)."""

from wtforms import SelectMultipleField, widgets

from app.forms.base import BaseForm


class ReminderForm(BaseForm):
    member_ids = SelectMultipleField(
        "Remind",
        coerce=int,
        choices=[],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )

    def offer(self, debtors) -> "ReminderForm":
        """Offer every debtor not yet reminded today; all of them checked unless chosen."""
        self.member_ids.choices = [(d.member.id, d.member.name) for d in debtors if not d.reminded_today]
        return self
