"""Bank import pages (admins): upload a statement → its job reads it (progress shown) → the
review lists every line with its suggestion; fix one with a select, skip one, confirm.

The upload always goes through the job (``bank_imports.queue``): without Redis it runs in
the request and the review shows at once; with a worker the review page polls the job."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext, ngettext
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.forms.bank import BankLineForm
from app.forms.base import BaseForm
from app.models import BankImport, BudgetItem, Expense, Job, Member, Period
from app.services import bank_imports, jobs
from app.tenancy import community_blueprint, get_or_404, requires
from app.web import is_htmx

bp = community_blueprint("bank_imports", __name__, template_folder="templates")


class StatementForm(BaseForm):
    file = FileField(
        lazy_gettext("Bank statement (CSV or 1CClientBankExchange)"),
        [FileRequired(lazy_gettext("Choose a file."))],
    )


class ConfirmForm(BaseForm):
    pass


def _recent(limit: int = 10) -> list[BankImport]:
    return list(
        db.session.execute(
            select(BankImport).order_by(BankImport.created_at.desc(), BankImport.id.desc()).limit(limit)
        ).scalars()
    )


@bp.get("/bank-imports")
@requires("admin")
def index(form=None, status=200):
    return render_template(
        "bank_imports/index.html", form=form or StatementForm(formdata=None), imports=_recent()
    ), status


@bp.post("/bank-imports")
@requires("admin")
def upload():
    form = StatementForm()
    if not form.validate_on_submit():
        return index(form, 422)
    try:
        bank_import, job = bank_imports.queue(form.file.data.filename or "", form.file.data.read())
    except ValidationFailed as error:
        db.session.rollback()
        form.file.errors = list(error.fields.get("file") or [error.message])
        return index(form, 422)
    db.session.commit()
    jobs.dispatch(job)
    return redirect(url_for("bank_imports.review", import_id=bank_import.id))


def _context(bank_import: BankImport) -> dict:
    lines = bank_imports.lines_of(bank_import)
    members = list(
        db.session.execute(select(Member).where(Member.removed_at.is_(None)).order_by(Member.name)).scalars()
    )
    names = {m.id: m.name for m in db.session.execute(select(Member)).scalars()}
    categories = sorted(
        set(db.session.execute(select(BudgetItem.payment_type)).scalars())
        | set(db.session.execute(select(Expense.payment_type).where(Expense.voided_at.is_(None))).scalars()),
        key=str.casefold,
    )
    periods = {p.id: p for p in db.session.execute(select(Period)).scalars()}
    counts: dict[str, int] = {}
    for line in lines:
        state = "recorded" if line.recorded else line.status
        counts[state] = counts.get(state, 0) + 1
    return {
        "bank_import": bank_import,
        "lines": lines,
        "members": members,
        "names": names,
        "categories": categories,
        "periods": periods,
        "counts": counts,
        "pending": sum(1 for ln in lines if ln.status == "matched" and not ln.recorded),
        "confirm": ConfirmForm(formdata=None),
    }


@bp.get("/bank-imports/<int:import_id>")
@requires("admin")
def review(import_id):
    bank_import = get_or_404(BankImport, import_id)
    job = db.session.get(Job, bank_import.job_id) if bank_import.job_id else None
    if job is not None and not job.done:
        return render_template("bank_imports/reading.html", bank_import=bank_import, job=job)
    if job is not None and job.status == "failed":
        return render_template(
            "bank_imports/reading.html", bank_import=bank_import, job=job, form=StatementForm(formdata=None)
        ), 422
    return render_template("bank_imports/review.html", **_context(bank_import))


@bp.get("/bank-imports/<int:import_id>/progress")
@requires("admin")
def progress(import_id):
    """The reading job's progress, polled by htmx; once done the page reloads itself."""
    bank_import = get_or_404(BankImport, import_id)
    job = get_or_404(Job, bank_import.job_id)
    headers = {"Vary": "HX-Request"}
    if job.done:
        headers["HX-Refresh"] = "true"
    return render_template("bank_imports/_progress.html", bank_import=bank_import, job=job), 200, headers


@bp.post("/bank-imports/<int:import_id>/lines/<int:line_id>")
@requires("admin")
def fix(import_id, line_id):
    bank_import = get_or_404(BankImport, import_id)
    line = bank_imports.line_of(bank_import, line_id)
    form = BankLineForm()
    given = (
        {"status"}
        if request.form.get("status")
        else ({"member_id"} if line.kind == "contribution" else {"payment_type"})
    )
    error = None
    if not form.validate():
        error = "; ".join(m for messages in form.field_errors().values() for m in messages)
    else:
        try:
            bank_imports.fix(
                line,
                given,
                member_id=form.member_id.data,
                payment_type=form.payment_type.data or None,
                status=form.status.data or None,
            )
            db.session.commit()
        except (ValidationFailed, Conflict) as problem:
            db.session.rollback()
            error = (
                "; ".join(m for messages in (problem.fields or {}).values() for m in messages)
                or problem.message
            )
    if is_htmx():
        line = bank_imports.line_of(bank_import, line_id)
        context = _context(bank_import)
        return render_template(
            "bank_imports/_line.html", line=line, error=error, **context
        ), 200 if error is None else 422
    if error:
        flash(error, "error")
    return redirect(url_for("bank_imports.review", import_id=import_id) + f"#line-{line_id}")


@bp.post("/bank-imports/<int:import_id>/confirm")
@requires("admin")
def confirm(import_id):
    bank_import = get_or_404(BankImport, import_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return redirect(url_for("bank_imports.review", import_id=import_id))
    created = bank_imports.confirm(bank_import)
    db.session.commit()
    flash(
        ngettext(
            "Recorded %(num)d line from the statement.", "Recorded %(num)d lines from the statement.", created
        )
        if created
        else _("Nothing new to record."),
        "success",
    )
    return redirect(url_for("bank_imports.review", import_id=import_id))
