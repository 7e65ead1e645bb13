"""What an admin is told after sending payment reminders (the reminders page and the
receivables page's "remind these" share it)."""

from flask import flash
from flask_babel import gettext as _, ngettext


def flash_reminders_sent(jobs, count: int) -> None:
    failed = [job for job in jobs if job.status == "failed"]
    if failed:
        flash(
            _(
                "Some reminders could not be sent: %(errors)s",
                errors="; ".join(j.error or "" for j in failed),
            ),
            "error",
        )
    elif all(job.done for job in jobs):
        flash(ngettext("Sent %(num)d reminder.", "Sent %(num)d reminders.", count), "success")
    else:
        flash(
            ngettext(
                "Queued %(num)d reminder; it goes out in a moment.",
                "Queued %(num)d reminders; they go out in a moment.",
                count,
            ),
            "success",
        )
