"""Closing a period from the web, and watching its job until the final sheet shows."""

from urllib.parse import urlsplit

from flask import flash, make_response, redirect, render_template, request, url_for
from sqlalchemy import select

from app.errors import Conflict
from app.extensions import db
from app.models import Job, Period
from app.services import balances, closing, correction_preview, jobs
from app.tenancy import community_blueprint, get_or_404, is_admin, requires
from app.web import is_htmx
from app.web.periods.page import TABS, context as page_context

TAB_KEYS = {key for key, _label in TABS}

bp = community_blueprint("closing", __name__, template_folder="templates")


@bp.post("/periods/<int:period_id>/close")
@requires("admin")
def close(period_id):
    period = get_or_404(Period, period_id)
    try:
        job = closing.request_close(period)
        db.session.commit()
        jobs.dispatch(job)
    except Conflict as error:
        flash(error.message, "error")
        if is_htmx():
            # htmx swaps no 409: it reloads the page, which shows the period as it is now
            # and the reasons as a flash.
            response = make_response(
                render_template("closing/_refused.html", message=error.message, reasons=error.fields), 409
            )
            response.headers["HX-Refresh"] = "true"
            return response
        return redirect(url_for("periods.show", period_id=period.id))
    if is_htmx():
        return job_progress(job.id)
    return redirect(url_for("closing.job", job_id=job.id))


@bp.get("/jobs/<int:job_id>")
@requires("admin")
def job(job_id):
    job = get_or_404(Job, job_id)
    if is_htmx():
        return job_progress(job.id)
    return render_template("closing/job.html", job=job, **_done_context(job))


def job_progress(job_id: int):
    job = get_or_404(Job, job_id)
    values = _done_context(job)
    tab = _period_page_tab(job)
    if tab and job.done and values["period"] is not None:
        # The close ended on the period page: every part of it shows the period as it now is
        # (closed: no forms, Reopen offered; failed: open again), without a reload.
        period = values["period"]
        values.update(
            {
                **page_context(period, tab),
                "sheet": values["sheet"],
                "preview_offered": is_admin() and correction_preview.applies(period),
            }
        )
    values.update(job=job, period_page=tab is not None, tab=tab)
    response = render_template("closing/_progress.html", **values)
    return response, 200, {"Vary": "HX-Request"}


def _period_page_tab(job: Job) -> str | None:
    """The tab of the period page htmx asks from (not the job page), if it is this job's
    period: the progress then also brings that page up to date, out of band."""
    if not is_htmx() or job.period_id is None:
        return None
    path = urlsplit(request.headers.get("HX-Current-URL", "")).path.rstrip("/")
    parts = path.split("/")
    if "periods" not in parts:
        return None
    after = parts[parts.index("periods") + 1 :]
    if not after or after[0] != str(job.period_id):
        return None
    tab = after[1] if len(after) > 1 else "contributions"
    return tab if tab in TAB_KEYS else "contributions"


@bp.app_template_global()
def running_close_job(period) -> Job | None:
    """The close job still queued or running for a period, if any: a period page loaded
    meanwhile keeps polling it instead of showing a still picture."""
    return db.session.execute(
        select(Job)
        .where(Job.period_id == period.id, Job.kind == "close_period", Job.status.in_(("queued", "running")))
        .order_by(Job.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _done_context(job: Job) -> dict:
    period = get_or_404(Period, job.period_id) if job.period_id else None
    if job.status != "succeeded" or period is None:
        return {"sheet": None, "period": period}
    return {"sheet": balances.sheet(period), "period": period}
