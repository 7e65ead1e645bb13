"""Closing a period from the web, and watching its job until the final sheet shows."""
from flask import flash, redirect, render_template, url_for

from app.errors import Conflict
from app.models import Job, Period
from app.services import balances, closing
from app.tenancy import community_blueprint, get_or_404, requires
from app.web import is_htmx

bp = community_blueprint("closing", __name__, template_folder="templates")


@bp.post("/periods/<int:period_id>/close")
@requires("admin")
def close(period_id):
    period = get_or_404(Period, period_id)
    try:
        job = closing.request_close(period)
    except Conflict as error:
        if is_htmx():
            return render_template("closing/_refused.html", message=error.message,
                                   reasons=error.fields), 409
        flash(error.message, "error")
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
    response = render_template("closing/_progress.html", job=job, **_done_context(job))
    return response, 200, {"Vary": "HX-Request"}


def _done_context(job: Job) -> dict:
    if job.status != "succeeded" or not job.period_id:
        return {"sheet": None}
    period = get_or_404(Period, job.period_id)
    return {"sheet": balances.sheet(period)}
