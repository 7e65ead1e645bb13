"""API: periods, their close, and jobs."""

from flask import jsonify

from app.api import serializers as out
from app.api.base import body, created, doc, merged, validate
from app.extensions import db
from app.forms.ledger import PeriodForm, PeriodPatchForm
from app.models import Job, Period
from app.money import format_cents
from app.services import closing, correction_preview, jobs
from app.services import periods as service
from app.tenancy import community_blueprint, get_or_404, requires

bp = community_blueprint("api_periods", __name__, api=True)


@bp.get("/periods")
@doc("Periods, oldest first")
def list_periods():
    return jsonify([out.period(p) for p in service.periods()])


@bp.post("/periods")
@requires("admin")
@doc("Create a period; copy_budget_from copies another period's budget items", PeriodForm, 201, "admin")
def create_period():
    form = validate(PeriodForm, body())
    period = service.create(**form.values())
    db.session.commit()
    return created(out.period(period))


@bp.get("/periods/<int:period_id>")
@doc("One period")
def get_period(period_id):
    return jsonify(out.period(get_or_404(Period, period_id)))


@bp.patch("/periods/<int:period_id>")
@requires("admin")
@doc('Rename a period, or reopen it with {"status": "open"}', PeriodPatchForm, role="admin")
def patch_period(period_id):
    period = get_or_404(Period, period_id)
    form = validate(PeriodPatchForm, merged(out.period(period), body()))
    service.patch(period, name=form.name.data, status=form.status.data)
    db.session.commit()
    return jsonify(out.period(period))


@bp.post("/periods/<int:period_id>/close")
@requires("admin")
@doc("Close a period: checks, then queues the close job", status=202, role="admin")
def close_period(period_id):
    period = get_or_404(Period, period_id)
    job = closing.request_close(period)
    db.session.commit()
    jobs.dispatch(job)
    return jsonify({"period": out.period(period), "job_id": job.id}), 202


@bp.get("/jobs/<int:job_id>")
@doc("A background job's status and progress")
def get_job(job_id):
    return jsonify(out.job(get_or_404(Job, job_id)))


@bp.get("/periods/<int:period_id>/recompute-preview")
@requires("admin")
@doc(
    "Correction preview of a reopened period: each member's closing balance in this and "
    "every later closed period, as the last close wrote it and as closing this period now "
    "would write it (members whose balance does not change are left out); writes nothing",
    role="admin",
    conflict=True,
)
def recompute_preview(period_id):
    periods = correction_preview.preview(get_or_404(Period, period_id))
    return jsonify(
        {
            "periods": [
                {
                    "id": p.period.id,
                    "name": p.period.name,
                    "rows": [
                        {
                            "member_id": r.member_id,
                            "closing_before": format_cents(r.before),
                            "closing_after": format_cents(r.after),
                            "change": format_cents(r.change),
                        }
                        for r in p.rows
                    ],
                }
                for p in periods
            ]
        }
    )
