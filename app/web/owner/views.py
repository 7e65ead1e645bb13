"""The owner's side: statements ("why do I owe this"), history, shared balance sheets, and
the admins' payment reminders.

Every page shows the current member's own money. Admins may pass ``?member_id=`` to see any
member's; an owner asking for someone else gets a 403, an id of another community a 404.
"""

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app import downloads, i18n, policy
from app.errors import Forbidden, NotFound
from app.extensions import db
from app.models import Member, Period
from app.services import balances, history, jobs, periods as period_service, reminders, statements
from app.services.sheet_downloads import page_sheet_download
from app.tenancy import community_blueprint, get_or_404, is_admin, requires
from app.web.reminding import flash_reminders_sent
from app.web.owner import documents
from app.web.owner.forms import ReminderForm

bp = community_blueprint("owner", __name__, template_folder="templates")


def _member() -> Member:
    """The member whose money the page shows."""
    wanted = request.args.get("member_id")
    if wanted is None or wanted == str(g.member.id):
        return g.member
    member = get_or_404(Member, wanted)
    if not is_admin():
        raise Forbidden(_("You can see only your own statements."))
    return member


def _member_args(member: Member) -> dict:
    return {} if member.id == g.member.id else {"member_id": member.id}


def _filename(period: Period, member: Member, ext: str) -> str:
    return downloads.filename(g.community.slug, period.name, member.name, "statement", ext=ext)


# --- statements --------------------------------------------------------------------------


@bp.get("/me/why")
def why():
    """ "Why do I owe this": the statement of the period the balance is from."""
    member = _member()
    period = history.now_period()
    if period is None:
        raise NotFound(_("There are no periods yet."))
    return redirect(url_for("owner.statement", period_id=period.id, **_member_args(member)))


@bp.get("/me/periods/<int:period_id>/statement")
def statement(period_id):
    period = get_or_404(Period, period_id)
    member = _member()
    return render_template(
        "owner/statement.html",
        **statements.statement(period, member).context(),
        member_args=_member_args(member),
        sections=statements.SECTIONS,
        number=i18n.number,
        exact_text=documents.exact_text,
        late_fee_text=statements.late_fee_text,
        periods=period_service.periods(),
        can_see_sheet=policy.sees_books(g.member),
    )


@bp.get("/me/periods/<int:period_id>/statement.csv")
def statement_csv(period_id):
    period = get_or_404(Period, period_id)
    member = _member()
    return downloads.attachment(
        documents.to_csv(statements.statement(period, member)), _filename(period, member, "csv"), "text/csv"
    )


@bp.get("/me/periods/<int:period_id>/statement.pdf")
def statement_pdf(period_id):
    period = get_or_404(Period, period_id)
    member = _member()
    pdf = documents.to_pdf(
        statements.statement(period, member), g.community, current_app.config.get("PDF_FONT")
    )
    return downloads.attachment(pdf, _filename(period, member, "pdf"), "application/pdf")


# --- history -------------------------------------------------------------------------


@bp.get("/me/history", endpoint="history")
def history_page():
    member = _member()
    points = history.member_history(member.id)
    return render_template(
        "owner/history.html",
        member=member,
        points=points,
        chart=history.chart(points) if points else None,
        member_args=_member_args(member),
        can_see_sheet=lambda p: policy.sees_books(g.member),
    )


# --- the full balance sheet (transparency) -------------------------------------------


def _visible_sheet(period_id):
    period = get_or_404(Period, period_id)
    if not policy.sees_books(g.member):
        raise Forbidden(
            _("This community shows owners only their own balance.")
            if not g.community.owners_see_balance_sheet
            else _("The full balance sheet is shared once the period is closed.")
        )
    return balances.sheet(period)


@bp.get("/me/periods/<int:period_id>/balance-sheet")
def balance_sheet(period_id):
    sheet = _visible_sheet(period_id)
    rates = {item.id: item.unit_rate for item in sheet.items}
    return render_template("owner/balance_sheet.html", sheet=sheet, period=sheet.period, rates=rates)


@bp.get("/me/periods/<int:period_id>/balance-sheet.csv")
def balance_sheet_csv(period_id):
    return page_sheet_download(_visible_sheet(period_id))


# --- reminders (admins) ----------------------------------------------------------------


@bp.get("/reminders", endpoint="reminders")
@requires("admin")
def reminders_page():
    period, debtors = reminders.debtors()
    form = ReminderForm(formdata=None).offer(debtors)
    return render_template("owner/reminders.html", **_reminders_context(period, debtors, form))


@bp.post("/reminders")
@requires("admin")
def send_reminders():
    period, debtors = reminders.debtors()
    form = ReminderForm().offer(debtors)
    if not form.validate_on_submit():
        return render_template("owner/reminders.html", **_reminders_context(period, debtors, form)), 422
    if not form.member_ids.data:
        flash(_("Choose at least one member to remind."), "warning")
        return redirect(url_for("owner.reminders"))
    queued = reminders.queue(form.member_ids.data)
    db.session.commit()
    jobs.dispatch(*queued)
    flash_reminders_sent(queued, len(form.member_ids.data))
    return redirect(url_for("owner.reminders"))


def _reminders_context(period, debtors, form) -> dict:
    link = url_for("community.dashboard", _external=True)
    previews = {d.member.id: reminders.message(d.member, g.community, d.owed, period, link) for d in debtors}
    return {
        "period": period,
        "debtors": debtors,
        "form": form,
        "previews": previews,
        "sent": reminders.sent(),
        "jobs": reminders.recent_jobs(),
    }
