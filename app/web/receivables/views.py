"""Receivables (admins): who owes since when, sortable, as CSV, and "remind these".

"Remind these" is two posts: the first shows who would get a reminder and for how much in
total (members already reminded today, or no longer in debt, are named and left out); the
confirmation queues them through the reminders job, like the reminders page does.
"""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext

from app import downloads
from app.errors import ValidationFailed
from app.extensions import db
from app.services import jobs
from app.services import receivables as service
from app.tenancy import community_blueprint, requires
from app.web.reminding import flash_reminders_sent
from app.web.receivables.forms import RemindForm

bp = community_blueprint("receivables", __name__, template_folder="templates")

# The page CSV's columns in the reader's words (the API's receivables keep their keys).
CSV_HEADER = (
    lazy_gettext("Member"),
    lazy_gettext("Debt"),
    lazy_gettext("Since"),
    lazy_gettext("Period end"),
    lazy_gettext("Days overdue"),
    lazy_gettext("Bucket"),
)


def _sort() -> str:
    try:
        return service.check_sort(request.args.get("sort"))
    except ValidationFailed:
        return "debt"


@bp.get("/receivables")
@requires("admin")
def index():
    sort = _sort()
    rows = service.rows(sort)
    return render_template(
        "receivables/index.html",
        rows=rows,
        sort=sort,
        form=RemindForm(formdata=None).offer(rows),
        buckets=service.bucket_totals(rows),
        total=sum(r.debt for r in rows),
    )


@bp.get("/receivables.csv")
@requires("admin")
def download():
    rows = service.rows(_sort())
    body = downloads.csv_text(
        [str(name) for name in CSV_HEADER],
        (
            [
                r.member.name,
                downloads.amount(r.debt),
                r.since.name,
                r.since.end_date.isoformat(),
                r.days_overdue,
                r.bucket,
            ]
            for r in rows
        ),
        downloads.page_csv_style(),
    )
    name = downloads.filename(g.community.slug, "receivables", service.today().isoformat(), ext="csv")
    return downloads.attachment(body, name, "text/csv")


@bp.post("/receivables/remind")
@requires("admin")
def remind():
    rows = service.rows()
    form = RemindForm().offer(rows)
    if not form.validate_on_submit():
        flash(_("The list changed while you were choosing; check it and try again."), "warning")
        return redirect(url_for("receivables.index"))
    if not form.member_ids.data:
        flash(_("Choose at least one member to remind."), "warning")
        return redirect(url_for("receivables.index"))
    if form.confirmed.data != "yes":
        plan = service.reminder_plan(form.member_ids.data)
        return render_template("receivables/confirm.html", plan=plan, form=form)
    plan, queued = service.remind(form.member_ids.data)
    db.session.commit()
    jobs.dispatch(*queued)
    count = len(plan.member_ids)
    if not count:
        flash(_("Nobody to remind: everyone chosen was reminded today or no longer owes."), "warning")
    else:
        flash_reminders_sent(queued, count)
    return redirect(url_for("receivables.index"))
