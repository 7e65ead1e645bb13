"""Closing a period from the web, and watching its job until the final sheet shows."""
from flask import flash, make_response, redirect, render_template, request, url_for

from app.errors import Conflict
from app.extensions import db
from app.models import Job, Period
from app.services import balances, closing, jobs
from app.tenancy import community_blueprint, get_or_404, requires
from app.web import is_htmx

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
            response = make_response(render_template(
                "closing/_refused.html", message=error.message, reasons=error.fields), 409)
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
    response = render_template("closing/_progress.html", job=job, **_done_context(job),
                               period_page=_on_period_page())
    return response, 200, {"Vary": "HX-Request"}


def _on_period_page() -> bool:
    """htmx asks from the period page (not the job page): the progress then also updates the
    page's status and close button out of band."""
    path = request.headers.get("HX-Current-URL", "").split("?", 1)[0]
    return is_htmx() and "/periods/" in path


def _done_context(job: Job) -> dict:
    period = get_or_404(Period, job.period_id) if job.period_id else None
    if job.status != "succeeded" or period is None:
        return {"sheet": None, "period": period}
    return {"sheet": balances.sheet(period), "period": period}
